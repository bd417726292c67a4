// Opcodes and the classification rules of RFC 6455 5.2 and 11.8.
#pragma once

#include <cstdint>
#include <string_view>

namespace wsspec::codec {

// All 16 values are representable: the encoder must be able to put reserved opcodes on the
// wire, because sending them is how a conformance test checks that a peer rejects them.
enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  // 0x3-0x7 reserved for further non-control frames (RFC 6455 5.2)
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
  // 0xB-0xF reserved for further control frames (RFC 6455 5.2)
};

constexpr opcode make_opcode(std::uint8_t v) noexcept { return static_cast<opcode>(v & 0x0F); }

// RFC 6455 5.5: control frames are those whose opcode has the most significant bit set.
constexpr bool is_control(opcode op) noexcept { return (static_cast<std::uint8_t>(op) & 0x8) != 0; }

// RFC 6455 5.2: 0x3-0x7 and 0xB-0xF are reserved; receiving one fails the connection.
constexpr bool is_reserved(opcode op) noexcept {
  const auto v = static_cast<std::uint8_t>(op);
  return (v >= 0x3 && v <= 0x7) || v >= 0xB;
}

constexpr bool is_data(opcode op) noexcept { return op == opcode::text || op == opcode::binary; }

// "text", "close", "reserved-0x3", ... for transcripts and messages.
std::string_view to_string(opcode op) noexcept;

}  // namespace wsspec::codec
