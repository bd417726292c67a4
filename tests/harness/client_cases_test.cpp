// The cases for clients (cases/client/, issue 14) run as the server of real and hand-written
// clients: the npm `ws` client (it validates the 101 as RFC 6455 4.1 says) and raw clients that
// break a rule on purpose (echoing whatever response they got, closing TCP before the server,
// ignoring a close). Each handshake case passes with `ws` and fails with the careless client.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "cases/case_loader.hpp"
#include "client_under_test.hpp"
#include "raw_client.hpp"
#include "run/interpreter.hpp"
#include "run/opening_response.hpp"
#include "run/payload.hpp"
#include "wsspec/codec/deflater.hpp"
#include "wsspec/codec/handshake.hpp"
#include "wsspec/codec/inflater.hpp"

namespace wsspec {
namespace {

using test::against_ws_client;
using test::all_cases;
using test::builtin;
using test::child;
using test::listener;
using test::masked_frame;
using test::quick;
using test::valid_request;

using kind = observation::kind;

// Reads until `n` bytes more than `have` are there, or the peer is gone; false when gone.
bool read_more(int s, std::string& have, std::size_t want) {
  std::array<char, 4096> buf;
  while (have.size() < want) {
    const auto n = ::read(s, buf.data(), buf.size());
    if (n <= 0) return false;
    have.append(buf.data(), static_cast<std::size_t>(n));
  }
  return true;
}

// One short unmasked frame from `in` (after its first `at` bytes), re-sent masked with a fresh
// random key: what an echoing client writes. Empty when no whole frame is there.
std::string masked_echo(const std::string& in, std::size_t at, std::size_t& frame_size) {
  if (in.size() < at + 2) return "";
  const auto b0 = static_cast<std::uint8_t>(in[at]), len = static_cast<std::uint8_t>(in[at + 1]);
  if ((len & 0x80) || (len & 0x7f) > 125 || in.size() < at + 2 + (len & 0x7f)) return "";
  frame_size = 2 + (len & 0x7f);
  static std::random_device rd;
  const std::uint32_t k = rd();
  const std::array<std::uint8_t, 4> key = {std::uint8_t(k >> 24), std::uint8_t(k >> 16),
                                           std::uint8_t(k >> 8), std::uint8_t(k)};
  std::string out;
  out += static_cast<char>(b0);
  out += static_cast<char>(0x80 | len);
  for (const auto b : key) out += static_cast<char>(b);
  for (std::size_t i = 0; i < (len & 0x7f); ++i)
    out += static_cast<char>(in[at + 2 + i] ^ key[i % 4]);
  return out;
}

// A raw client: sends `request` (then calls `after_request`, if given), reads the response head,
// then hands the socket and what came after the head to `then`, and closes when it returns.
case_result against_raw_client(const test_case& c,
                               const std::function<void(int, std::string)>& then,
                               const std::string& request = valid_request,
                               const std::function<void(int)>& after_request = {}) {
  listener l;
  std::thread client([&] {
    const int s = test::connect_loopback(l.port());
    if (s >= 0) {
      (void)!::write(s, request.data(), request.size());
      if (after_request) after_request(s);
      std::string in;
      std::size_t end = std::string::npos;
      std::array<char, 4096> buf;
      while ((end = in.find("\r\n\r\n")) == std::string::npos) {
        const auto n = ::read(s, buf.data(), buf.size());
        if (n <= 0) break;
        in.append(buf.data(), static_cast<std::size_t>(n));
      }
      if (end != std::string::npos) then(s, in.substr(end + 4));
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

// Takes whatever response it got as a connection: echoes the first frame masked, then reads
// until wsspec closes.
void careless_echo(int s, std::string in) {
  std::size_t size = 0;
  std::string out;
  while ((out = masked_echo(in, 0, size)).empty() && read_more(s, in, in.size() + 1)) {
  }
  if (!out.empty()) (void)!::write(s, out.data(), out.size());
  std::array<char, 4096> buf;
  while (::read(s, buf.data(), buf.size()) > 0) {
  }
}

std::vector<std::string> bad_response_ids() {
  std::vector<std::string> ids;
  for (const auto& c : all_cases())
    if (c.id.starts_with("client/bad-response-")) ids.push_back(c.id);
  return ids;
}

TEST(ClientCases, TheBadResponseFamilyHasEveryRfc41Check) {
  EXPECT_EQ(
      bad_response_ids(),
      (std::vector<std::string>{
          "client/bad-response-status-200", "client/bad-response-status-302",
          "client/bad-response-status-400", "client/bad-response-missing-accept",
          "client/bad-response-wrong-accept", "client/bad-response-missing-upgrade",
          "client/bad-response-upgrade-not-websocket", "client/bad-response-missing-connection",
          "client/bad-response-connection-without-upgrade",
          "client/bad-response-unoffered-subprotocol", "client/bad-response-unoffered-extension",
          "client/bad-response-malformed-extensions"}));
  for (const auto& id : bad_response_ids()) {
    const test_case c = builtin(id);
    EXPECT_EQ(peer_of(c), case_peer::client) << id;
    EXPECT_TRUE(applies_to_clients(c)) << id;
    ASSERT_TRUE(std::holds_alternative<respond_spec>(c.steps.at(0))) << id;
  }
}

// The response each case sends: one field wrong, the rest a valid 101 for the client's key.
TEST(ClientCases, EachBadResponseBreaksOneThing) {
  const std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
  const std::string good = build_opening_response({}, key);
  EXPECT_EQ(good,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
  auto head = [&](const std::string& id) {
    return build_opening_response(std::get<respond_spec>(builtin(id).steps.at(0)), key);
  };
  EXPECT_EQ(head("client/bad-response-status-200"),
            "HTTP/1.1 200 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(
      head("client/bad-response-missing-accept"),
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
  EXPECT_EQ(head("client/bad-response-upgrade-not-websocket"),
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
  EXPECT_EQ(status_of_head(head("client/bad-response-status-302")), 302);
  EXPECT_EQ(status_of_head("garbage"), 0);
}

// `ws` validates the response (RFC 6455 4.1; Node's HTTP parser checks Connection: Upgrade)
// and closes TCP without echoing: every case passes.
TEST(ClientCases, WsClientRefusesEveryBadResponse) {
  for (const auto& id : bad_response_ids()) {
    const auto r = against_ws_client(builtin(id));
    EXPECT_EQ(r.overall, verdict::pass) << id << ": " << r.reason << " / " << r.closing_reason;
    EXPECT_FALSE(std::any_of(r.events.begin(), r.events.end(), [](const observation& o) {
      return o.what == kind::message;
    })) << id;
  }
}

// A client that takes any response as a connection echoes the probe: every case fails, with
// the echo as the reason. This is also the proof that the frames after a bad response are read
// (target_reader is told the connection is established whatever wsspec answered).
TEST(ClientCases, ACarelessClientFailsEveryBadResponse) {
  for (const auto& id : bad_response_ids()) {
    const auto r = against_raw_client(builtin(id), careless_echo);
    EXPECT_EQ(r.data, verdict::fail) << id << ": " << r.reason;
    EXPECT_NE(r.reason.find("the client echoed the probe"), std::string::npos)
        << id << ": " << r.reason;
  }
}

TEST(ClientCases, WsClientPassesTheValidRequestCase) {
  const auto r = against_ws_client(builtin("client/valid-request"));
  EXPECT_EQ(r.overall, verdict::pass) << r.reason << " / " << r.closing_reason;
  ASSERT_EQ(r.client_mask_keys.size(), 2u);  // its echo and its close reply
}

// `ws` 8 closes TCP as soon as the close handshake is done (socket.end() after its close
// reply): 7.1.1 lets a client do that (MAY) but says it SHOULD wait for the server.
TEST(ClientCases, WsClientClosesTcpRightAfterTheCloseExchange) {
  const auto r = against_ws_client(builtin("client/server-initiated-close"));
  EXPECT_EQ(r.data, verdict::non_strict) << r.reason;
  EXPECT_NE(r.reason.find("SHOULD wait for the server to close first"), std::string::npos)
      << r.reason;
}

// The close reply (1000, masked), then nothing until wsspec closes TCP: pass.
void patient_close_reply(int s, std::string in) {
  read_more(s, in, 4);  // wsspec's close frame: 88 02 03 e8
  std::size_t size = 0;
  const std::string reply = masked_echo(in, 0, size);
  (void)!::write(s, reply.data(), reply.size());
  std::array<char, 4096> buf;
  while (::read(s, buf.data(), buf.size()) > 0) {
  }
}

TEST(ClientCases, AClientThatWaitsForTheServersTcpClosePasses) {
  const auto r = against_raw_client(builtin("client/server-initiated-close"), patient_close_reply);
  EXPECT_EQ(r.overall, verdict::pass) << r.reason << " / " << r.closing_reason;
}

// No close frame in answer: RFC 6455 5.5.1 MUST.
TEST(ClientCases, AClientThatIgnoresTheCloseFails) {
  const auto r = against_raw_client(builtin("client/server-initiated-close"), [](int s, auto) {
    std::array<char, 4096> buf;
    while (::read(s, buf.data(), buf.size()) > 0) {
    }
  });
  EXPECT_EQ(r.data, verdict::fail) << r.reason;
}

TEST(ClientCases, WsClientMasksWithFreshKeys) {
  const auto r = against_ws_client(builtin("client/mask-keys-64-messages"));
  EXPECT_EQ(r.overall, verdict::pass) << r.reason << " / " << r.closing_reason;
  EXPECT_EQ(r.client_mask_keys.size(), case_result::max_mask_keys);
}

// A client that masks its 64 echoes with a counter: the case fails on its keys.
TEST(ClientCases, CounterKeysFailTheMaskKeyCase) {
  const auto r =
      against_raw_client(builtin("client/mask-keys-64-messages"), [](int s, std::string in) {
        std::uint32_t key = 1000;
        std::size_t at = 0;
        for (int sent = 0; sent < 64;) {
          std::size_t size = 0;
          if (in.size() < at + 2 || masked_echo(in, at, size).empty()) {
            if (!read_more(s, in, in.size() + 1)) return;
            continue;
          }
          std::string frame = in.substr(at, size);
          std::string out{frame[0], static_cast<char>(frame[1] | 0x80)};
          const std::array<std::uint8_t, 4> k = {std::uint8_t(key >> 24), std::uint8_t(key >> 16),
                                                 std::uint8_t(key >> 8), std::uint8_t(key)};
          for (const auto b : k) out += static_cast<char>(b);
          for (std::size_t i = 2; i < size; ++i)
            out += static_cast<char>(frame[i] ^ k[(i - 2) % 4]);
          (void)!::write(s, out.data(), out.size());
          ++key;
          ++sent;
          at += size;
        }
        std::array<char, 4096> buf;
        while (::read(s, buf.data(), buf.size()) > 0) {
        }
      });
  EXPECT_EQ(r.data, verdict::fail) << r.reason;
  EXPECT_NE(r.reason.find("the client's masking keys are predictable"), std::string::npos)
      << r.reason;
}

// RSV1 misuse (RFC 7692 6.1, RFC 6455 5.2) against clients: the server cases in
// cases/compression/ run with the roles flipped, wsspec sending the RSV1 frames unmasked.
const std::vector<std::string> rsv1_cases_needing_deflate = {"compression/rsv1-on-ping",
                                                             "compression/rsv1-on-continuation"};

TEST(ClientCases, TheRsv1CasesRunAgainstClients) {
  for (const auto& id : rsv1_cases_needing_deflate) {
    const test_case c = builtin(id);
    EXPECT_EQ(peer_of(c), case_peer::both) << id;
    EXPECT_TRUE(applies_to_clients(c)) << id;
    EXPECT_TRUE(c.deflate) << id;
    EXPECT_NE(
        std::find(c.requirements.begin(), c.requirements.end(), "7692-6.1-fail-on-misplaced-rsv1"),
        c.requirements.end())
        << id;
  }
  const test_case c = builtin("compression/rsv1-without-negotiation");
  EXPECT_EQ(peer_of(c), case_peer::both);
  EXPECT_FALSE(c.deflate);
}

// `ws` with permessage-deflate agreed fails the connection with 1002 on RSV1 on a ping and on
// a continuation frame ("RSV1 must be clear").
TEST(ClientCases, WsClientWithDeflateFailsOnMisplacedRsv1) {
  for (const auto& id : rsv1_cases_needing_deflate) {
    const auto r = against_ws_client(builtin(id), true);
    EXPECT_EQ(r.overall, verdict::pass) << id << ": " << r.reason << " / " << r.closing_reason;
    EXPECT_TRUE(r.target_failed_connection) << id;
    EXPECT_EQ(r.remote_close_code, std::optional<std::uint16_t>(1002)) << id;
    EXPECT_FALSE(std::any_of(r.events.begin(), r.events.end(), [](const observation& o) {
      return o.what == kind::message || o.what == kind::pong;
    })) << id;
  }
}

// A client that offers no compression has nothing to misplace: RFC 7692 lets it not offer.
TEST(ClientCases, WsClientWithoutDeflateIsUnimplementedOnMisplacedRsv1) {
  for (const auto& id : rsv1_cases_needing_deflate) {
    const auto r = against_ws_client(builtin(id), false);
    EXPECT_EQ(r.data, verdict::unimplemented) << id << ": " << r.reason;
  }
}

// RSV1 with no extension agreed: every client must fail the connection, whether it offered
// permessage-deflate (wsspec's 101 declines it) or not.
TEST(ClientCases, WsClientFailsOnRsv1WithoutNegotiation) {
  for (const bool deflate : {false, true}) {
    const auto r = against_ws_client(builtin("compression/rsv1-without-negotiation"), deflate);
    EXPECT_EQ(r.overall, verdict::pass)
        << "deflate " << deflate << ": " << r.reason << " / " << r.closing_reason;
    EXPECT_TRUE(r.target_failed_connection) << deflate;
    EXPECT_EQ(r.remote_close_code, std::optional<std::uint16_t>(1002)) << deflate;
  }
}

// A client that ignores RSV1 except on a message's first frame, where it always means
// "inflate me" (agreed or not): it answers every ping with a pong and echoes every message
// inflated, uncompressed, then answers wsspec's close. What an implementation that never checks
// RSV1 against the agreed extensions and the frame's place does.
void rsv1_blind_echo(int s, std::string in) {
  std::string message;
  int opcode = 0;
  bool compressed = false;
  std::size_t at = 0;
  auto send = [&](int op, const std::string& payload) {
    std::size_t size = 0;
    std::string frame{static_cast<char>(0x80 | op), static_cast<char>(payload.size())};
    frame += payload;
    const std::string out = masked_echo(frame, 0, size);
    (void)!::write(s, out.data(), out.size());
  };
  for (;;) {
    if (in.size() < at + 2 || in.size() < at + 2 + (static_cast<std::uint8_t>(in[at + 1]) & 0x7f)) {
      if (!read_more(s, in, in.size() + 1)) return;
      continue;
    }
    const auto b0 = static_cast<std::uint8_t>(in[at]);
    const std::size_t len = static_cast<std::uint8_t>(in[at + 1]) & 0x7f;
    const std::string payload = in.substr(at + 2, len);
    at += 2 + len;
    const int op = b0 & 0x0f;
    if (op == 9) {
      send(10, payload);
    } else if (op == 8) {
      send(8, payload);
      std::array<char, 4096> buf;
      while (::read(s, buf.data(), buf.size()) > 0) {
      }
      return;
    } else if (op == 1 || op == 2 || op == 0) {
      if (op != 0) {
        opcode = op;
        compressed = (b0 & 0x40) != 0;
        message.clear();
      }
      message += payload;
      if (b0 & 0x80) {
        if (compressed) {
          codec::inflater inf;
          std::vector<std::uint8_t> out;
          const auto* p = reinterpret_cast<const std::uint8_t*>(message.data());
          inf.feed({p, message.size()}, out);
          inf.finish(out);
          message.assign(out.begin(), out.end());
        }
        send(opcode, message);
      }
    }
  }
}

std::string request_offering_deflate() {
  std::string r = valid_request;
  r.insert(r.size() - 2, "Sec-WebSocket-Extensions: permessage-deflate\r\n");
  return r;
}

// The RSV1-blind client answers the ping and echoes the message: each case fails, on what it
// sent where it had to fail the connection.
TEST(ClientCases, AClientThatIgnoresMisplacedRsv1Fails) {
  for (const auto& id : rsv1_cases_needing_deflate) {
    const auto r = against_raw_client(builtin(id), rsv1_blind_echo, request_offering_deflate());
    EXPECT_EQ(r.data, verdict::fail) << id << ": " << r.reason;
    EXPECT_FALSE(r.target_failed_connection) << id;
    const bool ping = id == "compression/rsv1-on-ping";
    const kind answer = ping ? kind::pong : kind::message;
    EXPECT_TRUE(std::any_of(r.events.begin(), r.events.end(),
                            [&](const observation& o) { return o.what == answer; }))
        << id << ": " << r.reason;
    EXPECT_NE(r.reason.find(ping ? "got a pong" : "got a text message"), std::string::npos)
        << id << ": " << r.reason;
  }
}

TEST(ClientCases, AClientThatInflatesWithoutNegotiationFails) {
  for (const auto& request : {valid_request, request_offering_deflate()}) {
    const auto r = against_raw_client(builtin("compression/rsv1-without-negotiation"),
                                      rsv1_blind_echo, request);
    EXPECT_EQ(r.data, verdict::fail) << r.reason;
    EXPECT_FALSE(r.target_failed_connection);
    const auto echo = std::find_if(r.events.begin(), r.events.end(),
                                   [](const observation& o) { return o.what == kind::message; });
    ASSERT_NE(echo, r.events.end()) << r.reason;
    EXPECT_NE(r.reason.find("got a text message of 5 bytes"), std::string::npos) << r.reason;
  }
}

// RFC 6455 7.1.7 and 7.3: a client does not close on its own. client/idle-no-close echoes one
// message, stays quiet for 2 s, then pings.
TEST(ClientCases, WsClientKeepsAnIdleConnectionOpen) {
  const auto r = against_ws_client(builtin("client/idle-no-close"));
  EXPECT_EQ(r.overall, verdict::pass) << r.reason << " / " << r.closing_reason;
  EXPECT_FALSE(r.target_failed_connection);
  EXPECT_GE(r.duration_ms, 2000.0);  // the quiet was waited out, not cut short by a barrier
}

// Echoes, pongs and answers wsspec's close: what a conforming echo client does.
TEST(ClientCases, AnEchoClientThatWaitsPassesTheIdleCase) {
  const auto r = against_raw_client(builtin("client/idle-no-close"), rsv1_blind_echo);
  EXPECT_EQ(r.overall, verdict::pass) << r.reason << " / " << r.closing_reason;
}

// Echoes the first message, waits `quiet_ms`, then closes: with a close frame (1000, then reads
// until wsspec closes TCP) or by closing TCP.
std::function<void(int, std::string)> echo_then_close(int quiet_ms, bool close_frame) {
  return [=](int s, std::string in) {
    std::size_t size = 0;
    std::string out;
    while ((out = masked_echo(in, 0, size)).empty() && read_more(s, in, in.size() + 1)) {
    }
    (void)!::write(s, out.data(), out.size());
    std::this_thread::sleep_for(std::chrono::milliseconds(quiet_ms));
    if (!close_frame) return;
    const std::string close = masked_echo("\x88\x02\x03\xe8", 0, size);
    (void)!::write(s, close.data(), close.size());
    std::array<char, 4096> buf;
    while (::read(s, buf.data(), buf.size()) > 0) {
    }
  };
}

// A client that closes an idle connection, at once or after 0.5 s, with a close frame or by
// closing TCP: non-strict (SHOULD NOT), with the case's note as the reason.
TEST(ClientCases, AClientThatClosesAnIdleConnectionIsNonStrict) {
  for (const int quiet : {0, 500}) {
    for (const bool frame : {true, false}) {
      const auto r =
          against_raw_client(builtin("client/idle-no-close"), echo_then_close(quiet, frame));
      EXPECT_EQ(r.data, verdict::non_strict) << quiet << " " << frame << ": " << r.reason;
      EXPECT_NE(r.reason.find(frame ? "the client sent a close frame on an idle connection"
                                    : "the client closed TCP on an idle connection"),
                std::string::npos)
          << quiet << " " << frame << ": " << r.reason;
      EXPECT_NE(r.reason.find("SHOULD NOT close"), std::string::npos) << r.reason;
      EXPECT_LT(r.duration_ms, 2000.0) << "decided by the close, not the quiet";
    }
  }
}

// RFC 6455 9.1: a client uses only the extensions the 101 accepted. client/extension-offer-
// declined answers an offer with a 101 that accepts none and sends 4 KiB (ws compresses from
// 1 KiB when permessage-deflate is agreed).
TEST(ClientCases, TheDeclinedOfferCaseNeedsAnOffer) {
  const test_case c = builtin("client/extension-offer-declined");
  EXPECT_EQ(peer_of(c), case_peer::client);
  EXPECT_TRUE(c.needs_extension_offer);
  EXPECT_FALSE(c.deflate);  // wsspec's 101 accepts nothing
  const auto& m = std::get<send_message>(c.steps.at(0));
  EXPECT_GE(payload_size(m.payload), 1024u);
}

// ws offers permessage-deflate, reads the 101 that does not accept it, and echoes in plain
// frames. Without an offer it has nothing to misuse: unimplemented, the message never sent.
TEST(ClientCases, WsClientUsesNoExtensionTheServerDidNotAccept) {
  const test_case c = builtin("client/extension-offer-declined");
  const auto r = against_ws_client(c, true);
  EXPECT_EQ(r.overall, verdict::pass) << r.reason << " / " << r.closing_reason;
  const auto echo = std::find_if(r.events.begin(), r.events.end(),
                                 [](const observation& o) { return o.what == kind::message; });
  ASSERT_NE(echo, r.events.end());
  EXPECT_EQ(echo->size, 4096u);
  const auto plain = against_ws_client(c, false);
  EXPECT_EQ(plain.data, verdict::unimplemented) << plain.reason;
  EXPECT_NE(plain.reason.find("the client offered no extension"), std::string::npos)
      << plain.reason;
  EXPECT_FALSE(std::any_of(plain.events.begin(), plain.events.end(),
                           [](const observation& o) { return o.what == kind::sent_message; }));
}

// Reads one unmasked frame (7- or 16-bit length) at `at`; false when the peer is gone.
bool read_frame(int s, std::string& in, std::size_t& at, std::uint8_t& b0, std::string& payload) {
  if (!read_more(s, in, at + 2)) return false;
  std::size_t len = static_cast<std::uint8_t>(in[at + 1]) & 0x7f, head = 2;
  if (len == 126) {
    if (!read_more(s, in, at + 4)) return false;
    len = (std::size_t{static_cast<std::uint8_t>(in[at + 2])} << 8) |
          static_cast<std::uint8_t>(in[at + 3]);
    head = 4;
  }
  if (!read_more(s, in, at + head + len)) return false;
  b0 = static_cast<std::uint8_t>(in[at]);
  payload = in.substr(at + head, len);
  at += head + len;
  return true;
}

// Offers permessage-deflate, then echoes the first message (compressed with RSV1 when
// `compress`, as if the offer had been accepted) and answers wsspec's close.
std::function<void(int, std::string)> echo_first_message(bool compress) {
  return [=](int s, std::string in) {
    std::size_t at = 0;
    std::uint8_t b0 = 0;
    std::string payload;
    if (!read_frame(s, in, at, b0, payload)) return;
    std::string out = masked_frame(b0, payload);
    if (compress) {
      codec::deflater d;
      const auto packed = d.compress(
          std::span(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()));
      out = masked_frame(static_cast<std::uint8_t>(b0 | 0x40),
                         std::string(packed.begin(), packed.end()));
    }
    (void)!::write(s, out.data(), out.size());
    while (read_frame(s, in, at, b0, payload)) {
      if ((b0 & 0x0f) != 8) continue;
      const std::string close = masked_frame(0x88, payload);
      (void)!::write(s, close.data(), close.size());
    }
  };
}

TEST(ClientCases, AClientThatCompressesWithoutAgreementFails) {
  const test_case c = builtin("client/extension-offer-declined");
  const auto r = against_raw_client(c, echo_first_message(true), request_offering_deflate());
  EXPECT_EQ(r.data, verdict::fail) << r.reason;
  EXPECT_NE(r.reason.find("no negotiated extension defines it"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("5.2"), std::string::npos) << r.reason;
  // The same client echoing plain frames passes; without an offer the case is not run.
  const auto plain = against_raw_client(c, echo_first_message(false), request_offering_deflate());
  EXPECT_EQ(plain.overall, verdict::pass) << plain.reason << " / " << plain.closing_reason;
  const auto none = against_raw_client(c, echo_first_message(true));
  EXPECT_EQ(none.data, verdict::unimplemented) << none.reason;
}

// RFC 6455 4.1: a client waits for the response. client/waits-for-response holds the 101 back
// for 1 s.
TEST(ClientCases, WsClientWaitsForTheDelayedResponse) {
  const auto r = against_ws_client(builtin("client/waits-for-response"));
  EXPECT_EQ(r.overall, verdict::pass) << r.reason << " / " << r.closing_reason;
  EXPECT_GE(r.duration_ms, 1000.0);
  const auto response = std::find_if(r.events.begin(), r.events.end(), [](const observation& o) {
    return o.what == kind::sent_response;
  });
  ASSERT_NE(response, r.events.end());
  EXPECT_GE(response->t_ms, 1000.0);  // sent after the wait
}

// A client that sends its first frame without waiting for the 101: in the same write as its
// request, or 0.2 s later (while wsspec holds the response back). Both fail; the same client
// echoing after the response passes.
TEST(ClientCases, AClientThatSendsBeforeTheResponseFails) {
  const test_case c = builtin("client/waits-for-response");
  std::size_t size = 0;
  const std::string early = masked_echo(
      "\x81\x05"
      "early",
      0, size);
  const auto echo = echo_first_message(false);  // and answers wsspec's close

  const auto with_request = against_raw_client(c, echo, valid_request + early);
  EXPECT_EQ(with_request.data, verdict::fail) << with_request.reason;
  EXPECT_NE(with_request.reason.find("the client sent 11 bytes after its opening request and "
                                     "before wsspec's response"),
            std::string::npos)
      << with_request.reason;
  EXPECT_NE(with_request.reason.find("MUST wait for the response"), std::string::npos);
  const auto during_wait = against_raw_client(c, echo, valid_request, [&](int s) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    (void)!::write(s, early.data(), early.size());
  });
  EXPECT_EQ(during_wait.data, verdict::fail) << during_wait.reason;
  EXPECT_NE(during_wait.reason.find("the client sent 11 bytes"), std::string::npos)
      << during_wait.reason;
  EXPECT_LT(during_wait.duration_ms, 1000.0) << "decided by the early bytes, not the wait";
  const auto patient = against_raw_client(c, echo);
  EXPECT_EQ(patient.overall, verdict::pass) << patient.reason << " / " << patient.closing_reason;
}

}  // namespace
}  // namespace wsspec
