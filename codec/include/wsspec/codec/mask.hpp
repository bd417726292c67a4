// Payload masking (RFC 6455 5.3): byte i of the payload is XORed with byte (i mod 4) of the
// masking key. Masking and unmasking are the same operation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace wsspec::codec {

using mask_key = std::array<std::uint8_t, 4>;

// XORs `data` in place. `offset` is the position of data[0] within the frame's payload, so a
// payload that arrives in several slices can be unmasked slice by slice.
// Works a machine word at a time; runs near memory bandwidth.
void apply_mask(std::span<std::uint8_t> data, mask_key key, std::uint64_t offset = 0) noexcept;

// One byte at a time, straight from the RFC's formula: the reference the fast path is
// tested against.
void apply_mask_reference(std::span<std::uint8_t> data, mask_key key,
                          std::uint64_t offset = 0) noexcept;

}  // namespace wsspec::codec
