// raw_frame_flipper: a case's raw client frames re-encoded for wsspec in the server role.
// Fixtures are wire bytes in, wire bytes out.
#include "run/raw_frame_flipper.hpp"

#include <gtest/gtest.h>

#include <string>

namespace wsspec {
namespace {

std::string bytes(std::initializer_list<int> v) {
  std::string s;
  for (int b : v) s += static_cast<char>(b);
  return s;
}

// RFC 6455 5.7's masked "Hello" from a client becomes the unmasked "Hello" a server sends.
TEST(RawFrameFlipper, AMaskedFrameGoesOutUnmasked) {
  std::mt19937 keys;
  raw_frame_flipper f(keys);
  EXPECT_EQ(f.flip(bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58})),
            bytes({0x81, 0x05, 'H', 'e', 'l', 'l', 'o'}));
}

// A frame split over several raw steps, cut inside its header and its payload, flips as one.
TEST(RawFrameFlipper, AFrameSplitAcrossStepsFlipsAsOne) {
  std::mt19937 keys;
  raw_frame_flipper f(keys);
  std::string out = f.flip(bytes({0x81, 0x85, 0x37}));
  EXPECT_EQ(out, "");  // the header is not complete yet
  out += f.flip(bytes({0xfa, 0x21, 0x3d, 0x7f, 0x9f}));
  out += f.flip(bytes({0x4d, 0x51, 0x58, 0x89, 0x80, 0xaa, 0xbb, 0xcc, 0xdd}));
  EXPECT_EQ(out, bytes({0x81, 0x05, 'H', 'e', 'l', 'l', 'o', 0x89, 0x00}));
}

// Everything but the mask stays as the case wrote it: RSV bits, a reserved opcode and a 16-bit
// length field for 5 bytes (not minimal).
TEST(RawFrameFlipper, HeaderBitsAndLengthFormStay) {
  std::mt19937 keys;
  raw_frame_flipper f(keys);
  EXPECT_EQ(f.flip(bytes({0x73, 0xfe, 0x00, 0x02, 0, 0, 0, 0, 'h', 'i'})),
            bytes({0x73, 0x7e, 0x00, 0x02, 'h', 'i'}));
}

// An unmasked client frame (a case about wrong masking) goes out masked, with a key from the
// case's generator: the payload XOR the key gives it back.
TEST(RawFrameFlipper, AnUnmaskedFrameGoesOutMasked) {
  std::mt19937 keys(7);
  raw_frame_flipper f(keys);
  const std::string out = f.flip(bytes({0x82, 0x03, 1, 2, 3}));
  ASSERT_EQ(out.size(), 9u);
  EXPECT_EQ(static_cast<std::uint8_t>(out[0]), 0x82);
  EXPECT_EQ(static_cast<std::uint8_t>(out[1]), 0x83);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(out[6 + i] ^ out[2 + i], i + 1);
}

// A 64-bit length with the top bit set (more than any frame may carry): the header flips and
// the few payload bytes the case sends follow.
TEST(RawFrameFlipper, AnImpossibleLengthStaysImpossible) {
  std::mt19937 keys;
  raw_frame_flipper f(keys);
  EXPECT_EQ(f.flip(bytes({0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 0xa, 0xb, 0xc, 0xd, 0xa})),
            bytes({0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 1, 0x00}));
}

}  // namespace
}  // namespace wsspec
