// The network fuzzer's random numbers: SplitMix64, written out so that a --seed gives the same
// inputs with every compiler and standard library (std::uniform_int_distribution does not).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

namespace wsspec::fuzz {

class rng {
 public:
  explicit rng(std::uint64_t seed) : state_(seed) {}
  // The generator of one iteration of one run: iterations can be replayed one by one.
  rng(std::uint64_t seed, std::uint64_t iteration) : state_(seed) {
    state_ ^= rng(iteration * 0x9E3779B97F4A7C15ull + 1).next();
  }

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) (n > 0); the modulo bias is irrelevant at these sizes.
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }
  template <typename T>
  T pick(std::initializer_list<T> v) {
    return v.begin()[below(v.size())];
  }

 private:
  std::uint64_t state_;
};

}  // namespace wsspec::fuzz
