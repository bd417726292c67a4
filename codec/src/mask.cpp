#include "wsspec/codec/mask.hpp"

#include <cstring>

namespace wsspec::codec {

void apply_mask_reference(std::span<std::uint8_t> data, mask_key key,
                          std::uint64_t offset) noexcept {
  for (std::size_t i = 0; i < data.size(); ++i) data[i] ^= key[(offset + i) % 4];
}

void apply_mask(std::span<std::uint8_t> data, mask_key key, std::uint64_t offset) noexcept {
  // Rotate the key so that byte 0 of `data` lines up with key[0]; after that the key repeats
  // every 4 bytes, so 8 copies of it make a 32-byte pattern that any word size divides.
  mask_key k;
  for (std::size_t i = 0; i < 4; ++i) k[i] = key[(offset + i) % 4];
  std::uint32_t k32;
  std::memcpy(&k32, k.data(), 4);
  const std::uint64_t k64 = (std::uint64_t{k32} << 32) | k32;

  std::uint8_t* p = data.data();
  std::size_t n = data.size();
  // 32 bytes per iteration through four independent 64-bit words; memcpy keeps the loads
  // free of alignment and aliasing UB, and compilers turn this loop into vector XORs.
  while (n >= 32) {
    std::uint64_t w[4];
    std::memcpy(w, p, 32);
    w[0] ^= k64;
    w[1] ^= k64;
    w[2] ^= k64;
    w[3] ^= k64;
    std::memcpy(p, w, 32);
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    w ^= k64;
    std::memcpy(p, &w, 8);
    p += 8;
    n -= 8;
  }
  // Fewer than 8 bytes left, starting at a multiple of 4 from the rotated key's origin.
  for (std::size_t i = 0; i < n; ++i) p[i] ^= k[i % 4];
}

}  // namespace wsspec::codec
