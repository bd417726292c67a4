// The judge's message digest (harness/judge/payload_digest.hpp): the published CRC-64/XZ check
// value, and that it tells an echo from a message changed in one bit or one length.
#include "judge/payload_digest.hpp"

#include <gtest/gtest.h>

#include <string>

namespace wsspec {
namespace {

TEST(PayloadDigest, IsCrc64Xz) {
  // The catalogue of CRC parameters gives CRC-64/XZ of "123456789" as 0x995dc9bbdf1939fa.
  EXPECT_EQ(payload_digest(std::string_view("123456789")), 0x995dc9bbdf1939faull);
  EXPECT_EQ(payload_digest(std::string_view()), 0u);
}

TEST(PayloadDigest, TellsAChangedMessage) {
  std::string m(131072, '\0');
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = static_cast<char>(i * 31 + i / 7);
  const auto echo = payload_digest(m);
  EXPECT_EQ(payload_digest(std::string(m)), echo);
  std::string flipped = m;
  flipped[70000] ^= 0x01;
  EXPECT_NE(payload_digest(flipped), echo);
  EXPECT_NE(payload_digest(std::string_view(m).substr(0, m.size() - 1)), echo);
  EXPECT_NE(payload_digest(m + std::string(1, '\0')), echo);
}

}  // namespace
}  // namespace wsspec
