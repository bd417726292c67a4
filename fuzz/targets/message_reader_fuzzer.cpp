// Message reader (codec/include/wsspec/codec/message_reader.hpp): the buffer, the glue and the
// offsets around the decoder and the assembler. One property, a crash when broken: fed whole,
// one byte at a time, in input-chosen slices, and one byte at a time with nothing read until
// the end, the reader reports the same events as the plain glue written out below, which runs
// the decoder and the assembler over the whole input at once and takes every offset and every
// evidence byte straight from the input. Events are compared in full: kind, header of a
// fragment, opcode, message bytes, frame count, compressed flag, control payload, close code
// and reason, error, error offset, evidence bytes, and consumed() after a violation. Every
// run also keeps the buffer's contract: need_more only when every byte fed is used.
//
// Input layout: byte 0: bits 0-1 masking (0 any, 1 required, 2 forbidden, 3 any), bit 2
// permessage-deflate (RSV1 allowed, compressed messages), bit 3 non-minimal lengths allowed,
// bit 4 collect off, bits 5-7: ignore data frames after that many events (0: never); byte 1:
// the message size limit (0xFF: the default 64 MiB); byte 2 seeds the slice lengths; the rest
// is the stream.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "wsspec/codec/frame_decoder.hpp"
#include "wsspec/codec/mask.hpp"
#include "wsspec/codec/message_assembler.hpp"
#include "wsspec/codec/message_reader.hpp"
#include "wsspec/codec/utf8.hpp"

namespace {

using namespace wsspec::codec;

[[noreturn]] void mismatch() { std::abort(); }

struct event {
  read_status kind = read_status::need_more;
  frame_header header{};  // fragment
  opcode op = opcode::continuation;
  std::vector<std::uint8_t> bytes;  // message, control payload, or evidence
  std::uint64_t frames = 0;
  bool compressed = false;
  int close_code = -1;  // -1: no code
  protocol_error error = protocol_error::none;
  std::uint64_t error_offset = 0;
  std::uint64_t consumed = 0;  // after a violation
  friend bool operator==(const event&, const event&) = default;
};

struct setup {
  reader_options options;
  std::size_t ignore_after = 0;  // events; 0: never
};

// The plain glue: the whole input at once, positions taken from the input itself.
std::vector<event> reference(const setup& s, std::span<const std::uint8_t> in) {
  const reader_options& o = s.options;
  assembler_options ao = o.assembler;
  ao.collect = true;
  frame_decoder d(o.decoder);
  message_assembler a(ao);
  std::vector<event> out;
  bool ignore = false;
  std::size_t pos = 0, frame_start = 0, payload_start = 0;
  auto violation = [&](protocol_error e, std::size_t offset, std::size_t through,
                       std::size_t consumed) {
    event v;
    v.kind = read_status::violation;
    v.error = e;
    v.error_offset = offset;
    const std::size_t n = std::min(max_header_size, through - frame_start);
    v.bytes.assign(in.begin() + frame_start, in.begin() + frame_start + n);
    v.consumed = consumed;
    out.push_back(std::move(v));
    return out;
  };
  auto emit = [&](event e) {
    out.push_back(std::move(e));
    if (s.ignore_after != 0 && out.size() == s.ignore_after) ignore = true;
  };
  std::vector<std::uint8_t> payload;
  while (pos < in.size()) {
    const decode_result r = d.next(in.subspan(pos));
    if (r.status == decode_status::error)
      return violation(r.error, r.error_offset, r.error_offset + 1, r.error_offset + 1);
    if (r.status == decode_status::need_more) break;
    const std::size_t step = pos;
    pos += r.consumed;
    const bool data = !is_control(r.header.op);
    if (data && ignore) {
      if (r.frame_complete) frame_start = pos;
      continue;
    }
    std::uint64_t before = a.message_size();
    if (r.status == decode_status::frame) {
      payload_start = step + r.consumed - r.payload.size();
      if (const auto e = a.begin_frame(r.header); e != protocol_error::none)
        return violation(e, frame_start, payload_start, payload_start);
      before = a.message_size();
      if (data && r.header.payload_length > ao.max_message_size - before) {
        const std::size_t length_end = payload_start - (r.header.masked ? 4 : 0);
        return violation(protocol_error::message_too_large, length_end - 1, payload_start,
                         payload_start);
      }
    }
    payload.assign(r.payload.begin(), r.payload.end());
    if (r.header.masked) apply_mask(payload, r.header.key, r.payload_offset);
    if (!payload.empty()) {
      if (const auto e = a.append(payload); e != protocol_error::none) {
        if (e != protocol_error::invalid_utf8) mismatch();  // the header checks came first
        const std::size_t at = payload_start + (a.utf8_error_offset() - before);
        return violation(e, at, at + 1, at + 1);
      }
    }
    if (!r.frame_complete) continue;
    assembled what;
    if (const auto e = a.end_frame(what); e != protocol_error::none) {
      const std::size_t last = pos - 1;
      std::size_t at = last;
      const auto body = in.subspan(payload_start, pos - payload_start);
      if (e == protocol_error::close_payload_one_byte) at = payload_start;
      if (e == protocol_error::close_code_invalid) at = payload_start + 1;
      if (e == protocol_error::close_reason_invalid_utf8) {
        // The reason as sent, unmasked here from the input.
        std::vector<std::uint8_t> reason(body.begin() + 2, body.end());
        if (r.header.masked) apply_mask(reason, r.header.key, 2);
        at = std::min(last, payload_start + 2 + validate_utf8_reference(reason).error_offset);
      }
      return violation(e, at, std::max(at + 1, payload_start), pos);
    }
    frame_start = pos;
    event ev;
    if (what == assembled::nothing) {
      ev.kind = read_status::fragment;
      ev.header = r.header;
    } else if (what == assembled::message) {
      ev.kind = read_status::message;
      ev.op = a.message_opcode();
      if (o.assembler.collect) ev.bytes.assign(a.message().begin(), a.message().end());
      ev.frames = a.message_frames();
      ev.compressed = a.message_compressed();
    } else {
      ev.kind = read_status::control;
      ev.op = a.control_opcode();
      ev.bytes.assign(a.control_payload().begin(), a.control_payload().end());
      if (ev.op == opcode::close && a.close().code) ev.close_code = *a.close().code;
    }
    emit(std::move(ev));
  }
  return out;
}

event observe(const message_reader& r, read_status s) {
  event e;
  e.kind = s;
  switch (s) {
    case read_status::fragment:
      e.header = r.header();
      break;
    case read_status::message:
      e.op = r.message_opcode();
      e.bytes.assign(r.message().begin(), r.message().end());
      e.frames = r.message_frames();
      e.compressed = r.message_compressed();
      break;
    case read_status::control:
      e.op = r.control_opcode();
      e.bytes.assign(r.control_payload().begin(), r.control_payload().end());
      if (e.op == opcode::close && r.close().code) e.close_code = *r.close().code;
      break;
    case read_status::violation:
      e.error = r.error();
      e.error_offset = r.error_offset();
      e.bytes.assign(r.error_evidence().begin(), r.error_evidence().end());
      e.consumed = r.consumed();
      break;
    case read_status::need_more:
      break;
  }
  return e;
}

// Drains the reader; false after a violation.
bool drain(message_reader& r, const setup& s, std::vector<event>& out, std::uint64_t fed) {
  for (;;) {
    const read_status st = r.next();
    if (st == read_status::need_more) {
      if (r.buffered() != 0 || r.consumed() != fed) mismatch();
      return true;
    }
    out.push_back(observe(r, st));
    if (st == read_status::violation) {
      if (r.next() != read_status::violation || r.consumed() + r.buffered() != fed) mismatch();
      return false;
    }
    if (s.ignore_after != 0 && out.size() == s.ignore_after) r.ignore_data_frames();
  }
}

// Slice lengths: 0 means all that is left.
template <class Slicer>
std::vector<event> run(const setup& s, std::span<const std::uint8_t> in, Slicer next_slice) {
  message_reader r(s.options);
  std::vector<event> out;
  std::uint64_t fed = 0;
  while (fed < in.size()) {
    std::size_t n = next_slice();
    if (n == 0 || n > in.size() - fed) n = in.size() - fed;
    r.feed(in.subspan(fed, n));
    fed += n;
    if (!drain(r, s, out, fed)) return out;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  setup s;
  switch (data[0] & 3) {
    case 1:
      s.options.decoder.masking = mask_rule::required;
      break;
    case 2:
      s.options.decoder.masking = mask_rule::forbidden;
      break;
    default:
      break;
  }
  if (data[0] & 4) {
    s.options.decoder.allowed_rsv = rsv1_bit;
    s.options.assembler.compressed_messages = true;
  }
  s.options.decoder.require_minimal_length = (data[0] & 8) == 0;
  s.options.assembler.collect = (data[0] & 16) == 0;
  s.ignore_after = data[0] >> 5;
  if (data[1] != 0xFF) s.options.assembler.max_message_size = data[1];
  const std::span<const std::uint8_t> in(data + 3, size - 3);

  const std::vector<event> want = reference(s, in);
  if (run(s, in, [] { return std::size_t{0}; }) != want) mismatch();
  if (run(s, in, [] { return std::size_t{1}; }) != want) mismatch();
  std::uint32_t state = data[2];
  const auto chosen = [&state] {
    state = state * 1103515245u + 12345u;
    return std::size_t{1} + (state >> 16) % 24;
  };
  if (run(s, in, chosen) != want) mismatch();

  // Everything fed before anything is read: the buffer grows by doubling and moves nothing,
  // and the events are still the same.
  message_reader r(s.options);
  for (std::size_t i = 0; i < in.size(); ++i) r.feed(in.subspan(i, 1));
  if (r.buffered() != in.size()) mismatch();
  std::vector<event> late;
  drain(r, s, late, in.size());
  if (late != want) mismatch();
  return 0;
}
