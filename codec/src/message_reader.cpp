#include "wsspec/codec/message_reader.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "wsspec/codec/mask.hpp"
#include "wsspec/codec/utf8.hpp"

namespace wsspec::codec {

namespace {

assembler_options without_collecting(assembler_options o) noexcept {
  o.collect = false;
  return o;
}

// A first allocation big enough for typical socket reads, so small feeds do not regrow.
constexpr std::size_t min_capacity = 4096;

}  // namespace

message_reader::message_reader(reader_options options)
    : options_(options),
      decoder_(options.decoder),
      assembler_(without_collecting(options.assembler)) {}

void message_reader::make_room(std::size_t n) {
  if (read_ == end_) read_ = end_ = 0;  // all used: start again at the front, nothing to move
  if (capacity_ - end_ >= n) return;
  const std::size_t unread = end_ - read_;
  // Reclaim the consumed prefix only when it is at least as large as what has to move: then
  // every byte moved is paid for by a byte consumed, and a byte is moved at most once on
  // average whatever the caller's feed and next() pattern.
  if (read_ >= unread && capacity_ - unread >= n) {
    std::memmove(buffer_.get(), buffer_.get() + read_, unread);
    read_ = 0;
    end_ = unread;
    return;
  }
  // Grow geometrically (amortised O(1) per byte); the copy compacts as well.
  const std::size_t want = std::max({min_capacity, 2 * capacity_, std::bit_ceil(unread + n)});
  auto bigger = std::make_unique_for_overwrite<std::uint8_t[]>(want);
  if (unread != 0) std::memcpy(bigger.get(), buffer_.get() + read_, unread);
  buffer_ = std::move(bigger);
  capacity_ = want;
  read_ = 0;
  end_ = unread;
}

std::span<std::uint8_t> message_reader::prepare(std::size_t n) {
  make_room(n);
  return {buffer_.get() + end_, n};
}

void message_reader::commit(std::size_t n) noexcept {
  if (failed_) return;
  end_ += std::min(n, capacity_ - end_);
}

void message_reader::feed(std::span<const std::uint8_t> bytes) {
  if (failed_ || bytes.empty()) return;
  make_room(bytes.size());
  std::memcpy(buffer_.get() + end_, bytes.data(), bytes.size());
  end_ += bytes.size();
}

read_status message_reader::fail(protocol_error e, std::uint64_t offset, std::uint64_t resume,
                                 bool header_in) noexcept {
  failed_ = true;
  error_ = e;
  error_offset_ = offset;
  // Evidence: the frame from its first byte through the later of the offending byte and the
  // header's end. Every one of those bytes was consumed by now, so all are in evidence_ (up to
  // its size), whichever way the stream was sliced.
  const std::uint64_t through = header_in ? std::max(offset + 1, payload_start_) : offset + 1;
  evidence_size_ =
      static_cast<std::uint8_t>(std::min<std::uint64_t>(evidence_size_, through - frame_start_));
  // Give back the bytes after `resume` that the failing step took (payload that came with a
  // refused header, the rest of a slice after a bad UTF-8 byte): they were not used.
  if (resume < consumed_) {
    const std::uint64_t back = std::min<std::uint64_t>(consumed_ - resume, read_);
    read_ -= static_cast<std::size_t>(back);
    consumed_ -= back;
  }
  message_view_ = {};
  return read_status::violation;
}

read_status message_reader::next() {
  if (failed_) return read_status::violation;
  message_view_ = {};
  while (read_ < end_) {
    std::uint8_t* const at = buffer_.get() + read_;
    const std::uint64_t step_start = consumed_;
    const decode_result r = decoder_.next({at, end_ - read_});
    // Keep the frame's first wire bytes before the payload is unmasked in place.
    if (evidence_size_ < max_header_size) {
      const std::size_t k = std::min<std::size_t>(max_header_size - evidence_size_, r.consumed);
      std::memcpy(evidence_.data() + evidence_size_, at, k);
      evidence_size_ = static_cast<std::uint8_t>(evidence_size_ + k);
    }
    read_ += r.consumed;
    consumed_ += r.consumed;
    if (r.status == decode_status::error) {
      return fail(r.error, r.error_offset, r.error_offset + 1, false);
    }
    if (r.status == decode_status::need_more) continue;  // a partial header; read_ == end_

    const bool data_frame = !is_control(r.header.op);
    if (r.status == decode_status::frame) {
      header_ = r.header;
      payload_start_ = step_start + r.consumed - r.payload.size();
      assembling_data_ = false;
      if (!(data_frame && ignore_data_)) {
        if (const auto e = assembler_.begin_frame(r.header); e != protocol_error::none)
          return fail(e, frame_start_, payload_start_, true);  // opcode and RSV1 are in byte 0
        if (data_frame) {
          assembling_data_ = true;
          message_before_frame_ = assembler_.message_size();
          // 10.4: refuse as soon as the header shows the message will not fit, rather than
          // after buffering max_message_size bytes of it.
          if (r.header.payload_length >
              options_.assembler.max_message_size - message_before_frame_) {
            const std::uint64_t last_length_byte = payload_start_ - 1 - (r.header.masked ? 4 : 0);
            return fail(protocol_error::message_too_large, last_length_byte, payload_start_, true);
          }
          if (r.header.op != opcode::continuation) message_.clear();
        }
      }
    }
    // A data frame stops being assembled when data is ignored from now on.
    if (data_frame && ignore_data_) assembling_data_ = false;
    const bool assemble = !data_frame || assembling_data_;

    if (!r.payload.empty() && assemble) {
      // The payload is a slice of our own buffer, so it can be unmasked in place (5.3).
      const std::span<std::uint8_t> payload(at + (r.consumed - r.payload.size()), r.payload.size());
      if (r.header.masked) apply_mask(payload, r.header.key, r.payload_offset);
      if (const auto e = assembler_.append(payload); e != protocol_error::none) {
        const std::uint64_t slice_start = consumed_ - payload.size();
        std::uint64_t offset = slice_start;
        if (e == protocol_error::invalid_utf8) {
          // The validator counts from the message's start; the bad byte is in this slice.
          const std::uint64_t in_message = assembler_.utf8_error_offset();
          offset = payload_start_ + (in_message - message_before_frame_);
        } else if (e == protocol_error::message_too_large) {
          offset = payload_start_ + (options_.assembler.max_message_size - message_before_frame_);
        }
        offset = std::clamp(offset, slice_start, consumed_ - 1);
        return fail(e, offset, offset + 1, true);
      }
      // One frame, one piece: hand the buffer out (below). Anything else is collected.
      const bool whole = r.status == decode_status::frame && r.frame_complete && r.header.fin &&
                         r.header.op != opcode::continuation;
      if (data_frame && options_.assembler.collect && !whole)
        message_.insert(message_.end(), payload.begin(), payload.end());
    }

    if (!r.frame_complete) continue;
    // The next frame starts right here.
    const std::uint64_t frame_end = consumed_;
    const std::uint64_t frame_last_byte = frame_end - 1;
    if (!assemble) {
      frame_start_ = frame_end;
      evidence_size_ = 0;
      continue;
    }
    assembled what = assembled::nothing;
    if (const auto e = assembler_.end_frame(what); e != protocol_error::none) {
      std::uint64_t offset = frame_last_byte;  // a text message that stops inside a code point
      if (e == protocol_error::close_payload_one_byte) {
        offset = payload_start_;
      } else if (e == protocol_error::close_code_invalid) {
        offset = payload_start_ + 1;
      } else if (e == protocol_error::close_reason_invalid_utf8) {
        const auto reason = assembler_.control_payload().subspan(2);
        offset = std::min(payload_start_ + 2 + validate_utf8(reason).error_offset, frame_last_byte);
      }
      return fail(e, offset, frame_end, true);
    }
    frame_start_ = frame_end;
    evidence_size_ = 0;
    switch (what) {
      case assembled::nothing:
        return read_status::fragment;
      case assembled::message:
        if (options_.assembler.collect) {
          const bool whole =
              r.status == decode_status::frame && r.header.op != opcode::continuation;
          message_view_ = whole ? r.payload : std::span<const std::uint8_t>(message_);
        }
        return read_status::message;
      case assembled::control:
        return read_status::control;
    }
  }
  return read_status::need_more;
}

}  // namespace wsspec::codec
