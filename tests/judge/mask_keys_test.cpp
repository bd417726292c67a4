// judge_mask_keys (harness/judge/mask_keys.hpp): RFC 6455 5.3's unpredictable masking keys,
// judged from samples made here by the key sources clients really use, good and bad.
#include "judge/mask_keys.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace wsspec {
namespace {

std::vector<std::uint32_t> from_random_device(std::size_t n) {
  std::random_device rd;
  std::vector<std::uint32_t> keys(n);
  for (auto& k : keys) k = rd();
  return keys;
}

// Marsaglia's xorshift32: a fast generator clients use, fine within one connection.
std::vector<std::uint32_t> xorshift32(std::uint32_t seed, std::size_t n) {
  std::vector<std::uint32_t> keys;
  for (std::uint32_t x = seed; keys.size() < n;) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    keys.push_back(x);
  }
  return keys;
}

std::vector<std::uint32_t> counter(std::uint32_t start, std::uint32_t step, std::size_t n) {
  std::vector<std::uint32_t> keys;
  for (std::uint32_t k = start; keys.size() < n; k += step) keys.push_back(k);
  return keys;
}

TEST(MaskKeys, RandomDeviceKeysPass) {
  for (const std::size_t n : {2u, 3u, 64u, 20000u}) {
    const auto j = judge_mask_keys(from_random_device(n));
    EXPECT_EQ(j.grade, verdict::pass) << n << ": " << j.reason;
    EXPECT_NE(j.reason.find(std::to_string(n) + " masking keys"), std::string::npos) << j.reason;
  }
}

TEST(MaskKeys, Mt19937KeysPass) {
  std::mt19937 g(12345);
  std::vector<std::uint32_t> keys(64 * 100);
  for (auto& k : keys) k = g();
  const auto j = judge_mask_keys(keys);
  EXPECT_EQ(j.grade, verdict::pass) << j.reason;
}

TEST(MaskKeys, TooFewKeysAreNotJudged) {
  EXPECT_EQ(judge_mask_keys({}).grade, verdict::info);
  const std::vector<std::uint32_t> one = {0x37fa213d};
  EXPECT_EQ(judge_mask_keys(one).grade, verdict::info);
}

TEST(MaskKeys, AZeroKeyAloneFails) {
  const std::vector<std::uint32_t> one = {0};
  const auto j = judge_mask_keys(one);
  EXPECT_EQ(j.grade, verdict::fail);
  EXPECT_NE(j.reason.find("00000000"), std::string::npos) << j.reason;
}

TEST(MaskKeys, OneKeyForEveryFrameFails) {
  const std::vector<std::uint32_t> same(64, 0x37fa213d), zero(64, 0);
  auto j = judge_mask_keys(same);
  EXPECT_EQ(j.grade, verdict::fail);
  EXPECT_EQ(j.reason,
            "all 64 masking keys are 37fa213d: RFC 6455 5.3 requires a fresh, unpredictable "
            "key for every frame");
  j = judge_mask_keys(zero);
  EXPECT_EQ(j.grade, verdict::fail);
  EXPECT_NE(j.reason.find("(no masking at all)"), std::string::npos) << j.reason;
}

// Among 64 random keys one equal pair happens once in 2 million runs: allowed. Two do not
// happen by chance (below 1e-9): failed.
TEST(MaskKeys, RepeatsBeyondTheBirthdayBoundFail) {
  auto keys = counter(0, 0, 0);
  std::mt19937 g(7);
  for (int i = 0; i < 64; ++i) keys.push_back(g());
  keys[10] = keys[3];
  auto j = judge_mask_keys(keys);
  EXPECT_EQ(j.grade, verdict::pass) << j.reason;
  EXPECT_NE(j.reason.find("1 equal pairs"), std::string::npos) << j.reason;
  keys[20] = keys[5];
  j = judge_mask_keys(keys);
  EXPECT_EQ(j.grade, verdict::fail) << j.reason;
  EXPECT_NE(j.reason.find("2 pairs of equal keys"), std::string::npos) << j.reason;
}

TEST(MaskKeys, ACounterFails) {
  const auto j = judge_mask_keys(counter(0x9e3779b9, 1, 64));
  EXPECT_EQ(j.grade, verdict::fail);
  EXPECT_NE(j.reason.find("difference of consecutive keys is 00000001 63 times"), std::string::npos)
      << j.reason;
  // A little-endian counter read big-endian steps by 2^24 (until its low byte wraps).
  EXPECT_EQ(judge_mask_keys(counter(0x01020304, 0x01000000, 64)).grade, verdict::fail);
  // Three keys in a row with the same step: once in 2^32 by chance.
  EXPECT_EQ(judge_mask_keys(counter(5, 1000, 3)).grade, verdict::fail);
}

TEST(MaskKeys, KeysFlippingTheSameBitsFail) {
  std::vector<std::uint32_t> keys;
  for (int i = 0; i < 32; ++i) {
    keys.push_back(0xdeadbeef);
    keys.push_back(0xdeadbeef ^ 0x00ff00ff);
  }
  const auto j = judge_mask_keys(keys);
  EXPECT_EQ(j.grade, verdict::fail) << j.reason;
}

// A generator seeded with a constant on every connection passes one connection's keys (each
// looks random) but repeats them across connections, which the run's keys show.
TEST(MaskKeys, AConstantSeedPerConnectionFailsOverARun) {
  const auto one = xorshift32(2463534242u, 64);
  EXPECT_EQ(judge_mask_keys(one).grade, verdict::pass) << judge_mask_keys(one).reason;
  std::vector<std::uint32_t> run;
  for (int connection = 0; connection < 10; ++connection)
    run.insert(run.end(), one.begin(), one.end());
  const auto j = judge_mask_keys(run);
  EXPECT_EQ(j.grade, verdict::fail);
  EXPECT_NE(j.reason.find("pairs of equal keys"), std::string::npos) << j.reason;
}

// 16 random bits in a 32-bit key: few enough repeats in 64 keys, but half the bits never move.
TEST(MaskKeys, KeysWithFixedBitsFail) {
  auto keys = from_random_device(64);
  for (auto& k : keys) k &= 0x0000ffff;
  const auto j = judge_mask_keys(keys);
  EXPECT_EQ(j.grade, verdict::fail);
  EXPECT_NE(j.reason.find("16 of the 32 key bits (mask ffff0000) never change"), std::string::npos)
      << j.reason;
  // Below 40 keys a fixed bit is not judged (a fair bit stays put in 8 keys once in 128).
  keys.resize(8);
  EXPECT_EQ(judge_mask_keys(keys).grade, verdict::pass) << judge_mask_keys(keys).reason;
}

}  // namespace
}  // namespace wsspec
