// What a client does with extensions, judged in the server role (wsspec serve-cases): the
// offer in its request (RFC 6455 9.1, 11.4), the reason of a 1010 it closes with (7.4.1), and
// a compressed message it fragments itself, whose non-final fragments keep the 0x00 0x00 0xff
// 0xff of their sync flush (RFC 7692 7.2.1). Hand-written clients do each thing right and
// wrong on purpose: input (what the client sends) -> expected verdict.
#include <gtest/gtest.h>

#include <span>
#include <string>
#include <vector>

#include "client_under_test.hpp"
#include "raw_client.hpp"
#include "wsspec/codec/deflater.hpp"

namespace wsspec {
namespace {

using test::against_raw_client;
using test::builtin;
using test::close_frame;
using test::masked_frame;
using test::message_of;
using test::request_offering;

// The payload of client/extension-offer-declined's message, echoed plain.
std::string plain_echo() {
  return masked_frame(0x81, message_of("client/extension-offer-declined", 0));
}

// RFC 6455 9.1 and 11.4: the offer names registered extensions, with parameters they define.
TEST(ClientExtensions, ARegisteredOfferAndAPlainEchoPass) {
  const auto r = against_raw_client(builtin("client/extension-offer-declined"),
                                    request_offering("permessage-deflate; client_max_window_bits"),
                                    plain_echo);
  EXPECT_EQ(r.data, verdict::pass) << r.reason;
}

TEST(ClientExtensions, ANeverRegisteredNameFails) {
  const auto r = against_raw_client(builtin("client/extension-offer-declined"),
                                    request_offering("x-webkit-deflate-frame"), plain_echo);
  EXPECT_EQ(r.data, verdict::fail) << r.reason;
  EXPECT_NE(r.reason.find("x-webkit-deflate-frame"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("RFC 6455 9.1"), std::string::npos) << r.reason;
}

TEST(ClientExtensions, AnUndefinedPermessageDeflateParameterFails) {
  const auto r = against_raw_client(builtin("client/extension-offer-declined"),
                                    request_offering("permessage-deflate; level=9"), plain_echo);
  EXPECT_EQ(r.data, verdict::fail) << r.reason;
  EXPECT_NE(r.reason.find("level=9"), std::string::npos) << r.reason;
}

TEST(ClientExtensions, ANameWsspecDoesNotKnowIsInfo) {
  const auto r = against_raw_client(builtin("client/extension-offer-declined"),
                                    request_offering("x-acme-compress"), plain_echo);
  EXPECT_EQ(r.data, verdict::info) << r.reason;
}

// RFC 6455 7.4.1: a client that needs the declined extension may close with 1010, and SHOULD
// name it in the reason.
TEST(ClientExtensions, Closing1010NamingTheExtensionPasses) {
  const auto r = against_raw_client(builtin("client/extension-offer-declined"),
                                    request_offering("permessage-deflate"),
                                    [] { return close_frame(1010, "permessage-deflate"); });
  EXPECT_EQ(r.data, verdict::pass) << r.reason;
  EXPECT_EQ(r.remote_close_code, 1010);
}

TEST(ClientExtensions, Closing1010WithoutNamingItIsNonStrict) {
  const auto r = against_raw_client(builtin("client/extension-offer-declined"),
                                    request_offering("permessage-deflate"),
                                    [] { return close_frame(1010, "extension missing"); });
  EXPECT_EQ(r.data, verdict::non_strict) << r.reason;
  EXPECT_NE(r.reason.find("RFC 6455 7.4.1"), std::string::npos) << r.reason;
}

// Answering wsspec's own close 1010 echoes the code (RFC 6455 5.5.1): no extension is asked
// for, so the reason is not judged.
TEST(ClientExtensions, EchoingTheServersClose1010IsNotJudgedAsOne) {
  const auto r = against_raw_client(builtin("close/valid-code-1010"), request_offering("foo"),
                                    [] { return close_frame(1010, ""); });
  EXPECT_EQ(r.data, verdict::pass) << r.reason;
  EXPECT_EQ(r.remote_close_code, 1010);
}

// RFC 7692 7.2.1: a sender that compresses fragment by fragment ends each with a sync flush,
// and removes the 0x00 0x00 0xff 0xff only from the last. Each 16 KiB piece is compressed on
// its own here (a valid DEFLATE stream once the sync flushes are in place).
std::string fragmented_compressed_echo(bool strip_every_tail) {
  const std::string text = message_of("compression/binary-fragmented-echo", 0);
  const std::span<const std::uint8_t> p(reinterpret_cast<const std::uint8_t*>(text.data()),
                                        text.size());
  std::string out;
  constexpr std::size_t piece = 16384;
  for (std::size_t at = 0; at < p.size(); at += piece) {
    codec::deflater_options o;
    o.level = 6;
    codec::deflater d(o);
    std::vector<std::uint8_t> z;
    d.compress(p.subspan(at, std::min(piece, p.size() - at)), z);
    std::string data(z.begin(), z.end());
    const bool last = at + piece >= p.size();
    if (!last && !strip_every_tail) data += std::string("\x00\x00\xff\xff", 4);
    const std::uint8_t b0 =
        static_cast<std::uint8_t>((last ? 0x80 : 0) | (at == 0 ? 0x40 | 0x2 : 0));
    out += masked_frame(b0, data);
  }
  return out;
}

TEST(ClientExtensions, NonFinalFragmentsThatKeepTheirTailPass) {
  const auto r = against_raw_client(builtin("compression/binary-fragmented-echo"),
                                    request_offering("permessage-deflate; client_max_window_bits"),
                                    [] { return fragmented_compressed_echo(false); });
  EXPECT_EQ(r.data, verdict::pass) << r.reason;
}

TEST(ClientExtensions, NonFinalFragmentsWithoutTheirTailFail) {
  const auto r = against_raw_client(builtin("compression/binary-fragmented-echo"),
                                    request_offering("permessage-deflate; client_max_window_bits"),
                                    [] { return fragmented_compressed_echo(true); });
  EXPECT_EQ(r.data, verdict::fail) << r.reason;
}

}  // namespace
}  // namespace wsspec
