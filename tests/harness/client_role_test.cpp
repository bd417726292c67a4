// The role-flipped runner (run_case_for_client): wsspec is the server of a client under test.
// Each test listens on a free loopback port, lets a client connect (the npm `ws` client, a real
// third-party peer, or a hand-written one that breaks a rule on purpose), and runs one case on
// the accepted connection.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <string>
#include <thread>
#include <vector>

#include "cases/case_loader.hpp"
#include "client_under_test.hpp"
#include "run/interpreter.hpp"
#include "run/wire_encoding.hpp"
#include "wsspec/codec/handshake.hpp"

namespace wsspec {
namespace {

using test::against_ws_client;
using test::builtin;
using test::child;
using test::listener;
using test::quick;
using test::valid_request;

using kind = observation::kind;

bool saw(const case_result& r, kind k) {
  return std::any_of(r.events.begin(), r.events.end(),
                     [k](const observation& o) { return o.what == k; });
}

TEST(CaseForClient, WsClientEchoesTextOf65536Bytes) {
  const auto r = against_ws_client(builtin("framing/text-length-65536"));
  EXPECT_EQ(r.overall, verdict::pass) << r.reason << r.closing_reason;
  EXPECT_TRUE(saw(r, kind::request));
  EXPECT_TRUE(saw(r, kind::sent_response));
  EXPECT_TRUE(saw(r, kind::message));
}

// RFC 6455 5.1: a client fails the connection on a masked frame; the case's "unmasked" frame
// (wrong for a client) is a masked one from a server.
TEST(CaseForClient, WsClientFailsTheConnectionOnAMaskedServerFrame) {
  const auto r = against_ws_client(builtin("framing/unmasked-binary"));
  EXPECT_EQ(r.data, verdict::pass) << r.reason;
  EXPECT_TRUE(r.target_failed_connection);
}

// A hand-written client: a valid request (unless `request` says otherwise), then `frames`.
case_result against_raw_client(const test_case& c, const std::string& request,
                               const std::string& frames) {
  listener l;
  std::thread client([&] {
    const int s = test::connect_loopback(l.port());
    if (s >= 0) {
      (void)!::write(s, request.data(), request.size());
      std::array<char, 4096> buf;
      // After the response head, the frames; then read until wsspec closes.
      if (::read(s, buf.data(), buf.size()) > 0 && !frames.empty())
        (void)!::write(s, frames.data(), frames.size());
      while (::read(s, buf.data(), buf.size()) > 0) {
      }
    }
    if (s >= 0) ::close(s);
  });
  std::string error;
  auto conn = connection::adopt(l.accept_one(), error);
  EXPECT_TRUE(conn) << error;
  auto r = run_case_for_client(c, quick(), std::move(conn), "");
  client.join();
  return r;
}

// A masked text frame: what a client echoes.
std::string masked_text(const std::string& payload) {
  std::string wire;
  std::mt19937 keys;
  frame_spec f;
  f.opcode = 0x1;
  append_frame(wire, f, payload, keys);
  return wire;
}

// RFC 6455 5.1: a client masks every frame; an unmasked echo is a broken rule, not an echo.
TEST(CaseForClient, AnUnmaskedFrameFromTheClientFailsTheCase) {
  std::string unmasked;
  std::mt19937 keys;
  frame_spec f;
  f.masked = false;
  append_frame(unmasked, f, "", keys);
  const auto r = against_raw_client(builtin("framing/text-length-0"), valid_request, unmasked);
  EXPECT_EQ(r.data, verdict::fail) << r.reason;
  EXPECT_EQ(r.first_violation.frame, codec::protocol_error::frame_not_masked) << r.reason;
}

TEST(CaseForClient, TheSameFrameMaskedPasses) {
  std::string masked;
  std::mt19937 keys;
  append_frame(masked, frame_spec{}, "", keys);
  const auto r = against_raw_client(builtin("framing/text-length-0"), valid_request, masked);
  EXPECT_EQ(r.data, verdict::pass) << r.reason;
}

// RFC 6455 4.1: the request needs a Sec-WebSocket-Key; wsspec answers 400 and fails the case.
TEST(CaseForClient, ARequestWithoutAKeyFailsAndIsRefused) {
  std::string request = valid_request;
  request.erase(request.find("Sec-WebSocket-Key"),
                request.find("Sec-WebSocket-Version") - request.find("Sec-WebSocket-Key"));
  const auto r = against_raw_client(builtin("framing/text-length-0"), request, "");
  EXPECT_EQ(r.data, verdict::fail) << r.reason;
  EXPECT_EQ(r.first_violation.request, codec::request_error::missing_key) << r.reason;
  const auto it = std::find_if(r.events.begin(), r.events.end(),
                               [](const observation& o) { return o.what == kind::sent_response; });
  ASSERT_NE(it, r.events.end());
  EXPECT_EQ(it->status, 400);
}

// RFC 6455 4.1: the subprotocols a client offers MUST be unique; wsspec answers 400 and fails
// client/valid-request, which names the rule. The same offer without the repeat passes: the 101
// accepts no subprotocol, which a client that offered some may take (4.1 lets it).
TEST(CaseForClient, ARequestOfferingASubprotocolTwiceFails) {
  const std::string echo = masked_text("Hello, client");
  auto offering = [](const char* protocols) {
    std::string request = valid_request;
    request.insert(request.size() - 2,
                   std::string("Sec-WebSocket-Protocol: ") + protocols + "\r\n");
    return request;
  };
  const auto twice =
      against_raw_client(builtin("client/valid-request"), offering("chat, chat"), echo);
  EXPECT_EQ(twice.data, verdict::fail) << twice.reason;
  EXPECT_EQ(twice.first_violation.request, codec::request_error::duplicate_protocol)
      << twice.reason;
  const auto once =
      against_raw_client(builtin("client/valid-request"), offering("chat, superchat"), echo);
  EXPECT_EQ(once.data, verdict::pass) << once.reason;
}

// Autobahn 12.1.1 against a client: wsspec accepts ws's offer, 1000 compressed messages each
// way, each echo inflated and compared.
TEST(CaseForClient, WsClientPassesACompressionCase) {
  const auto r = against_ws_client(builtin("compression/1000x16-json"), true);
  EXPECT_EQ(r.overall, verdict::pass) << r.reason << r.closing_reason;
  ASSERT_TRUE(r.compression);
  EXPECT_EQ(r.compression->sent_bytes, 16000u);
  EXPECT_EQ(r.compression->received_bytes, 16000u);
  EXPECT_GT(r.compression->received_compressed, 0u);
}

// Autobahn 13.6.1's offer asks the server for a window of 2^9 bytes without context takeover:
// wsspec states both unasked (RFC 7692 7.1.1.1, 7.1.2.1), which ws accepts.
TEST(CaseForClient, WsClientTakesAServerWindowOf9Bits) {
  const auto r = against_ws_client(
      builtin("compression/1000x16-offer-server-no-context-takeover-window-9"), true);
  EXPECT_EQ(r.overall, verdict::pass) << r.reason << r.closing_reason;
  const auto it = std::find_if(r.events.begin(), r.events.end(),
                               [](const observation& o) { return o.what == kind::sent_response; });
  ASSERT_NE(it, r.events.end());
  ASSERT_TRUE(r.compression);
}

// A client that offers no compression: RFC 7692 lets it, so the case is not a failure.
TEST(CaseForClient, AClientWithoutCompressionIsUnimplemented) {
  const auto r = against_ws_client(builtin("compression/1000x16-json"), false);
  EXPECT_EQ(r.data, verdict::unimplemented) << r.reason;
}

TEST(CaseForClient, WhichCasesApply) {
  EXPECT_TRUE(applies_to_clients(builtin("framing/text-length-0")));
  EXPECT_FALSE(applies_to_clients(builtin("handshake/accept-connection-lowercase")));
  EXPECT_TRUE(applies_to_clients(builtin("compression/1000x16-json")));
}

}  // namespace
}  // namespace wsspec
