// The base framing protocol header (RFC 6455 5.2) and an encoder that can write any header,
// including the ones a conforming endpoint must never send: a test suite needs to put
// reserved opcodes, set RSV bits, bad lengths and odd masks on the wire on purpose.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "wsspec/codec/mask.hpp"
#include "wsspec/codec/opcode.hpp"

namespace wsspec::codec {

// RSV bits as they sit in the first header byte.
inline constexpr std::uint8_t rsv1_bit = 0x40;
inline constexpr std::uint8_t rsv2_bit = 0x20;
inline constexpr std::uint8_t rsv3_bit = 0x10;

// Largest payload length the 64-bit form may carry (RFC 6455 5.2: its top bit must be 0).
inline constexpr std::uint64_t max_payload_length = (std::uint64_t{1} << 63) - 1;
// Largest control frame payload (RFC 6455 5.5).
inline constexpr std::uint64_t max_control_payload = 125;
// Largest header: 2 bytes + 8 bytes of extended length + 4 bytes of masking key.
inline constexpr std::size_t max_header_size = 14;

struct frame_header {
  bool fin = true;
  std::uint8_t rsv = 0;  // any of rsv1_bit | rsv2_bit | rsv3_bit
  opcode op = opcode::text;
  bool masked = false;
  mask_key key{};
  std::uint64_t payload_length = 0;

  friend bool operator==(const frame_header&, const frame_header&) = default;
};

// How the payload length is written (RFC 6455 5.2). `minimal` is what a conforming sender
// does; the forced forms write a length in a wider field than needed (not allowed by 5.2,
// useful for tests). A length that does not fit the chosen form is written in the smallest
// form that holds it, so the header always states the true payload_length.
enum class length_form : std::uint8_t { minimal, bits16, bits64 };

// The form the encoder will actually use for `length` when asked for `wanted`.
length_form effective_length_form(std::uint64_t length, length_form wanted) noexcept;

// Number of header bytes encode_header writes.
std::size_t header_size(const frame_header& h, length_form form = length_form::minimal) noexcept;

// Writes the header into `out` and returns its size (2 to 14). Writes exactly what `h` says,
// even a 64-bit length with its top bit set.
std::size_t encode_header(const frame_header& h, std::span<std::uint8_t, max_header_size> out,
                          length_form form = length_form::minimal) noexcept;

// Header followed by the payload, masked with h.key when h.masked. h.payload_length is set
// from payload.size().
std::vector<std::uint8_t> encode_frame(frame_header h, std::span<const std::uint8_t> payload,
                                       length_form form = length_form::minimal);

}  // namespace wsspec::codec
