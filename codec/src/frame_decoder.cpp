#include "wsspec/codec/frame_decoder.hpp"

#include <algorithm>

namespace wsspec::codec {

namespace {

// Bytes of extended payload length that follow the second header byte (RFC 6455 5.2).
constexpr std::size_t extended_length_bytes(std::uint8_t b1) noexcept {
  const std::uint8_t len7 = b1 & 0x7F;
  return len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
}

constexpr std::size_t header_size_from(std::uint8_t b1) noexcept {
  return 2 + extended_length_bytes(b1) + ((b1 & 0x80) ? 4 : 0);
}

// Network byte order (RFC 6455 5.2).
std::uint64_t read_length(const std::uint8_t* head) noexcept {
  const std::uint8_t len7 = head[1] & 0x7F;
  if (len7 < 126) return len7;
  const std::size_t n = len7 == 126 ? 2 : 8;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | head[2 + i];
  return v;
}

frame_header make_header(const std::uint8_t* head, std::uint64_t length) noexcept {
  frame_header h;
  h.fin = (head[0] & 0x80) != 0;
  h.rsv = head[0] & 0x70;
  h.op = make_opcode(head[0]);
  h.masked = (head[1] & 0x80) != 0;
  h.payload_length = length;
  if (h.masked) {
    const std::uint8_t* k = head + 2 + extended_length_bytes(head[1]);
    h.key = {k[0], k[1], k[2], k[3]};
  }
  return h;
}

}  // namespace

frame_decoder::frame_decoder(decoder_options options) noexcept : options_(options) {
  for (unsigned b = 0; b < 256; ++b)
    if (check_first_byte(static_cast<std::uint8_t>(b)) == protocol_error::none)
      first_byte_ok_[b >> 6] |= std::uint64_t{1} << (b & 63);
  mask_ok_ = static_cast<std::uint8_t>((check_second_byte(0x00) == protocol_error::none ? 1 : 0) |
                                       (check_second_byte(0x80) == protocol_error::none ? 2 : 0));
  max_length_ = std::min(options_.max_frame_payload, max_payload_length);
}

protocol_error frame_decoder::check_first_byte(std::uint8_t b0) const noexcept {
  const opcode op = make_opcode(b0);
  if (is_reserved(op)) return protocol_error::reserved_opcode;                             // 5.2
  if ((b0 & 0x70 & ~options_.allowed_rsv) != 0) return protocol_error::reserved_bits_set;  // 5.2
  if (is_control(op) && !(b0 & 0x80)) return protocol_error::control_frame_fragmented;     // 5.5
  return protocol_error::none;
}

protocol_error frame_decoder::check_second_byte(std::uint8_t b1) const noexcept {
  const bool masked = (b1 & 0x80) != 0;
  if (options_.masking == mask_rule::required && !masked) return protocol_error::frame_not_masked;
  if (options_.masking == mask_rule::forbidden && masked) return protocol_error::frame_masked;
  return protocol_error::none;
}

protocol_error frame_decoder::check_length(std::uint8_t b0, std::uint8_t b1,
                                           std::uint64_t length) const noexcept {
  const std::uint8_t len7 = b1 & 0x7F;
  if (len7 == 127 && length > max_payload_length) return protocol_error::length_high_bit_set;
  if (is_control(make_opcode(b0)) && length > max_control_payload)
    return protocol_error::control_frame_too_long;  // 5.5
  if (options_.require_minimal_length &&
      ((len7 == 126 && length < 126) || (len7 == 127 && length <= 0xFFFF)))
    return protocol_error::length_not_minimal;                                      // 5.2
  if (length > options_.max_frame_payload) return protocol_error::frame_too_large;  // 10.4
  return protocol_error::none;
}

decode_result frame_decoder::fail(protocol_error e, std::uint64_t at,
                                  std::size_t consumed) noexcept {
  state_ = state::failed;
  error_ = e;
  error_offset_ = at;
  offset_ += consumed;
  decode_result r;
  r.status = decode_status::error;
  r.consumed = consumed;
  r.error = e;
  r.error_offset = at;
  return r;
}

// `head` points at a whole header (in the input or in head_); the last
// `header_bytes_from_input` of its bytes came from this call's input.
decode_result frame_decoder::header_parsed(const std::uint8_t* head,
                                           std::size_t header_bytes_from_input,
                                           std::span<const std::uint8_t> rest) noexcept {
  current_ = make_header(head, read_length(head));
  delivered_ = 0;
  offset_ += header_bytes_from_input;
  return deliver(rest, header_bytes_from_input, decode_status::frame);
}

decode_result frame_decoder::next_slow(std::span<const std::uint8_t> in) noexcept {
  if (state_ == state::failed) {
    decode_result r;
    r.status = decode_status::error;
    r.error = error_;
    r.error_offset = error_offset_;
    return r;
  }
  if (in.empty()) return {};
  if (state_ == state::payload) return deliver(in, 0, decode_status::payload);
  return parse_header_slow(in);
}

// Byte at a time into head_, running each check as soon as the bytes it needs are there,
// so the reported offset is the same however the stream was sliced.
decode_result frame_decoder::parse_header_slow(std::span<const std::uint8_t> in) noexcept {
  for (std::size_t i = 0; i < in.size(); ++i) {
    const std::uint64_t at = offset_ + i;
    head_[have_++] = in[i];
    if (have_ == 1) {
      if (auto e = check_first_byte(head_[0]); e != protocol_error::none) return fail(e, at, i + 1);
    } else if (have_ == 2) {
      if (auto e = check_second_byte(head_[1]); e != protocol_error::none)
        return fail(e, at, i + 1);
      need_ = static_cast<std::uint8_t>(header_size_from(head_[1]));
    }
    if (have_ >= 2 && have_ == 2 + extended_length_bytes(head_[1])) {
      if (auto e = check_length(head_[0], head_[1], read_length(head_.data()));
          e != protocol_error::none)
        return fail(e, at, i + 1);
    }
    if (have_ >= 2 && have_ == need_) return header_parsed(head_.data(), i + 1, in.subspan(i + 1));
  }
  offset_ += in.size();
  decode_result r;
  r.consumed = in.size();
  return r;
}

}  // namespace wsspec::codec
