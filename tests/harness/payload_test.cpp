// Payloads generated from a payload_spec (harness/run/payload.hpp): literal bytes, a repeated
// pattern and deterministic pseudo-random bytes (splitmix64, little-endian), plus the preview
// used in transcripts and reasons.
#include "run/payload.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace {

using wsspec::materialize;
using wsspec::payload_spec;
using wsspec::preview;

std::string hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (i) out += ' ';
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

payload_spec literal(std::string bytes) {
  payload_spec p;
  p.how = payload_spec::kind::bytes;
  p.bytes = std::move(bytes);
  return p;
}

payload_spec repeat(std::string pattern, std::uint64_t size) {
  payload_spec p;
  p.how = payload_spec::kind::repeat;
  p.pattern = std::move(pattern);
  p.size = size;
  return p;
}

payload_spec random_bytes(std::uint64_t seed, std::uint64_t size) {
  payload_spec p;
  p.how = payload_spec::kind::random;
  p.seed = seed;
  p.size = size;
  return p;
}

// ---- materialize -----------------------------------------------------------------------------

TEST(PayloadMaterialize, BytesAreReturnedVerbatim) {
  EXPECT_EQ(materialize(literal("")), "");
  EXPECT_EQ(materialize(literal("Hello")), "Hello");
  const std::string binary("\x00\xff\x80\n\x00", 5);
  EXPECT_EQ(materialize(literal(binary)), binary);
  EXPECT_EQ(materialize(literal(binary)).size(), 5u);
}

TEST(PayloadMaterialize, DefaultSpecIsEmptyBytes) { EXPECT_EQ(materialize(payload_spec{}), ""); }

TEST(PayloadMaterialize, RepeatCutsThePatternToSize) {
  EXPECT_EQ(materialize(repeat("ab", 0)), "");
  EXPECT_EQ(materialize(repeat("ab", 1)), "a");
  EXPECT_EQ(materialize(repeat("ab", 7)), "abababa");
  EXPECT_EQ(materialize(repeat("ab", 8)), "abababab");
  EXPECT_EQ(materialize(repeat("ab", 9)), "ababababa");
  EXPECT_EQ(materialize(repeat("*", 5)), "*****");
  EXPECT_EQ(materialize(repeat("longer than size", 4)), "long");
  EXPECT_EQ(materialize(repeat(std::string("\xfe\xff", 2), 5)),
            std::string("\xfe\xff\xfe\xff\xfe"));
}

TEST(PayloadMaterialize, RepeatDefaultPatternIsStar) {
  payload_spec p;
  p.how = payload_spec::kind::repeat;
  p.size = 3;
  EXPECT_EQ(materialize(p), "***");
}

TEST(PayloadMaterialize, RepeatLargeSizeIsExact) {
  const std::string big = materialize(repeat("0123456789", 1 << 20));
  ASSERT_EQ(big.size(), std::size_t{1} << 20);
  EXPECT_EQ(big.substr(0, 12), "012345678901");
  EXPECT_EQ(big.back(), '5');  // 1048576 % 10 == 6: the last byte is pattern[5]
}

// splitmix64 from seed 0 starts 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f
// (the published reference values); each output gives 8 bytes, least significant first.
TEST(PayloadMaterialize, RandomSeedZeroIsSplitmix64LittleEndian) {
  EXPECT_EQ(hex(materialize(random_bytes(0, 0))), "");
  EXPECT_EQ(hex(materialize(random_bytes(0, 1))), "af");
  EXPECT_EQ(hex(materialize(random_bytes(0, 7))), "af cd 1d 7b 39 a8 20");
  EXPECT_EQ(hex(materialize(random_bytes(0, 8))), "af cd 1d 7b 39 a8 20 e2");
  EXPECT_EQ(hex(materialize(random_bytes(0, 9))), "af cd 1d 7b 39 a8 20 e2 f4");
  EXPECT_EQ(hex(materialize(random_bytes(0, 17))),
            "af cd 1d 7b 39 a8 20 e2 f4 65 b9 a1 6a 9e 78 6e 4f");
}

TEST(PayloadMaterialize, RandomOtherSeeds) {
  EXPECT_EQ(hex(materialize(random_bytes(42, 9))), "95 6e eb 2f 26 32 d7 bd 03");
  EXPECT_EQ(hex(materialize(random_bytes(UINT64_MAX, 9))), "20 2c 65 1b 77 71 d9 e4 c9");
}

TEST(PayloadMaterialize, RandomIsDeterministicAndSeedDependent) {
  const std::string a = materialize(random_bytes(7, 100000));
  const std::string b = materialize(random_bytes(7, 100000));
  const std::string c = materialize(random_bytes(8, 100000));
  ASSERT_EQ(a.size(), 100000u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // A shorter payload is a prefix of a longer one from the same seed.
  EXPECT_EQ(materialize(random_bytes(7, 12345)), a.substr(0, 12345));
  // Not degenerate: all 256 byte values show up in 100000 bytes.
  bool seen[256] = {};
  for (char ch : a) seen[static_cast<unsigned char>(ch)] = true;
  int distinct = 0;
  for (bool s : seen) distinct += s;
  EXPECT_EQ(distinct, 256);
}

// ---- preview ---------------------------------------------------------------------------------

TEST(PayloadPreview, EmptyIsJustTheLength) { EXPECT_EQ(preview(""), "0 bytes"); }

TEST(PayloadPreview, ShortPrintableText) {
  EXPECT_EQ(preview("Hi"), "2 bytes: 48 69 |Hi|");
  EXPECT_EQ(preview("a b~"), "4 bytes: 61 20 62 7e |a b~|");
}

TEST(PayloadPreview, NonPrintableBytesRenderAsDots) {
  EXPECT_EQ(preview(std::string("\x00\x1f\x7f\x80\xff\n\t", 7)),
            "7 bytes: 00 1f 7f 80 ff 0a 09 |.......|");
  // Invalid UTF-8 from a target never reaches the text part as raw bytes.
  EXPECT_EQ(preview("\xce\xba"), "2 bytes: ce ba |..|");
}

TEST(PayloadPreview, TruncatesAtMaxAndSaysSo) {
  EXPECT_EQ(preview("abcdef", 4), "6 bytes: 61 62 63 64 ... |abcd|");
  EXPECT_EQ(preview("abcd", 4), "4 bytes: 61 62 63 64 |abcd|");
  const std::string thirty(30, 'x');
  std::string want = "30 bytes: ";
  for (int i = 0; i < 24; ++i) want += i ? " 78" : "78";
  want += " ... |" + std::string(24, 'x') + "|";
  EXPECT_EQ(preview(thirty), want);  // default max is 24
}

TEST(PayloadPreview, MaxZeroGivesOnlyTheLength) { EXPECT_EQ(preview("hello", 0), "5 bytes"); }

TEST(PayloadPreview, OutputIsBoundedWhateverTheInput) {
  const std::string huge(std::size_t{16} << 20, '\xff');
  for (std::size_t max : {std::size_t{1}, std::size_t{8}, std::size_t{24}, std::size_t{1000}}) {
    const std::string p = preview(huge, max);
    EXPECT_LE(p.size(), 4 * max + 32) << "max " << max;
    EXPECT_EQ(p.rfind("16777216 bytes: ff", 0), 0u) << p.substr(0, 40);
  }
}

}  // namespace
