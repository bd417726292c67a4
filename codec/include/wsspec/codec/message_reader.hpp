// The read path of one WebSocket connection, in one object: bytes in, events out. It owns a
// frame_decoder and a message_assembler and the buffer between the transport and them, so no
// user writes that glue (or its offsets, unmasking and buffer handling) again.
//
//   reader.feed(bytes_from_socket);
//   for (read_status s; (s = reader.next()) != read_status::need_more;) { ... }
//
// The buffer has a read cursor; the consumed prefix is reclaimed only when the buffer must
// grow and that prefix is at least as large as what is still unread, so each byte is moved at
// most once on average (no front-erase per frame, which is quadratic on many small frames).
// A caller that drains next() after every feed never moves a byte at all: need_more means
// every buffered byte was used, and an empty buffer starts again at its front.
//
// Memory: the buffer holds what was fed and not yet processed, plus the consumed prefix that
// has not been reclaimed yet; its capacity stays below four times the largest amount that was
// ever unprocessed at once (unread bytes plus one feed), or 4 KiB. Messages are bounded by the
// assembler's max_message_size, checked as soon as a frame header shows the message would
// exceed it, frames by the decoder's max_frame_payload, partial headers by 14 bytes.
//
// Masked payloads (a server reading a client) are unmasked in place in the buffer. A message
// that arrives as one frame in one piece is handed out as a span of the buffer, not copied;
// fragmented or split messages are collected.
//
// Offsets count from the first byte ever fed. A violation is final: next() keeps reporting it
// and feed() drops what it is given.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "wsspec/codec/close.hpp"
#include "wsspec/codec/frame_decoder.hpp"
#include "wsspec/codec/frame_header.hpp"
#include "wsspec/codec/message_assembler.hpp"
#include "wsspec/codec/opcode.hpp"
#include "wsspec/codec/protocol_error.hpp"

namespace wsspec::codec {

struct reader_options {
  decoder_options decoder;      // e.g. decoder_options::client() when reading a server
  assembler_options assembler;  // message size limit, collect, compressed_messages
};

enum class read_status : std::uint8_t {
  need_more,  // every buffered byte is used; feed() more
  fragment,   // a data frame completed that did not end its message (header(): the frame)
  message,    // a text/binary message is complete: message_opcode(), message()
  control,    // a control frame is complete: control_opcode(), control_payload(), close()
  violation,  // the stream broke a rule: error(), error_offset(); the reader is then done
};

class message_reader {
 public:
  explicit message_reader(reader_options options = {});

  // Appends bytes to the internal buffer (copied). Never reads past a violation.
  void feed(std::span<const std::uint8_t> bytes);

  // The same without the copy, for a transport that reads straight into the buffer: prepare()
  // returns at least `n` writable bytes at the end of the buffer (spans from earlier calls are
  // then invalid), commit(k) makes the first k of them readable. Bytes prepared and not
  // committed are simply not used. commit() after a violation drops the bytes, like feed().
  std::span<std::uint8_t> prepare(std::size_t n);
  void commit(std::size_t n) noexcept;

  // Processes buffered bytes until one event; need_more when they are used up.
  read_status next();

  // After `message`: the whole message; after `control`: the control frame; spans stay valid
  // until the next call of next() or feed().
  opcode message_opcode() const noexcept { return assembler_.message_opcode(); }
  // Empty when options.assembler.collect is false.
  std::span<const std::uint8_t> message() const noexcept { return message_view_; }
  std::uint64_t message_frames() const noexcept { return assembler_.message_frames(); }
  bool message_compressed() const noexcept { return assembler_.message_compressed(); }
  opcode control_opcode() const noexcept { return assembler_.control_opcode(); }
  std::span<const std::uint8_t> control_payload() const noexcept {
    return assembler_.control_payload();
  }
  // Valid after a close control frame (the reason views the control payload).
  const close_body& close() const noexcept { return assembler_.close(); }
  // The header of the last frame seen.
  const frame_header& header() const noexcept { return header_; }

  // After `violation`: which rule, and the absolute stream offset of the offending byte: the
  // byte that proved it for the decoder's header rules and for UTF-8; the first byte of the
  // frame (opcode and RSV bits) when a frame is out of place (5.4, RFC 7692 6.1); the last byte
  // of the length field when the length alone exceeds the message limit (10.4); for a close
  // body, its lone byte, the second byte of a bad code, or the first bad byte of the reason;
  // the frame's last byte when a text message or a close reason stops inside a code point.
  protocol_error error() const noexcept { return error_; }
  std::uint64_t error_offset() const noexcept { return error_offset_; }
  // The offending frame's bytes as they came on the wire (still masked), from its first byte
  // through the offending byte or the end of its header, whichever is later, at most
  // max_header_size of them: the same however the stream was sliced (evidence for reports).
  std::span<const std::uint8_t> error_evidence() const noexcept {
    return std::span(evidence_).first(evidence_size_);
  }

  // Stream offset of the next unread byte. After a violation: one past the offending byte or
  // past the frame's header, whichever is later, or past a close frame whose body is wrong
  // (a close body is judged whole); the bytes after that were not used.
  std::uint64_t consumed() const noexcept { return consumed_; }
  // Fed but not yet processed.
  std::size_t buffered() const noexcept { return end_ - read_; }
  bool at_frame_boundary() const noexcept { return decoder_.at_frame_boundary(); }
  // A fragmented message is unfinished.
  bool in_message() const noexcept { return assembler_.in_message(); }
  // Inside a frame whose header is complete: the payload length it announced and how many of
  // those bytes arrived so far. Empty at a frame boundary or inside a header. (A peer that stops
  // or closes here sent a frame shorter than its length field says.)
  struct unfinished_frame {
    std::uint64_t announced = 0;
    std::uint64_t received = 0;
  };
  std::optional<unfinished_frame> unfinished() const noexcept {
    if (decoder_.at_frame_boundary() || payload_start_ <= frame_start_) return std::nullopt;
    return unfinished_frame{header_.payload_length, consumed_ - payload_start_};
  }

  // After sending a close frame an endpoint ignores data frames (RFC 6455 5.5.1, 1.4): from
  // the next byte on, text, binary and continuation frames are decoded (header rules still
  // apply) but not assembled: no fragment or message events, no message rules, no size limit.
  // Control frames go on as before. Frames already being assembled stop at once.
  void ignore_data_frames(bool ignore = true) noexcept { ignore_data_ = ignore; }

  const reader_options& options() const noexcept { return options_; }
  // Bytes allocated for the buffer (for tests of the memory bound).
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  // `resume`: consumed() from now on; `header_in`: the offending frame's header is complete.
  read_status fail(protocol_error e, std::uint64_t offset, std::uint64_t resume,
                   bool header_in) noexcept;
  void make_room(std::size_t n);

  reader_options options_;
  frame_decoder decoder_;
  message_assembler assembler_;  // collect = false: the reader keeps the message bytes itself

  // buffer_[read_, end_) is unread; capacity_ bytes are allocated.
  std::unique_ptr<std::uint8_t[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t read_ = 0;
  std::size_t end_ = 0;
  std::uint64_t consumed_ = 0;

  frame_header header_{};
  bool assembling_data_ = false;  // the current frame is a data frame that is being assembled
  bool ignore_data_ = false;
  bool failed_ = false;
  std::uint64_t frame_start_ = 0;    // stream offset of the current frame's first byte
  std::uint64_t payload_start_ = 0;  // ... and of its first payload byte, once its header is in
  std::uint64_t message_before_frame_ = 0;  // message bytes before the current frame
  // The current frame's first wire bytes, kept for error_evidence() (the buffer may have moved
  // on and its payload is unmasked in place).
  std::array<std::uint8_t, max_header_size> evidence_{};
  std::uint8_t evidence_size_ = 0;

  std::vector<std::uint8_t> message_;  // a fragmented or split message, collected
  std::span<const std::uint8_t> message_view_{};

  protocol_error error_ = protocol_error::none;
  std::uint64_t error_offset_ = 0;
};

}  // namespace wsspec::codec
