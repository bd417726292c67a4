#include "run/payload.hpp"

#include "wsspec/reports/observation_text.hpp"

#include <algorithm>

#include <cstdio>

namespace wsspec {

namespace {

// splitmix64: tiny, fast, and fully specified, so "random" payloads are the same everywhere.
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

std::uint64_t payload_size(const payload_spec& p) {
  return p.how == payload_spec::kind::bytes ? p.bytes.size() : p.size;
}

void materialize_into(const payload_spec& p, std::span<char> out, std::uint32_t round) {
  switch (p.how) {
    case payload_spec::kind::bytes:
      std::copy_n(p.bytes.data(), std::min(p.bytes.size(), out.size()), out.data());
      return;
    case payload_spec::kind::repeat: {
      if (p.pattern.empty()) {
        std::fill(out.begin(), out.end(), '\0');
        return;
      }
      if (out.empty()) return;
      // The pattern once, then the filled part doubled: memcpy speed for 16 MiB.
      std::size_t filled = std::min(p.pattern.size(), out.size());
      std::copy_n(p.pattern.data(), filled, out.data());
      while (filled < out.size()) {
        const std::size_t n = std::min(filled, out.size() - filled);
        std::copy_n(out.data(), n, out.data() + filled);
        filled += n;
      }
      return;
    }
    case payload_spec::kind::random: {
      std::uint64_t state = p.seed;
      for (std::size_t i = 0; i < out.size(); i += 8) {
        const std::uint64_t r = splitmix64(state);
        for (std::size_t j = 0; j < 8 && i + j < out.size(); ++j)
          out[i + j] = static_cast<char>(r >> (8 * j));
      }
      return;
    }
    case payload_spec::kind::data_set:
      data_set_slice(p.set, round, out);
      return;
  }
}

std::string materialize(const payload_spec& p, std::uint32_t round) {
  std::string out(static_cast<std::size_t>(payload_size(p)), '\0');
  materialize_into(p, out, round);
  return out;
}

std::string preview(std::string_view bytes, std::size_t max) {
  return payload_text(bytes, bytes.size(), max);
}

}  // namespace wsspec
