#include "judge/payload_digest.hpp"

#include <isa-l/crc64.h>

namespace wsspec {

std::uint64_t payload_digest(std::span<const std::uint8_t> bytes) {
  return crc64_ecma_refl(0, bytes.data(), bytes.size());
}

std::uint64_t payload_digest(std::string_view bytes) {
  return payload_digest(
      std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

}  // namespace wsspec
