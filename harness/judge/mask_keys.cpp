#include "judge/mask_keys.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

namespace wsspec {

namespace {

// A chance a fair source may be failed with, per test.
constexpr double false_alarm = 1e-9;

std::string hex(std::uint32_t k) {
  char buf[11];
  std::snprintf(buf, sizeof buf, "%08x", k);
  return buf;
}

std::string fixed(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, x < 0.01 ? "%.2g" : "%.2f", x);
  return buf;
}

// How many pairs of equal values `values` has, and the most frequent value with its count.
struct repeats {
  std::uint64_t pairs = 0;
  std::uint32_t most = 0;
  std::uint64_t most_count = 0;
  std::uint64_t distinct = 0;
};

repeats count_repeats(std::vector<std::uint32_t> values) {
  repeats r;
  std::sort(values.begin(), values.end());
  for (std::size_t i = 0; i < values.size();) {
    std::size_t j = i;
    while (j < values.size() && values[j] == values[i]) ++j;
    const std::uint64_t g = j - i;
    r.pairs += g * (g - 1) / 2;
    ++r.distinct;
    if (g > r.most_count) {
      r.most_count = g;
      r.most = values[i];
    }
    i = j;
  }
  return r;
}

// The expected number of equal pairs among n uniform 32-bit values (the birthday problem) and
// the fewest pairs that a Poisson count with that mean reaches with probability < false_alarm.
double expected_pairs(std::size_t n) {
  return static_cast<double>(n) * static_cast<double>(n > 0 ? n - 1 : 0) / 2.0 / 4294967296.0;
}

std::uint64_t pair_threshold(double lambda) {
  // P(X >= k) for X ~ Poisson(lambda), summed from the k-th term up (terms fall fast).
  for (std::uint64_t k = 1;; ++k) {
    double term = std::exp(-lambda), tail = 0;
    for (std::uint64_t i = 1; i <= k; ++i) term *= lambda / static_cast<double>(i);
    for (std::uint64_t i = k; i < k + 200 && term > 0; ++i) {
      tail += term;
      term *= lambda / static_cast<double>(i + 1);
    }
    if (tail < false_alarm) return k;
  }
}

}  // namespace

mask_key_judgement judge_mask_keys(std::span<const std::uint32_t> keys) {
  mask_key_judgement j;
  const std::size_t n = keys.size();
  const std::string of = std::to_string(n) + " masking keys";
  if (n == 1 && keys[0] == 0) {
    j.grade = verdict::fail;
    j.reason =
        "the client's only masking key is 00000000, which leaves the payload as it is "
        "(a random 32-bit key is 0 once in 4294967296; RFC 6455 5.3)";
    return j;
  }
  if (n < 2) {
    j.reason = of + ": too few to judge whether they are unpredictable (RFC 6455 5.3)";
    return j;
  }
  const repeats keys_rep = count_repeats({keys.begin(), keys.end()});
  if (keys_rep.distinct == 1) {
    j.grade = verdict::fail;
    j.reason = "all " + of + " are " + hex(keys[0]) + (keys[0] == 0 ? " (no masking at all)" : "") +
               ": RFC 6455 5.3 requires a fresh, unpredictable key for every frame";
    return j;
  }
  const auto zeros = static_cast<std::uint64_t>(std::count(keys.begin(), keys.end(), 0u));
  const double lambda = expected_pairs(n);
  const std::uint64_t limit = pair_threshold(lambda);
  if (keys_rep.pairs >= limit) {
    j.grade = verdict::fail;
    j.reason = of + " hold " + std::to_string(keys_rep.distinct) + " distinct values and " +
               std::to_string(keys_rep.pairs) + " pairs of equal keys (" + hex(keys_rep.most) +
               " " + std::to_string(keys_rep.most_count) +
               " times), where random 32-bit keys give " + fixed(lambda) + " on average and " +
               std::to_string(limit) +
               " or more with a chance below 1e-9: the keys repeat (RFC 6455 5.3, 10.3)";
    return j;
  }
  // A counter, or any generator that steps by a constant: the differences between one key and
  // the next repeat (arithmetic difference, and XOR for generators that flip fixed bits).
  std::vector<std::uint32_t> minus, xors;
  for (std::size_t i = 1; i < n; ++i) {
    minus.push_back(keys[i] - keys[i - 1]);
    xors.push_back(keys[i] ^ keys[i - 1]);
  }
  const double step_lambda = expected_pairs(n - 1);
  const std::uint64_t step_limit = pair_threshold(step_lambda);
  for (const auto& [name, steps] : {std::pair{"difference", &minus}, std::pair{"XOR", &xors}}) {
    const repeats r = count_repeats(*steps);
    if (n >= 3 && r.pairs >= step_limit) {
      j.grade = verdict::fail;
      j.reason = of + ": the " + std::string(name) + " of consecutive keys is " + hex(r.most) +
                 " " + std::to_string(r.most_count) + " times of " + std::to_string(n - 1) + " (" +
                 std::to_string(r.pairs) + " equal pairs, " + fixed(step_lambda) +
                 " expected of random keys, " + std::to_string(step_limit) +
                 " or more with a chance below 1e-9): each key follows from the one before, "
                 "which RFC 6455 5.3 and 10.3 forbid";
      return j;
    }
  }
  // A bit that never changes: fewer than 32 random bits per key (a fair bit stays the same in
  // all of n keys with probability 2^(1-n); 32 bits, n >= 40: below 1e-10).
  if (n >= 40) {
    std::uint32_t ones = ~0u, zeros_mask = ~0u;
    for (const auto k : keys) {
      ones &= k;
      zeros_mask &= ~k;
    }
    const std::uint32_t stuck = ones | zeros_mask;
    if (stuck) {
      const int fixed_bits = std::popcount(stuck);
      j.grade = verdict::fail;
      j.reason = of + ": " + std::to_string(fixed_bits) + " of the 32 key bits (mask " +
                 hex(stuck) + ") never change, so at most " + std::to_string(32 - fixed_bits) +
                 " bits of each key are unpredictable (RFC 6455 5.3)";
      return j;
    }
  }
  j.grade = verdict::pass;
  j.reason = of + ": " + std::to_string(keys_rep.distinct) + " distinct, " +
             std::to_string(keys_rep.pairs) + " equal pairs (" + fixed(lambda) +
             " expected of random 32-bit keys), " + std::to_string(zeros) +
             " zero keys, no fixed step between keys" + (n >= 40 ? ", every key bit varies" : "") +
             "; no pattern found (RFC 6455 5.3: no sample proves the source strong)";
  return j;
}

}  // namespace wsspec
