// Masking (RFC 6455 5.3): the word-at-a-time path against the byte-at-a-time reference.
#include <gtest/gtest.h>

#include <random>

#include "wsspec/codec/mask.hpp"

namespace wsspec::codec {
namespace {

using bytes = std::vector<std::uint8_t>;

TEST(Mask, RfcExample) {
  // RFC 6455 5.7: "Hello" masked with 37 fa 21 3d.
  bytes data = {'H', 'e', 'l', 'l', 'o'};
  apply_mask(data, {0x37, 0xfa, 0x21, 0x3d});
  EXPECT_EQ(data, (bytes{0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST(Mask, IsItsOwnInverse) {
  bytes data(1000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i);
  const bytes original = data;
  apply_mask(data, {9, 8, 7, 6}, 3);
  EXPECT_NE(data, original);
  apply_mask(data, {9, 8, 7, 6}, 3);
  EXPECT_EQ(data, original);
}

TEST(Mask, FastPathMatchesReferenceForEveryLengthOffsetAndAlignment) {
  std::mt19937 rng(7);
  bytes storage(300 + 16);
  for (auto& b : storage) b = static_cast<std::uint8_t>(rng());
  const mask_key key = {0xA1, 0xB2, 0xC3, 0xD4};
  for (std::size_t align = 0; align < 8; ++align) {
    for (std::size_t len = 0; len <= 300; ++len) {
      for (std::uint64_t offset = 0; offset < 8; ++offset) {
        bytes fast(storage.begin(), storage.end());
        bytes ref = fast;
        apply_mask(std::span(fast).subspan(align, len), key, offset);
        apply_mask_reference(std::span(ref).subspan(align, len), key, offset);
        ASSERT_EQ(fast, ref) << "align " << align << " len " << len << " offset " << offset;
      }
    }
  }
}

TEST(Mask, SlicedUnmaskingEqualsWhole) {
  bytes whole(4099);
  for (std::size_t i = 0; i < whole.size(); ++i) whole[i] = static_cast<std::uint8_t>(i * 31);
  bytes sliced = whole;
  const mask_key key = {1, 2, 3, 250};
  apply_mask(whole, key);
  std::size_t pos = 0;
  for (std::size_t step : {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987}) {
    apply_mask(std::span(sliced).subspan(pos, step), key, pos);
    pos += step;
  }
  apply_mask(std::span(sliced).subspan(pos), key, pos);
  EXPECT_EQ(sliced, whole);
}

}  // namespace
}  // namespace wsspec::codec
