#include "wsspec/codec/frame_header.hpp"

namespace wsspec::codec {

length_form effective_length_form(std::uint64_t length, length_form wanted) noexcept {
  // RFC 6455 5.2: 7-bit form for 0-125, 16-bit form (126) up to 65535, else 64-bit (127).
  if (length > 0xFFFF) return length_form::bits64;
  if (wanted == length_form::bits64) return length_form::bits64;
  if (length > 125 || wanted == length_form::bits16) return length_form::bits16;
  return length_form::minimal;
}

std::size_t header_size(const frame_header& h, length_form form) noexcept {
  std::size_t n = 2 + (h.masked ? 4 : 0);
  switch (effective_length_form(h.payload_length, form)) {
    case length_form::minimal:
      return n;
    case length_form::bits16:
      return n + 2;
    case length_form::bits64:
      return n + 8;
  }
  return n;
}

std::size_t encode_header(const frame_header& h, std::span<std::uint8_t, max_header_size> out,
                          length_form form) noexcept {
  out[0] = static_cast<std::uint8_t>((h.fin ? 0x80 : 0) | (h.rsv & 0x70) |
                                     (static_cast<std::uint8_t>(h.op) & 0x0F));
  const std::uint8_t mask_bit = h.masked ? 0x80 : 0;
  std::size_t n = 2;
  switch (effective_length_form(h.payload_length, form)) {
    case length_form::minimal:
      out[1] = static_cast<std::uint8_t>(mask_bit | h.payload_length);
      break;
    case length_form::bits16:
      out[1] = mask_bit | 126;
      out[2] = static_cast<std::uint8_t>(h.payload_length >> 8);
      out[3] = static_cast<std::uint8_t>(h.payload_length);
      n = 4;
      break;
    case length_form::bits64:
      out[1] = mask_bit | 127;
      // Network byte order (RFC 6455 5.2).
      for (int i = 0; i < 8; ++i)
        out[2 + i] = static_cast<std::uint8_t>(h.payload_length >> (56 - 8 * i));
      n = 10;
      break;
  }
  if (h.masked) {
    for (std::size_t i = 0; i < 4; ++i) out[n + i] = h.key[i];
    n += 4;
  }
  return n;
}

std::vector<std::uint8_t> encode_frame(frame_header h, std::span<const std::uint8_t> payload,
                                       length_form form) {
  h.payload_length = payload.size();
  std::array<std::uint8_t, max_header_size> head;
  const std::size_t hn = encode_header(h, head, form);
  std::vector<std::uint8_t> out;
  out.reserve(hn + payload.size());
  out.insert(out.end(), head.begin(), head.begin() + static_cast<std::ptrdiff_t>(hn));
  out.insert(out.end(), payload.begin(), payload.end());
  if (h.masked) apply_mask(std::span(out).subspan(hn), h.key);
  return out;
}

}  // namespace wsspec::codec
