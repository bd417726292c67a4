#include "wsspec/codec/opcode.hpp"

namespace wsspec::codec {

std::string_view to_string(opcode op) noexcept {
  static constexpr std::string_view k_names[16] = {
      "continuation", "text",         "binary",       "reserved-0x3",
      "reserved-0x4", "reserved-0x5", "reserved-0x6", "reserved-0x7",
      "close",        "ping",         "pong",         "reserved-0xB",
      "reserved-0xC", "reserved-0xD", "reserved-0xE", "reserved-0xF"};
  return k_names[static_cast<std::uint8_t>(op) & 0x0F];
}

}  // namespace wsspec::codec
