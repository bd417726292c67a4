// permessage-deflate payloads (RFC 7692 7.2): the examples of 7.2.3 byte for byte, round trips
// at every window size with and without context takeover, slicing, the output bound, corrupt
// data, and the new protocol_error values. Negotiation is in permessage_deflate_negotiation_test.
#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "deflate_walk.hpp"
#include "wsspec/codec/deflater.hpp"
#include "wsspec/codec/frame_decoder.hpp"
#include "wsspec/codec/inflater.hpp"
#include "wsspec/codec/protocol_error.hpp"

namespace wsspec::codec {
namespace {

using bytes = std::vector<std::uint8_t>;

bytes hex(std::initializer_list<int> b) {
  bytes out;
  for (int x : b) out.push_back(static_cast<std::uint8_t>(x));
  return out;
}

bytes text(std::string_view s) { return bytes(s.begin(), s.end()); }

std::string as_text(const bytes& b) { return std::string(b.begin(), b.end()); }

// Text-like data that DEFLATE shrinks a lot.
bytes compressible(std::size_t n) {
  bytes out;
  out.reserve(n);
  for (std::size_t line = 0; out.size() < n; ++line) {
    const std::string s = "line " + std::to_string(line % 97) + ": the quick brown fox jumps\n";
    for (char c : s) {
      if (out.size() == n) break;
      out.push_back(static_cast<std::uint8_t>(c));
    }
  }
  return out;
}

// Pseudo-random bytes (xorshift64, fixed seed): DEFLATE cannot shrink them.
bytes incompressible(std::size_t n, std::uint64_t seed = 0x9E3779B97F4A7C15ULL) {
  bytes out(n);
  std::uint64_t x = seed;
  for (auto& b : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<std::uint8_t>(x >> 32);
  }
  return out;
}

struct inflated {
  bytes out;
  protocol_error error = protocol_error::none;

  friend bool operator==(const inflated&, const inflated&) = default;
};

// One message given as parts (one frame's payload each, or any other cut), then finish().
inflated inflate_parts(inflater& in, const std::vector<bytes>& parts) {
  inflated r;
  for (const bytes& p : parts) {
    r.error = in.feed(p, r.out);
    if (r.error != protocol_error::none) return r;
  }
  r.error = in.finish(r.out);
  return r;
}

// One message fed in slices of `slice` bytes (0: all at once).
inflated inflate_message(inflater& in, const bytes& payload, std::size_t slice = 0) {
  if (slice == 0) return inflate_parts(in, {payload});
  std::vector<bytes> parts;
  for (std::size_t pos = 0; pos < payload.size(); pos += slice)
    parts.emplace_back(
        payload.begin() + static_cast<std::ptrdiff_t>(pos),
        payload.begin() + static_cast<std::ptrdiff_t>(std::min(payload.size(), pos + slice)));
  return inflate_parts(in, parts);
}

inflated inflate_once(const bytes& payload, inflater_options o = {}, std::size_t slice = 0) {
  inflater in(o);
  return inflate_message(in, payload, slice);
}

inflater_options window(std::uint8_t bits, bool no_context_takeover = false) {
  inflater_options o;
  o.window_bits = bits;
  o.no_context_takeover = no_context_takeover;
  return o;
}

// --- RFC 7692 7.2.3: the examples ------------------------------------------------------------

// 7.2.3.1: "Hello" in one DEFLATE block; unfragmented 0xc1 0x07 + payload, fragmented
// 0x41 0x03 0xf2 0x48 0xcd and 0x80 0x04 0xc9 0xc9 0x07 0x00.
const bytes k_hello = hex({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});

TEST(DeflateRfcExamples, OneBlockHelloCompressesToTheRfcBytes) {
  deflater d;
  EXPECT_EQ(d.compress(text("Hello")), k_hello);
}

TEST(DeflateRfcExamples, OneBlockHelloInflates) {
  EXPECT_EQ(inflate_once(k_hello), (inflated{text("Hello"), protocol_error::none}));
  inflater in;
  EXPECT_EQ(inflate_parts(in, {hex({0xf2, 0x48, 0xcd}), hex({0xc9, 0xc9, 0x07, 0x00})}),
            (inflated{text("Hello"), protocol_error::none}));
}

TEST(DeflateRfcExamples, FramesOfTheRfcDecodeAndInflate) {
  // The unfragmented and the fragmented message of 7.2.3.1 as they appear on the wire (a
  // server's frames: unmasked), through the frame decoder with RSV1 allowed.
  const bytes wire = hex({0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00,  // whole
                          0x41, 0x03, 0xf2, 0x48, 0xcd,                          // first part
                          0x80, 0x04, 0xc9, 0xc9, 0x07, 0x00});                  // last part
  decoder_options o = decoder_options::client();
  o.allowed_rsv = rsv1_bit;
  frame_decoder dec(o);
  inflater in;
  std::vector<std::string> messages;
  bytes out;
  std::span<const std::uint8_t> rest(wire);
  while (!rest.empty()) {
    const decode_result r = dec.next(rest);
    rest = rest.subspan(r.consumed);
    ASSERT_NE(r.status, decode_status::error);
    if (r.status == decode_status::frame && r.header.op != opcode::continuation) {
      EXPECT_EQ(r.header.rsv, rsv1_bit);  // RFC 7692 6.1: RSV1 on the first frame only
      EXPECT_EQ(r.header.op, opcode::text);
    }
    if (r.status == decode_status::frame && r.header.op == opcode::continuation) {
      EXPECT_EQ(r.header.rsv, 0);
    }
    ASSERT_EQ(in.feed(r.payload, out), protocol_error::none);
    if (r.frame_complete && r.header.fin) {
      ASSERT_EQ(in.finish(out), protocol_error::none);
      messages.push_back(as_text(out));
      out.clear();
    }
  }
  EXPECT_EQ(messages, (std::vector<std::string>{"Hello", "Hello"}));
}

// 7.2.3.2: the second "Hello", compressed with the first one's window.
const bytes k_hello_again = hex({0xf2, 0x00, 0x11, 0x00, 0x00});

TEST(DeflateRfcExamples, SharingTheWindowCompressesTheSecondHelloToTheRfcBytes) {
  deflater d;
  EXPECT_EQ(d.compress(text("Hello")), k_hello);
  EXPECT_EQ(d.compress(text("Hello")), k_hello_again);
}

TEST(DeflateRfcExamples, SharingTheWindowInflates) {
  inflater in;
  EXPECT_EQ(inflate_message(in, k_hello).out, text("Hello"));
  EXPECT_EQ(inflate_message(in, k_hello_again), (inflated{text("Hello"), protocol_error::none}));
}

TEST(DeflateRfcExamples, NoContextTakeoverCompressesEachHelloAlike) {
  deflater_options o;
  o.no_context_takeover = true;
  deflater d(o);
  EXPECT_EQ(d.compress(text("Hello")), k_hello);
  EXPECT_EQ(d.compress(text("Hello")), k_hello);
}

TEST(DeflateRfcExamples, NoContextTakeoverInflaterRejectsTheSharedWindow) {
  // A peer that agreed not to take context over but refers to the previous message anyway.
  inflater in(window(15, true));
  EXPECT_EQ(inflate_message(in, k_hello).out, text("Hello"));
  const inflated r = inflate_message(in, k_hello_again);
  EXPECT_EQ(r.error, protocol_error::compressed_data_invalid);
  EXPECT_EQ(in.error_detail(), "invalid distance too far back");
}

// 7.2.3.3: a stored block holding "Hello", then the 0x00 that begins the removed empty block.
TEST(DeflateRfcExamples, StoredBlockInflates) {
  const bytes payload = hex({0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00});
  EXPECT_EQ(inflate_once(payload), (inflated{text("Hello"), protocol_error::none}));
}

// 7.2.3.4: "Hello" in a block with BFINAL set, then 0x00: a new, non-final stored block's
// header, which the appended tail completes.
const bytes k_hello_bfinal = hex({0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00});

TEST(DeflateRfcExamples, BfinalBlockInflates) {
  EXPECT_EQ(inflate_once(k_hello_bfinal), (inflated{text("Hello"), protocol_error::none}));
}

TEST(DeflateRfcExamples, WindowSurvivesABfinalBlock) {
  // After the BFINAL message, the next one may still refer to it (7.2.2: the window of "the
  // last compressed message"; nothing ties it to blocks).
  inflater in;
  EXPECT_EQ(inflate_message(in, k_hello_bfinal).out, text("Hello"));
  EXPECT_EQ(inflate_message(in, k_hello_again), (inflated{text("Hello"), protocol_error::none}));
  // And within one message: BFINAL "Hello", 0x00 0x00 0x00 0xff 0xff (a whole empty stored
  // block after the padding), then the second "Hello" referring back across the BFINAL.
  inflater one;
  bytes payload = {0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff};
  payload.insert(payload.end(), k_hello_again.begin(), k_hello_again.end());
  EXPECT_EQ(inflate_message(one, payload), (inflated{text("HelloHello"), protocol_error::none}));
}

TEST(DeflateRfcExamples, BfinalBlockWithoutTheFollowingOctetIsIncomplete) {
  // 7.2.3.4: the 0x00 "is necessary"; without it the tail starts a stored block it cannot end.
  const bytes payload(k_hello_bfinal.begin(), k_hello_bfinal.end() - 1);
  const inflated r = inflate_once(payload);
  EXPECT_EQ(r.error, protocol_error::compressed_data_incomplete);
  EXPECT_EQ(r.out, text("Hello"));
}

// 7.2.3.5: "He" in one block, an empty stored block, "llo" in another.
TEST(DeflateRfcExamples, TwoBlocksInOneMessageInflate) {
  const bytes payload =
      hex({0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00});
  EXPECT_EQ(inflate_once(payload), (inflated{text("Hello"), protocol_error::none}));
}

// 7.2.3.6: a fragment that carries only 0x00, the header bits of an empty stored block.
TEST(DeflateRfcExamples, EmptyFragment) {
  deflater d;
  EXPECT_EQ(d.compress(bytes{}), hex({0x00}));
  EXPECT_EQ(inflate_once(hex({0x00})), (inflated{bytes{}, protocol_error::none}));
  // A message whose data went out sync-flushed in the first frame, the last frame being 0x00.
  inflater in;
  EXPECT_EQ(
      inflate_parts(in, {hex({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00, 0x00, 0xff, 0xff}),
                         hex({0x00})}),
      (inflated{text("Hello"), protocol_error::none}));
}

TEST(DeflateRfcExamples, EmptyMessagesBetweenOthersKeepTheStreamInStep) {
  deflater d;
  inflater in;
  for (const std::string_view m : {"Hello", "", "", "Hello", "", "Hello world"}) {
    const bytes payload = d.compress(text(m));
    EXPECT_EQ(inflate_message(in, payload), (inflated{text(m), protocol_error::none})) << m;
  }
}

// --- Round trips --------------------------------------------------------------------------------

struct round_trip_param {
  std::uint8_t window_bits;
  bool no_context_takeover;
};

class DeflateRoundTrip : public ::testing::TestWithParam<round_trip_param> {};

TEST_P(DeflateRoundTrip, EverySizeBothKindsWholeAndSliced) {
  const auto [bits, nct] = GetParam();
  deflater_options dopt;
  dopt.window_bits = bits;
  dopt.no_context_takeover = nct;
  deflater d(dopt);
  inflater whole(window(bits, nct)), sliced(window(bits, nct));
  for (const std::size_t size : {0u, 1u, 125u, 126u, 65535u, 65536u, 1u << 20}) {
    for (const bool random : {false, true}) {
      const bytes message = random ? incompressible(size, size + 1) : compressible(size);
      // Twice in a row: the second time, with context takeover, it can refer to the first.
      for (int round = 0; round < 2; ++round) {
        SCOPED_TRACE("size " + std::to_string(size) + (random ? " random" : " text") + " round " +
                     std::to_string(round));
        const bytes payload = d.compress(message);
        if (size == 0) {
          EXPECT_EQ(payload, hex({0x00}));  // 7.2.3.6
        } else if (bits == 8) {
          EXPECT_GE(payload.size(), size);  // stored blocks only
        } else if (!random && size >= 65535) {
          EXPECT_LT(payload.size(), size / 4);
        }
        const inflated a = inflate_message(whole, payload);
        ASSERT_EQ(a.error, protocol_error::none);
        ASSERT_TRUE(a.out == message);
        EXPECT_EQ(whole.message_size(), size);
        // Byte at a time for small messages, odd slices for big ones.
        const inflated b = inflate_message(sliced, payload, size <= 126 ? 1 : 1021);
        ASSERT_EQ(b.error, protocol_error::none);
        ASSERT_TRUE(b.out == message);
      }
    }
  }
}

std::vector<round_trip_param> every_window() {
  std::vector<round_trip_param> out;
  for (std::uint8_t bits = 8; bits <= 15; ++bits) {
    out.push_back({bits, false});
    out.push_back({bits, true});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Rfc7692, DeflateRoundTrip, ::testing::ValuesIn(every_window()),
                         [](const ::testing::TestParamInfo<round_trip_param>& info) {
                           return "bits" + std::to_string(info.param.window_bits) +
                                  (info.param.no_context_takeover ? "_no_context_takeover"
                                                                  : "_context_takeover");
                         });

TEST(DeflateRoundTripWindows, ALargerInflaterWindowDecodesASmallerDeflaterWindow) {
  const bytes message = compressible(100000);
  for (std::uint8_t d_bits = 8; d_bits <= 15; ++d_bits) {
    deflater_options o;
    o.window_bits = d_bits;
    const bytes payload = deflater(o).compress(message);
    for (std::uint8_t i_bits = d_bits; i_bits <= 15; ++i_bits) {
      const inflated r = inflate_once(payload, window(i_bits));
      EXPECT_EQ(r.error, protocol_error::none) << int(d_bits) << " " << int(i_bits);
      EXPECT_TRUE(r.out == message) << int(d_bits) << " " << int(i_bits);
    }
  }
}

TEST(DeflateRoundTripWindows, ADistanceBeyondTheAgreedWindowAcrossMessagesIsInvalid) {
  // The peer compresses with 32 KiB while the agreement said 512 bytes: the second message
  // refers 4 KiB back into the first, which a 512-byte window no longer holds.
  const bytes block = incompressible(4096);
  deflater d;  // 15 bits
  const bytes first = d.compress(block);
  const bytes second = d.compress(block);
  ASSERT_LT(second.size(), 100u);  // it is all one back-reference
  inflater narrow(window(9));
  EXPECT_EQ(inflate_message(narrow, first).error, protocol_error::none);
  EXPECT_EQ(inflate_message(narrow, second).error, protocol_error::compressed_data_invalid);
  inflater wide(window(15));
  EXPECT_EQ(inflate_message(wide, first).error, protocol_error::none);
  EXPECT_EQ(inflate_message(wide, second), (inflated{block, protocol_error::none}));
}

TEST(DeflateRoundTripWindows, WindowBitsEightWritesOnlyStoredBlocks) {
  // zlib refuses raw windowBits -8; stored blocks never refer back, so a 256-byte window
  // decodes them whatever was sent before (see deflater.hpp).
  deflater_options o;
  o.window_bits = 8;
  deflater d(o);
  inflater in(window(8));
  const bytes message = compressible(3000);
  for (int round = 0; round < 3; ++round) {
    const bytes payload = d.compress(message);
    // One stored block: header byte, LEN, NLEN, the data; the final 0x00 begins the removed
    // empty stored block.
    ASSERT_EQ(payload.size(), 1 + 4 + message.size() + 1);
    EXPECT_EQ(payload[0] & 0x07, 0);  // BFINAL 0, BTYPE 00
    EXPECT_EQ(payload[1] | payload[2] << 8, 3000);
    EXPECT_EQ(inflate_message(in, payload), (inflated{message, protocol_error::none}));
  }
}

TEST(DeflateRoundTripWindows, OptionsOutOfRangeAreRefused) {
  EXPECT_THROW(inflater{window(7)}, std::invalid_argument);
  EXPECT_THROW(inflater{window(16)}, std::invalid_argument);
  deflater_options o;
  o.window_bits = 16;
  EXPECT_THROW(deflater{o}, std::invalid_argument);
  o = {};
  o.level = 10;
  EXPECT_THROW(deflater{o}, std::invalid_argument);
}

// --- Slicing: whole, one byte at a time and every split give the same result -------------------

// Payloads and the result each must give, however cut.
std::vector<std::pair<bytes, inflated>> slicing_cases() {
  const bytes text_message = compressible(300);
  deflater d;
  return {
      {k_hello, {text("Hello"), protocol_error::none}},
      {k_hello_bfinal, {text("Hello"), protocol_error::none}},
      {hex({0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00}),
       {text("Hello"), protocol_error::none}},
      {hex({0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00}),
       {text("Hello"), protocol_error::none}},
      {d.compress(text_message), {text_message, protocol_error::none}},
      {hex({0x00}), {bytes{}, protocol_error::none}},
      {hex({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00, 0x00, 0xff, 0xff}),
       {text("Hello"), protocol_error::compressed_data_incomplete}},
      {hex({0x06}), {bytes{}, protocol_error::compressed_data_invalid}},
      {hex({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x01, 0x00,
            0x01, 0x00}),
       {text("Hello"), protocol_error::compressed_data_invalid}},
      {k_hello_again, {text("H"), protocol_error::compressed_data_invalid}},
  };
}

TEST(DeflateSlicing, ByteAtATimeAndEverySplitAgreeWithWhole) {
  for (const auto& [payload, expected] : slicing_cases()) {
    SCOPED_TRACE(::testing::PrintToString(payload));
    EXPECT_EQ(inflate_once(payload), expected);
    EXPECT_EQ(inflate_once(payload, {}, 1), expected);
    for (std::size_t cut = 0; cut <= payload.size(); ++cut) {
      inflater in;
      const bytes a(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(cut));
      const bytes b(payload.begin() + static_cast<std::ptrdiff_t>(cut), payload.end());
      EXPECT_EQ(inflate_parts(in, {a, b}), expected) << "cut at " << cut;
    }
  }
}

TEST(DeflateSlicing, EveryThreeWaySplitOfAContextSharingPairAgrees) {
  // Two messages sharing the window, the second cut in three at every pair of positions.
  deflater d;
  const bytes m1 = compressible(200), m2 = compressible(260);
  const bytes p1 = d.compress(m1), p2 = d.compress(m2);
  for (std::size_t i = 0; i <= p2.size(); ++i) {
    for (std::size_t j = i; j <= p2.size(); ++j) {
      inflater in;
      ASSERT_EQ(inflate_message(in, p1, 3), (inflated{m1, protocol_error::none}));
      const auto at = [&](std::size_t k) { return p2.begin() + static_cast<std::ptrdiff_t>(k); };
      ASSERT_EQ(inflate_parts(
                    in, {bytes(p2.begin(), at(i)), bytes(at(i), at(j)), bytes(at(j), p2.end())}),
                (inflated{m2, protocol_error::none}))
          << i << " " << j;
    }
  }
}

// --- The output bound --------------------------------------------------------------------------

inflater_options bounded(std::uint64_t max) {
  inflater_options o;
  o.max_message_size = max;
  return o;
}

TEST(DeflateBound, ExactlyTheBoundIsAllowedOneMoreIsNot) {
  const bytes message = compressible(5000);
  const bytes payload = deflater().compress(message);
  EXPECT_EQ(inflate_once(payload, bounded(5000)), (inflated{message, protocol_error::none}));
  for (const std::size_t slice : {0u, 1u, 7u}) {
    const inflated r = inflate_once(payload, bounded(4999), slice);
    EXPECT_EQ(r.error, protocol_error::inflated_message_too_large) << slice;
    // Exactly the bound was written, whatever the slicing.
    EXPECT_TRUE(r.out == bytes(message.begin(), message.end() - 1)) << slice;
  }
}

TEST(DeflateBound, ZeroAllowsOnlyEmptyMessages) {
  EXPECT_EQ(inflate_once(hex({0x00}), bounded(0)), (inflated{bytes{}, protocol_error::none}));
  const inflated r = inflate_once(k_hello, bounded(0));
  EXPECT_EQ(r.error, protocol_error::inflated_message_too_large);
  EXPECT_TRUE(r.out.empty());
}

TEST(DeflateBound, TheBoundIsPerMessage) {
  deflater d;
  inflater in(bounded(5));
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(inflate_message(in, d.compress(text("Hello"))).error, protocol_error::none);
  EXPECT_EQ(inflate_message(in, d.compress(text("Hello!"))).error,
            protocol_error::inflated_message_too_large);
}

TEST(DeflateBound, AFewKilobytesThatInflateToMegabytesStopAtTheBound) {
  const bytes payload = deflater().compress(bytes(4 << 20, 0));
  ASSERT_LT(payload.size(), 8192u);  // 4 MiB of zeros: about 4 KiB
  inflater in(bounded(64 << 10));
  bytes out;
  EXPECT_EQ(in.feed(payload, out), protocol_error::inflated_message_too_large);
  EXPECT_EQ(out.size(), 64u << 10);
  EXPECT_LE(out.capacity(), 64u << 10);
  EXPECT_EQ(in.finish(out), protocol_error::inflated_message_too_large);  // sticky
  EXPECT_EQ(out.size(), 64u << 10);
}

TEST(DeflateBound, AGibibyteBombStopsAtTheBoundWithSmallMemory) {
  // DEFLATE expands at most about 1032:1, so 1 GiB takes about 1 MB of payload: built here as
  // 1024 sync-flushed pieces of 1 MiB of zeros each. With the window shared, every piece after
  // the first compresses to the same bytes.
  deflater_options o;
  o.level = 9;
  deflater d(o);
  const bytes mib(1 << 20, 0);
  const bytes first = d.compress(mib), piece = d.compress(mib);
  ASSERT_EQ(d.compress(mib), piece);
  ASSERT_LT(piece.size(), 1100u);
  const bytes tail = {0x00, 0x00, 0xff, 0xff};  // what compress() removed between the pieces
  bytes bomb = first;
  for (int i = 1; i < 1024; ++i) {
    bomb.insert(bomb.end(), tail.begin(), tail.end());
    bomb.insert(bomb.end(), piece.begin(), piece.end());
  }
  ASSERT_LT(bomb.size(), 1200000u);
  // The pieces mean what they should: three of them are 3 MiB of zeros.
  {
    bytes three = first;
    for (int i = 0; i < 2; ++i) {
      three.insert(three.end(), tail.begin(), tail.end());
      three.insert(three.end(), piece.begin(), piece.end());
    }
    EXPECT_EQ(inflate_once(three), (inflated{bytes(3 << 20, 0), protocol_error::none}));
  }
  // Bounded at 1 MiB and fed 64 KiB at a time, it stops within the second piece.
  inflater in(bounded(1 << 20));
  bytes out;
  std::size_t fed = 0;
  protocol_error e = protocol_error::none;
  while (fed < bomb.size() && e == protocol_error::none) {
    const std::size_t n = std::min<std::size_t>(64 << 10, bomb.size() - fed);
    e = in.feed(std::span(bomb).subspan(fed, n), out);
    fed += n;
  }
  EXPECT_EQ(e, protocol_error::inflated_message_too_large);
  EXPECT_EQ(fed, 64u << 10);  // the first slice already holds more than 1 MiB
  EXPECT_EQ(out.size(), 1u << 20);
  EXPECT_LE(out.capacity(), 1u << 20);
  EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](std::uint8_t b) { return b == 0; }));
}

// --- Corrupt data ------------------------------------------------------------------------------

struct corrupt_case {
  const char* name;
  bytes payload;
  protocol_error error;
  std::string_view detail;  // zlib's message for compressed_data_invalid
  bytes out;                // what inflated before the error
};

std::vector<corrupt_case> corrupt_cases() {
  return {
      // BFINAL 0, BTYPE 11: reserved (RFC 1951 3.2.3).
      {"reserved_block_type",
       hex({0x06}),
       protocol_error::compressed_data_invalid,
       "invalid block type",
       {}},
      // Stored block whose NLEN is not the complement of LEN (RFC 1951 3.2.4).
      {"stored_lengths_disagree",
       hex({0x00, 0x05, 0x00, 0x00, 0x00}),
       protocol_error::compressed_data_invalid,
       "invalid stored block lengths",
       {}},
      // 7.2.3.2's second message without the first: the literal 'H', then a match of 4 at
      // distance 5, which reaches before the start.
      {"distance_before_the_start", k_hello_again, protocol_error::compressed_data_invalid,
       "invalid distance too far back", text("H")},
      // "Hello" sync-flushed, then a stored block whose lengths disagree: the output so far
      // stays.
      {"bad_block_after_good_data",
       hex({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x01, 0x00,
            0x01, 0x00}),
       protocol_error::compressed_data_invalid, "invalid stored block lengths", text("Hello")},
      // The sender forgot 7.2.1 step 3: the tail then starts a stored block of 0xff00 bytes.
      {"sync_marker_not_removed",
       hex({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00, 0x00, 0xff, 0xff}),
       protocol_error::compressed_data_incomplete, "", text("Hello")},
      // An empty payload with RSV1: the tail alone is not a whole block (7.2.3.6 sends 0x00).
      {"empty_payload", bytes{}, protocol_error::compressed_data_incomplete, "", {}},
      // A stored block announcing 9 bytes that brings 2: the tail is read as 4 more of them.
      {"stored_block_cut_short", hex({0x00, 0x09, 0x00, 0xf6, 0xff, 0x48, 0x65}),
       protocol_error::compressed_data_incomplete, "", hex({0x48, 0x65, 0x00, 0x00, 0xff, 0xff})},
      // The same announcing 5: the tail's last byte, 0xff, is then a BFINAL block of type 11.
      {"stored_block_then_reserved_type", hex({0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65}),
       protocol_error::compressed_data_invalid, "invalid block type",
       hex({0x48, 0x65, 0x00, 0x00, 0xff})},
  };
}

TEST(DeflateCorrupt, EachCaseGivesItsErrorWholeAndByteAtATime) {
  for (const corrupt_case& c : corrupt_cases()) {
    SCOPED_TRACE(c.name);
    for (const std::size_t slice : {0u, 1u}) {
      inflater in;
      const inflated r = inflate_message(in, c.payload, slice);
      EXPECT_EQ(r.error, c.error) << to_string(r.error);
      EXPECT_EQ(in.error(), c.error);
      EXPECT_EQ(in.error_detail(), c.detail);
      EXPECT_EQ(r.out, c.out);
    }
  }
}

TEST(DeflateCorrupt, ErrorsAreStickyUntilReset) {
  inflater in;
  bytes out;
  EXPECT_EQ(in.feed(hex({0x06}), out), protocol_error::compressed_data_invalid);
  EXPECT_EQ(in.feed(k_hello, out), protocol_error::compressed_data_invalid);
  EXPECT_EQ(in.finish(out), protocol_error::compressed_data_invalid);
  EXPECT_TRUE(out.empty());
  in.reset();
  EXPECT_EQ(in.error(), protocol_error::none);
  EXPECT_EQ(in.error_detail(), "");
  EXPECT_EQ(inflate_message(in, k_hello), (inflated{text("Hello"), protocol_error::none}));
}

TEST(DeflateCorrupt, ResetEmptiesTheWindow) {
  inflater in;
  EXPECT_EQ(inflate_message(in, k_hello).error, protocol_error::none);
  in.reset();
  EXPECT_EQ(inflate_message(in, k_hello_again).error, protocol_error::compressed_data_invalid);
}

// --- protocol_error additions -------------------------------------------------------------------

TEST(ProtocolErrorDeflate, SectionsNamesAndCloseCodes) {
  EXPECT_EQ(to_string(protocol_error::compressed_data_invalid), "compressed_data_invalid");
  EXPECT_EQ(rfc_section(protocol_error::compressed_data_invalid), "RFC 7692 7.2.2");
  EXPECT_EQ(close_code_for(protocol_error::compressed_data_invalid), 1007);
  EXPECT_EQ(to_string(protocol_error::compressed_data_incomplete), "compressed_data_incomplete");
  EXPECT_EQ(rfc_section(protocol_error::compressed_data_incomplete), "RFC 7692 7.2.1");
  EXPECT_EQ(close_code_for(protocol_error::compressed_data_incomplete), 1007);
  EXPECT_EQ(to_string(protocol_error::inflated_message_too_large), "inflated_message_too_large");
  EXPECT_EQ(rfc_section(protocol_error::inflated_message_too_large), "10.4");
  EXPECT_EQ(close_code_for(protocol_error::inflated_message_too_large), 1009);
}

TEST(ProtocolErrorDeflate, EveryValueHasItsOwnNameAndADescription) {
  std::vector<std::string_view> names;
  const auto last = static_cast<int>(protocol_error::inflated_message_too_large);
  for (int i = 0; i <= last; ++i) {
    const auto e = static_cast<protocol_error>(i);
    EXPECT_FALSE(describe(e).empty()) << i;
    names.push_back(to_string(e));
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
}

// --- The fast path (ISA-L, level 1, window 15) against zlib, the reference ---------------------

// Every message the fast path writes inflates with zlib's inflater to the message, whole and
// in slices; with no context takeover each one also inflates with an empty window (a full
// flush must not refer back); with context takeover it does refer back (a repeat is tiny).
TEST(DeflateFastPath, ZlibInflatesEveryMessageBackWithAndWithoutContextTakeover) {
  for (const bool nct : {false, true}) {
    deflater_options o;
    o.level = 1;
    o.no_context_takeover = nct;
    deflater fast(o);
    o.level = 6;
    deflater reference(o);
    inflater whole(window(15, nct)), sliced(window(15, nct));
    for (const std::size_t size : {0u, 1u, 125u, 126u, 65535u, 65536u, 1u << 20}) {
      for (const bool random : {false, true}) {
        const bytes message = random ? incompressible(size, size + 7) : compressible(size);
        for (int round = 0; round < 2; ++round) {
          SCOPED_TRACE(std::string(nct ? "no context takeover" : "context takeover") + ", size " +
                       std::to_string(size) + (random ? " random" : " text") + " round " +
                       std::to_string(round));
          const bytes payload = fast.compress(message);
          const bytes zlib_payload = reference.compress(message);
          if (size == 0) {
            EXPECT_EQ(payload, hex({0x00}));  // 7.2.3.6
          }
          const inflated a = inflate_message(whole, payload);
          ASSERT_EQ(a.error, protocol_error::none);
          ASSERT_TRUE(a.out == message);
          const inflated b = inflate_message(sliced, payload, size <= 126 ? 1 : 4093);
          ASSERT_EQ(b.error, protocol_error::none);
          ASSERT_TRUE(b.out == message);
          inflater fresh(window(15, true));
          const inflated c = inflate_message(fresh, payload);
          if (nct) {  // with takeover, any message after the first may refer back
            ASSERT_EQ(c.error, protocol_error::none);
            ASSERT_TRUE(c.out == message);
          }
          if (!random && size >= 65535) {
            // Compresses like zlib does (level 1 trades some size for speed).
            EXPECT_LT(payload.size(), zlib_payload.size() * 2);
          }
        }
      }
    }
  }
}

TEST(DeflateFastPath, WithContextTakeoverARepeatRefersBack) {
  deflater_options o;
  o.level = 1;
  deflater d(o);
  const bytes message = compressible(4000);
  const bytes first = d.compress(message);
  const bytes second = d.compress(message);
  EXPECT_LT(second.size(), first.size() / 4);
  inflater fresh(window(15, true));
  EXPECT_NE(inflate_message(fresh, second).error, protocol_error::none);
  inflater kept(window(15));
  ASSERT_EQ(inflate_message(kept, first).error, protocol_error::none);
  const inflated back = inflate_message(kept, second);
  ASSERT_EQ(back.error, protocol_error::none);
  EXPECT_TRUE(back.out == message);
}

TEST(DeflateFastPath, ResetForgetsTheWindow) {
  deflater_options o;
  o.level = 1;
  deflater d(o);
  const bytes message = compressible(4000);
  const bytes first = d.compress(message);
  d.reset();
  EXPECT_EQ(d.compress(message), first);
}

// The window promise (RFC 7692 7.1.2): at level 1 and 6, with and without context takeover,
// no back-reference of any message reaches further than 2^bits bytes, proved by walking the
// DEFLATE stream (deflate_walk.hpp), which zlib's inflater cannot prove for small windows.
TEST(DeflateWindowPromise, TheWalkerSeesFarDistancesAndRejectsBrokenStreams) {
  const bytes period = incompressible(20000, 5);
  bytes message = period;
  message.insert(message.end(), period.begin(), period.end());
  bytes payload = deflater(deflater_options{}).compress(message);
  payload.insert(payload.end(), {0x00, 0x00, 0xff, 0xff});
  const auto w = test::deflate_walker(payload).run();
  ASSERT_TRUE(w.ok);
  EXPECT_EQ(w.output, message.size());
  EXPECT_EQ(w.max_distance, 20000u);
  // A reserved block type, and a stream cut inside a block, do not walk.
  EXPECT_FALSE(test::deflate_walker(hex({0x06})).run().ok);
  payload.resize(payload.size() / 2);
  EXPECT_FALSE(test::deflate_walker(payload).run().ok);
}

TEST(DeflateWindowPromise, NoDistanceBeyondTheAgreedWindow) {
  for (std::uint8_t bits = 9; bits <= 15; ++bits) {
    for (const int level : {1, 6}) {
      for (const bool nct : {false, true}) {
        SCOPED_TRACE("bits " + std::to_string(bits) + " level " + std::to_string(level) +
                     (nct ? " no context takeover" : " context takeover"));
        deflater_options o;
        o.window_bits = bits;
        o.level = level;
        o.no_context_takeover = nct;
        deflater d(o);
        bytes stream;
        std::size_t max_distance = 0, total = 0;
        for (int m = 0; m < 12; ++m) {
          const std::size_t size = m % 3 == 0 ? 40000 : m % 3 == 1 ? 700 : 9000;
          bytes message = m % 4 == 3 ? incompressible(size, m) : compressible(size);
          if (m % 4 == 1) {
            // Random bytes with a period just under half the window: only matches that reach
            // that far back compress them.
            const bytes period = incompressible((std::size_t{1} << bits) / 2 - 10, 99);
            message.clear();
            while (message.size() < size)
              message.insert(message.end(), period.begin(), period.end());
          }
          bytes payload = d.compress(message);
          payload.insert(payload.end(), {0x00, 0x00, 0xff, 0xff});  // 7.2.2: the tail back
          total += message.size();
          if (nct) {
            // Each message on its own: it must not refer back at all, nor past the window.
            const auto w = test::deflate_walker(payload).run();
            ASSERT_TRUE(w.ok) << "message " << m;
            EXPECT_EQ(w.output, message.size());
            max_distance = std::max(max_distance, w.max_distance);
          }
          stream.insert(stream.end(), payload.begin(), payload.end());
        }
        const auto w = test::deflate_walker(stream).run();
        ASSERT_TRUE(w.ok);
        EXPECT_EQ(w.output, total);
        EXPECT_FALSE(w.saw_final);
        max_distance = std::max(max_distance, w.max_distance);
        EXPECT_LE(max_distance, std::size_t{1} << bits);
        EXPECT_GT(max_distance, std::size_t{1} << (bits - 2));  // the window is used
      }
    }
  }
}

}  // namespace
}  // namespace wsspec::codec
