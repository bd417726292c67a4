// Frame encoding and decoding (RFC 6455 5.2-5.7), byte for byte.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "decode_trace.hpp"
#include "wsspec/codec/frame_decoder.hpp"
#include "wsspec/codec/frame_header.hpp"

namespace wsspec::codec {
namespace {

using bytes = std::vector<std::uint8_t>;
using test::decode_trace;
using test::run_decoder;
using test::run_decoder_bytewise;

bytes to_bytes(std::string_view s) { return bytes(s.begin(), s.end()); }

bytes concat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

frame_header header(opcode op, bool fin = true, bool masked = false, mask_key key = {}) {
  frame_header h;
  h.op = op;
  h.fin = fin;
  h.masked = masked;
  h.key = key;
  return h;
}

decoder_options lenient() {
  decoder_options o;
  o.require_minimal_length = false;
  return o;
}

// Every way of cutting `stream` in two, plus one byte at a time, decodes like the whole.
void expect_slicing_invariant(decoder_options o, const bytes& stream) {
  const decode_trace whole = run_decoder(o, stream);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    ASSERT_EQ(run_decoder(o, stream, {cut}), whole) << "cut at " << cut;
  }
  ASSERT_EQ(run_decoder_bytewise(o, stream), whole);
}

// --- RFC 6455 5.7 examples ---------------------------------------------------------------

const mask_key k_rfc_key = {0x37, 0xfa, 0x21, 0x3d};

TEST(FrameRfcExamples, UnmaskedTextHello) {
  const bytes wire = {0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
  EXPECT_EQ(encode_frame(header(opcode::text), to_bytes("Hello")), wire);
  const auto t = run_decoder(decoder_options::client(), wire);
  ASSERT_EQ(t.frames.size(), 1u);
  EXPECT_EQ(t.frames[0].payload, to_bytes("Hello"));
  EXPECT_TRUE(t.frames[0].header.fin);
  EXPECT_EQ(t.frames[0].header.op, opcode::text);
  EXPECT_TRUE(t.frames[0].complete);
  EXPECT_EQ(t.error, protocol_error::none);
  EXPECT_EQ(t.consumed, wire.size());
}

TEST(FrameRfcExamples, MaskedTextHello) {
  const bytes wire = {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
  EXPECT_EQ(encode_frame(header(opcode::text, true, true, k_rfc_key), to_bytes("Hello")), wire);
  const auto t = run_decoder(decoder_options::server(), wire);
  ASSERT_EQ(t.frames.size(), 1u);
  EXPECT_EQ(t.frames[0].payload, to_bytes("Hello"));
  EXPECT_EQ(t.frames[0].header.key, k_rfc_key);
  expect_slicing_invariant(decoder_options::server(), wire);
}

TEST(FrameRfcExamples, FragmentedUnmaskedText) {
  const bytes first = {0x01, 0x03, 0x48, 0x65, 0x6c};
  const bytes second = {0x80, 0x02, 0x6c, 0x6f};
  EXPECT_EQ(encode_frame(header(opcode::text, false), to_bytes("Hel")), first);
  EXPECT_EQ(encode_frame(header(opcode::continuation, true), to_bytes("lo")), second);
  const auto t = run_decoder(decoder_options::client(), concat({first, second}));
  ASSERT_EQ(t.frames.size(), 2u);
  EXPECT_FALSE(t.frames[0].header.fin);
  EXPECT_EQ(t.frames[1].header.op, opcode::continuation);
  EXPECT_EQ(t.frames[1].payload, to_bytes("lo"));
}

TEST(FrameRfcExamples, PingAndMaskedPong) {
  const bytes ping = {0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
  const bytes pong = {0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
  EXPECT_EQ(encode_frame(header(opcode::ping), to_bytes("Hello")), ping);
  EXPECT_EQ(encode_frame(header(opcode::pong, true, true, k_rfc_key), to_bytes("Hello")), pong);
  EXPECT_EQ(run_decoder(decoder_options::server(), pong).frames.at(0).payload, to_bytes("Hello"));
}

TEST(FrameRfcExamples, Binary256And65536) {
  const bytes p256(256, 0xAB);
  const bytes w256 = encode_frame(header(opcode::binary), p256);
  EXPECT_EQ(bytes(w256.begin(), w256.begin() + 4), (bytes{0x82, 0x7E, 0x01, 0x00}));
  EXPECT_EQ(w256.size(), 4u + 256);

  const bytes p64k(65536, 0xCD);
  const bytes w64k = encode_frame(header(opcode::binary), p64k);
  EXPECT_EQ(bytes(w64k.begin(), w64k.begin() + 10),
            (bytes{0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}));
  const auto t = run_decoder(decoder_options::client(), w64k);
  ASSERT_EQ(t.frames.size(), 1u);
  EXPECT_EQ(t.frames[0].header.payload_length, 65536u);
  EXPECT_EQ(t.frames[0].payload, p64k);
}

// --- encoder control ---------------------------------------------------------------------

TEST(FrameEncoder, WritesEveryOpcodeAndReservedBit) {
  for (int op = 0; op < 16; ++op) {
    for (std::uint8_t rsv : {0x00, 0x10, 0x20, 0x40, 0x70}) {
      frame_header h = header(make_opcode(static_cast<std::uint8_t>(op)), op % 2 == 0);
      h.rsv = rsv;
      std::array<std::uint8_t, max_header_size> out{};
      ASSERT_EQ(encode_header(h, out), 2u);
      EXPECT_EQ(out[0], (op % 2 == 0 ? 0x80 : 0x00) | rsv | op);
      EXPECT_EQ(out[1], 0x00);
    }
  }
}

TEST(FrameEncoder, ForcedLengthForms) {
  std::array<std::uint8_t, max_header_size> out{};
  frame_header h = header(opcode::text);
  h.payload_length = 5;
  ASSERT_EQ(encode_header(h, out, length_form::bits16), 4u);
  EXPECT_EQ(bytes(out.begin(), out.begin() + 4), (bytes{0x81, 126, 0x00, 0x05}));
  h.payload_length = 200;
  ASSERT_EQ(encode_header(h, out, length_form::bits64), 10u);
  EXPECT_EQ(bytes(out.begin(), out.begin() + 10), (bytes{0x81, 127, 0, 0, 0, 0, 0, 0, 0x00, 0xC8}));
  // A length too big for the requested form is written in the form that holds it.
  h.payload_length = 70000;
  EXPECT_EQ(encode_header(h, out, length_form::bits16), 10u);
  EXPECT_EQ(effective_length_form(70000, length_form::bits16), length_form::bits64);
  // The top bit of a 64-bit length is written as asked, so tests can send it.
  h.payload_length = std::uint64_t{1} << 63;
  ASSERT_EQ(encode_header(h, out), 10u);
  EXPECT_EQ(out[2], 0x80);
}

TEST(FrameEncoder, ZeroMaskKeyLeavesPayloadAsIs) {
  const bytes wire = encode_frame(header(opcode::text, true, true, {0, 0, 0, 0}), to_bytes("abc"));
  EXPECT_EQ(wire, (bytes{0x81, 0x83, 0, 0, 0, 0, 'a', 'b', 'c'}));
  EXPECT_EQ(run_decoder(decoder_options::server(), wire).frames.at(0).payload, to_bytes("abc"));
}

// --- length boundaries -------------------------------------------------------------------

struct length_case {
  std::uint64_t length;
  length_form form;
  bool masked;
};

class FrameLengthBoundary : public ::testing::TestWithParam<length_case> {};

TEST_P(FrameLengthBoundary, RoundTripsWhateverTheSlicing) {
  const auto [length, form, masked] = GetParam();
  frame_header h = header(opcode::binary, true, masked);
  if (masked) h.key = {0x11, 0x22, 0x33, 0x44};
  h.payload_length = length;
  std::array<std::uint8_t, max_header_size> head{};
  const std::size_t hn = encode_header(h, head, form);
  EXPECT_EQ(hn, header_size(h, form));

  // Huge lengths cannot be materialised: send the header and the first bytes only.
  constexpr std::uint64_t k_max_materialised = 65536;
  const std::size_t sent = static_cast<std::size_t>(std::min(length, k_max_materialised + 0));
  bytes payload(sent);
  for (std::size_t i = 0; i < sent; ++i) payload[i] = static_cast<std::uint8_t>(i * 7 + 3);
  bytes stream(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(hn));
  bytes masked_payload = payload;
  if (masked) apply_mask(masked_payload, h.key);
  stream.insert(stream.end(), masked_payload.begin(), masked_payload.end());

  const decoder_options o = form == length_form::minimal ? decoder_options{} : lenient();
  const decode_trace whole = run_decoder(o, stream);
  ASSERT_EQ(whole.error, protocol_error::none) << to_string(whole.error);
  ASSERT_EQ(whole.frames.size(), 1u);
  EXPECT_EQ(whole.frames[0].header, h);
  EXPECT_EQ(whole.frames[0].payload, payload);
  EXPECT_EQ(whole.frames[0].complete, sent == length);
  EXPECT_EQ(whole.consumed, stream.size());

  // Every cut position through header and payload; one byte at a time through it all.
  const std::size_t step = stream.size() > 4096 ? 97 : 1;
  for (std::size_t cut = 0; cut <= stream.size(); cut += (cut < 64 ? 1 : step)) {
    ASSERT_EQ(run_decoder(o, stream, {cut}), whole) << "cut at " << cut;
  }
  ASSERT_EQ(run_decoder(o, stream, {stream.size() - 1}), whole);
  ASSERT_EQ(run_decoder_bytewise(o, stream), whole);
}

std::vector<length_case> length_cases() {
  std::vector<length_case> out;
  const std::uint64_t lengths[] = {
      0, 1, 125, 126, 127, 65535, 65536, std::uint64_t{1} << 32, max_payload_length};
  for (auto len : lengths)
    for (auto form : {length_form::minimal, length_form::bits16, length_form::bits64})
      for (bool masked : {false, true}) out.push_back({len, form, masked});
  return out;
}

std::string length_case_name(const ::testing::TestParamInfo<length_case>& info) {
  static const char* forms[] = {"minimal", "bits16", "bits64"};
  return "len" + std::to_string(info.param.length) + "_" +
         forms[static_cast<int>(info.param.form)] + (info.param.masked ? "_masked" : "_unmasked");
}

INSTANTIATE_TEST_SUITE_P(AllForms, FrameLengthBoundary, ::testing::ValuesIn(length_cases()),
                         length_case_name);

TEST(FrameLength, TopBitOfSixtyFourBitLengthIsRejected) {
  for (std::uint64_t len :
       {std::uint64_t{1} << 63, (std::uint64_t{1} << 63) + 1, ~std::uint64_t{0}}) {
    frame_header h = header(opcode::binary);
    h.payload_length = len;
    std::array<std::uint8_t, max_header_size> head{};
    const std::size_t hn = encode_header(h, head);
    const bytes stream(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(hn));
    const auto t = run_decoder(lenient(), stream);
    EXPECT_EQ(t.error, protocol_error::length_high_bit_set);
    EXPECT_EQ(t.error_offset, 9u);  // known once the last length byte is in
    EXPECT_TRUE(t.frames.empty());
    expect_slicing_invariant(lenient(), stream);
  }
}

TEST(FrameLength, NonMinimalEncodingsAreFlaggedWhenRequired) {
  std::array<std::uint8_t, max_header_size> head{};
  frame_header h = header(opcode::binary);
  h.payload_length = 5;
  std::size_t hn = encode_header(h, head, length_form::bits16);
  bytes stream(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(hn));
  auto t = run_decoder({}, stream);
  EXPECT_EQ(t.error, protocol_error::length_not_minimal);
  EXPECT_EQ(t.error_offset, 3u);

  h.payload_length = 65535;  // fits 16 bits, so the 64-bit form is not minimal
  hn = encode_header(h, head, length_form::bits64);
  stream.assign(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(hn));
  t = run_decoder({}, stream);
  EXPECT_EQ(t.error, protocol_error::length_not_minimal);
  EXPECT_EQ(t.error_offset, 9u);
}

// --- header errors: each with the offset of the byte that proves it ----------------------

struct error_case {
  const char* name;
  decoder_options options;
  bytes stream;
  protocol_error error;
  std::uint64_t offset;
};

class FrameHeaderError : public ::testing::TestWithParam<error_case> {};

TEST_P(FrameHeaderError, IsReportedAtTheRightByteWhateverTheSlicing) {
  const auto& c = GetParam();
  const auto t = run_decoder(c.options, c.stream);
  EXPECT_EQ(t.error, c.error) << to_string(t.error);
  EXPECT_EQ(t.error_offset, c.offset);
  EXPECT_FALSE(rfc_section(c.error).empty());
  expect_slicing_invariant(c.options, c.stream);
}

decoder_options with_rsv(std::uint8_t allowed) {
  decoder_options o;
  o.allowed_rsv = allowed;
  return o;
}

decoder_options with_max_frame(std::uint64_t max) {
  decoder_options o;
  o.max_frame_payload = max;
  return o;
}

const bytes k_ok = {0x81, 0x00};  // an empty text frame before the bad one

std::vector<error_case> error_cases() {
  using pe = protocol_error;
  return {
      {"reserved_opcode_3", {}, {0x83, 0x00}, pe::reserved_opcode, 0},
      {"reserved_opcode_7", {}, {0x87, 0x00}, pe::reserved_opcode, 0},
      {"reserved_opcode_B", {}, {0x8B, 0x00}, pe::reserved_opcode, 0},
      {"reserved_opcode_F", {}, {0x8F, 0x00}, pe::reserved_opcode, 0},
      {"rsv1", {}, {0xC1, 0x00}, pe::reserved_bits_set, 0},
      {"rsv2", {}, {0xA1, 0x00}, pe::reserved_bits_set, 0},
      {"rsv3", {}, {0x91, 0x00}, pe::reserved_bits_set, 0},
      {"rsv2_with_rsv1_allowed", with_rsv(rsv1_bit), {0xE1, 0x00}, pe::reserved_bits_set, 0},
      {"ping_not_fin", {}, {0x09, 0x00}, pe::control_frame_fragmented, 0},
      {"close_not_fin", {}, {0x08, 0x00}, pe::control_frame_fragmented, 0},
      {"ping_126_bytes",
       {},
       concat({{0x89, 0x7E, 0x00, 0x7E}, bytes(126)}),
       pe::control_frame_too_long,
       3},
      {"ping_16bit_length_5",
       {},
       {0x89, 0x7E, 0x00, 0x05, 1, 2, 3, 4, 5},
       pe::length_not_minimal,
       3},
      {"client_frame_unmasked", decoder_options::server(), {0x81, 0x00}, pe::frame_not_masked, 1},
      {"server_frame_masked",
       decoder_options::client(),
       {0x81, 0x80, 1, 2, 3, 4},
       pe::frame_masked,
       1},
      {"too_large", with_max_frame(100), {0x82, 0x7E, 0x00, 0x80}, pe::frame_too_large, 3},
      {"error_after_a_good_frame", {}, concat({k_ok, {0x8F, 0x00}}), pe::reserved_opcode, 2},
      {"error_after_payload",
       {},
       concat({{0x82, 0x03, 9, 9, 9}, {0xC2, 0x00}}),
       pe::reserved_bits_set,
       5},
  };
}

INSTANTIATE_TEST_SUITE_P(Rfc6455, FrameHeaderError, ::testing::ValuesIn(error_cases()),
                         [](const ::testing::TestParamInfo<error_case>& info) {
                           return std::string(info.param.name);
                         });

TEST(FrameDecoder, AllowedRsvBitPasses) {
  const bytes wire = {0xC1, 0x01, 'x'};
  const auto t = run_decoder(with_rsv(rsv1_bit), wire);
  ASSERT_EQ(t.error, protocol_error::none);
  EXPECT_EQ(t.frames.at(0).header.rsv, rsv1_bit);
}

TEST(FrameDecoder, ErrorIsStickyAndConsumesNothingMore) {
  frame_decoder d;
  const bytes bad = {0x83, 0x00};
  auto r = d.next(bad);
  ASSERT_EQ(r.status, decode_status::error);
  EXPECT_EQ(r.consumed, 1u);
  EXPECT_TRUE(d.failed());
  const bytes good = {0x81, 0x00};
  r = d.next(good);
  EXPECT_EQ(r.status, decode_status::error);
  EXPECT_EQ(r.error, protocol_error::reserved_opcode);
  EXPECT_EQ(r.consumed, 0u);
}

TEST(FrameDecoder, PayloadComesAsSlicesOfTheInputWithOffsets) {
  const bytes wire = encode_frame(header(opcode::binary), bytes(10, 0x55));
  frame_decoder d;
  auto r = d.next(std::span(wire).first(5));
  ASSERT_EQ(r.status, decode_status::frame);
  EXPECT_EQ(r.consumed, 5u);
  EXPECT_EQ(r.payload.size(), 3u);
  EXPECT_EQ(r.payload.data(), wire.data() + 2);
  EXPECT_FALSE(r.frame_complete);
  r = d.next(std::span(wire).subspan(5));
  ASSERT_EQ(r.status, decode_status::payload);
  EXPECT_EQ(r.payload_offset, 3u);
  EXPECT_EQ(r.payload.size(), 7u);
  EXPECT_TRUE(r.frame_complete);
  EXPECT_TRUE(d.at_frame_boundary());
  EXPECT_EQ(d.stream_offset(), wire.size());
}

TEST(FrameDecoder, LargeChunksOfManyFrames) {
  // 64 KiB at a time over a stream of mixed frames gives the same as one byte at a time.
  std::mt19937 rng(42);
  bytes stream;
  std::size_t frames = 0;
  while (stream.size() < 300000) {
    std::uniform_int_distribution<int> len(0, 70000);
    const int n = (frames % 3 == 0) ? len(rng) : len(rng) % 200;
    bytes payload(static_cast<std::size_t>(n), static_cast<std::uint8_t>(frames));
    const bytes f = encode_frame(header(opcode::binary, true, true, {1, 2, 3, 4}), payload);
    stream.insert(stream.end(), f.begin(), f.end());
    ++frames;
  }
  const auto o = decoder_options::server();
  std::vector<std::size_t> cuts(stream.size() / 65536 + 1, 65536);
  const auto chunked = run_decoder(o, stream, cuts);
  EXPECT_EQ(chunked.frames.size(), frames);
  EXPECT_EQ(chunked.error, protocol_error::none);
  EXPECT_EQ(chunked, run_decoder_bytewise(o, stream));
}

// --- random input never crashes, and slicing never changes the outcome -------------------

TEST(FrameDecoderRandom, ArbitraryBytesGiveFramesOrAnErrorIdenticallyUnderAnySlicing) {
  std::mt19937_64 rng(20261124);
  for (int iter = 0; iter < 20000; ++iter) {
    const std::size_t n = rng() % 64;
    bytes stream(n);
    for (auto& b : stream) b = static_cast<std::uint8_t>(rng());
    // Bias towards small lengths so that frames actually complete.
    if (n > 1 && rng() % 2) stream[1] &= 0x8F;
    decoder_options o;
    o.masking = static_cast<mask_rule>(rng() % 3);
    o.allowed_rsv = static_cast<std::uint8_t>(rng() & 0x70);
    o.require_minimal_length = rng() % 2;
    o.max_frame_payload = rng() % 2 ? max_payload_length : rng() % 200;
    const auto whole = run_decoder(o, stream);
    std::vector<std::size_t> cuts;
    for (std::size_t left = n; left > 0;) {
      const std::size_t c = 1 + rng() % 9;
      cuts.push_back(c);
      left -= std::min(c, left);
    }
    ASSERT_EQ(run_decoder(o, stream, cuts), whole) << "iteration " << iter;
    ASSERT_LE(whole.consumed, n);
    if (whole.error == protocol_error::none) {
      ASSERT_EQ(whole.consumed, n);
    } else {
      ASSERT_LT(whole.error_offset, n);
    }
  }
}

}  // namespace
}  // namespace wsspec::codec
