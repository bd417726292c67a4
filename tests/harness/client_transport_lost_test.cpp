// client/transport-lost (RFC 6455 7.2.1, 7.1.7): after an echo wsspec sends a FIN with no close
// frame, and the client must fail the connection, i.e. close its end of TCP. Run against two
// real clients (npm ws, python3-websockets) and hand-written ones that do each thing a client
// might do after the FIN: close at once, send a close frame first, send a close frame and stay,
// stay silent, or go on sending as if the connection were alive.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "client_under_test.hpp"
#include "run/interpreter.hpp"

namespace wsspec {
namespace {

using test::builtin;
using test::child;
using test::listener;
using test::quick;

using kind = observation::kind;

const char* const case_id = "client/transport-lost";

// Runs the case against a real client started as `argv` + the case URL.
case_result against_real_client(std::vector<std::string> argv) {
  listener l;
  argv.push_back(l.url("/runCase?case=1&agent=real"));
  child client(argv);
  EXPECT_TRUE(client.started());
  std::string error;
  auto conn = connection::adopt(l.accept_one(), error);
  EXPECT_TRUE(conn) << error;
  return run_case_for_client(builtin(case_id), quick(), std::move(conn), "");
}

// What a hand-written client does once it has read wsspec's FIN (it echoed the message first).
enum class after_fin {
  close_tcp,               // closes its socket: fails the connection without a close frame
  close_frame_then_close,  // a close frame 1001, then closes its socket
  close_frame_then_stay,   // a close frame 1001, then keeps its socket open
  stay_open,               // nothing: its socket stays open
  keep_sending,            // a text frame every 200 ms, as if the connection were alive
};

// A client frame: FIN set, masked with a random key, payload under 126 bytes.
std::string masked_frame(int opcode, const std::string& payload) {
  static std::mt19937 rng(std::random_device{}());
  const std::uint32_t k = rng();
  const std::array<char, 4> key = {char(k >> 24), char(k >> 16), char(k >> 8), char(k)};
  std::string out{char(0x80 | opcode), char(0x80 | payload.size())};
  out.append(key.data(), key.size());
  for (std::size_t i = 0; i < payload.size(); ++i) out += char(payload[i] ^ key[i % 4]);
  return out;
}

void send_all(int s, const std::string& bytes) {
  (void)!::send(s, bytes.data(), bytes.size(), MSG_NOSIGNAL);
}

// Reads into `in` until `done(in)` or the peer's FIN (false) or 5 s without a byte (false).
template <class Done>
bool read_until(int s, std::string& in, Done done) {
  std::array<char, 4096> buf;
  while (!done(in)) {
    pollfd p{s, POLLIN, 0};
    if (::poll(&p, 1, 5000) != 1) return false;
    const auto n = ::read(s, buf.data(), buf.size());
    if (n <= 0) return false;
    in.append(buf.data(), static_cast<std::size_t>(n));
  }
  return true;
}

struct scripted_run {
  case_result result;
  bool client_saw_fin = false;
};

scripted_run against_scripted_client(after_fin what, const run_options& options = quick()) {
  listener l;
  std::atomic<bool> case_over{false};
  bool saw_fin = false;
  std::thread client([&] {
    const int s = test::connect_loopback(l.port());
    if (s >= 0) {
      send_all(s, test::valid_request);
      std::string in;
      read_until(s, in, [](const std::string& x) { return x.find("\r\n\r\n") != x.npos; });
      in.erase(0, in.find("\r\n\r\n") + 4);
      // The case's message: one short unmasked text frame, echoed.
      if (read_until(s, in, [](const std::string& x) {
            return x.size() >= 2 && x.size() >= 2 + std::size_t(std::uint8_t(x[1]) & 0x7f);
          })) {
        send_all(s, masked_frame(1, in.substr(2, std::uint8_t(in[1]) & 0x7f)));
        in.clear();
        // wsspec's FIN: read() returns 0 with nothing before it.
        std::array<char, 16> buf;
        pollfd p{s, POLLIN, 0};
        saw_fin = ::poll(&p, 1, 5000) == 1 && ::read(s, buf.data(), buf.size()) == 0;
      }
      const std::string close_1001 = masked_frame(8, std::string("\x03\xe9", 2));
      if (what == after_fin::close_frame_then_close || what == after_fin::close_frame_then_stay)
        send_all(s, close_1001);
      const bool stays = what == after_fin::close_frame_then_stay || what == after_fin::stay_open ||
                         what == after_fin::keep_sending;
      while (stays && !case_over) {
        if (what == after_fin::keep_sending) send_all(s, masked_frame(1, "still here"));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    }
    if (s >= 0) ::close(s);
  });
  std::string error;
  auto conn = connection::adopt(l.accept_one(), error);
  EXPECT_TRUE(conn) << error;
  scripted_run r;
  r.result = run_case_for_client(builtin(case_id), options, std::move(conn), "");
  case_over = true;
  client.join();
  r.client_saw_fin = saw_fin;
  return r;
}

// The observations after wsspec's FIN (none, and a test failure, without one).
std::vector<observation> after_the_fin(const case_result& r) {
  const auto fin = std::find_if(r.events.begin(), r.events.end(),
                                [](const observation& o) { return o.what == kind::sent_fin; });
  EXPECT_NE(fin, r.events.end()) << "no sent_fin in the transcript";
  return fin == r.events.end() ? std::vector<observation>{}
                               : std::vector<observation>(fin + 1, r.events.end());
}

bool has(const std::vector<observation>& v, kind k) {
  return std::any_of(v.begin(), v.end(), [k](const observation& o) { return o.what == k; });
}

// N of "kept its end of TCP open N ms after wsspec's FIN" in a reason, or -1.
long kept_open_ms(const std::string& reason) {
  const std::string mark = "kept its end of TCP open ";
  const auto at = reason.find(mark);
  if (at == std::string::npos) return -1;
  return std::stol(reason.substr(at + mark.size()));
}

// The two real clients close their end when the server's data ends: each passes, decided by
// its TCP close (well before the 2.5 s the case would wait).
TEST(ClientTransportLost, WsClientClosesItsEnd) {
  const case_result r = against_real_client(
      {"node", std::string(WSSPEC_SOURCE_DIR) + "/tests/targets/ws_echo_client.js"});
  EXPECT_EQ(r.overall, verdict::pass) << r.reason << " / " << r.closing_reason;
  const auto after = after_the_fin(r);
  EXPECT_TRUE(has(after, kind::tcp_end)) << r.reason;
  EXPECT_FALSE(has(after, kind::idle_timeout)) << r.reason;
}

TEST(ClientTransportLost, PythonWebsocketsClientClosesItsEnd) {
  const case_result r =
      against_real_client({"/usr/bin/python3", std::string(WSSPEC_SOURCE_DIR) +
                                                   "/tests/targets/serve_cases_echo_client.py"});
  EXPECT_EQ(r.overall, verdict::pass) << r.reason << " / " << r.closing_reason;
  const auto after = after_the_fin(r);
  EXPECT_TRUE(has(after, kind::tcp_end)) << r.reason;
  EXPECT_FALSE(has(after, kind::idle_timeout)) << r.reason;
}

// Closing TCP, with or without a close frame first, is failing the connection: pass.
TEST(ClientTransportLost, AClientThatClosesItsEndPasses) {
  for (const after_fin what : {after_fin::close_tcp, after_fin::close_frame_then_close}) {
    const scripted_run run = against_scripted_client(what);
    const case_result& r = run.result;
    EXPECT_TRUE(run.client_saw_fin);
    EXPECT_EQ(r.overall, verdict::pass) << r.reason << " / " << r.closing_reason;
    const auto after = after_the_fin(r);
    EXPECT_TRUE(has(after, kind::tcp_end));
    EXPECT_EQ(has(after, kind::close), what == after_fin::close_frame_then_close);
  }
}

// A client that stays silent with its end open has not noticed the lost transport: fail, with
// the MUST and how long it kept the connection open after the FIN.
TEST(ClientTransportLost, AClientThatIgnoresTheFinFails) {
  const scripted_run run = against_scripted_client(after_fin::stay_open);
  const case_result& r = run.result;
  EXPECT_TRUE(run.client_saw_fin);
  EXPECT_EQ(r.data, verdict::fail) << r.reason;
  EXPECT_EQ(r.overall, verdict::fail);
  EXPECT_NE(r.reason.find("MUST fail the WebSocket connection"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("after wsspec's FIN with no close frame"), std::string::npos) << r.reason;
  const long ms = kept_open_ms(r.reason);
  EXPECT_GE(ms, 2400) << r.reason;  // the step's 2.5 s of idleness
  EXPECT_LT(ms, 4000) << r.reason;
  EXPECT_TRUE(has(after_the_fin(r), kind::idle_timeout));
}

// Sending data after the FIN and never closing is going on as if the connection were alive:
// fail, once the case's time bound runs out (4 x a 1 s case time-out + 1 s closing here).
TEST(ClientTransportLost, AClientThatKeepsSendingAfterTheFinFails) {
  run_options o = quick();
  o.timeout_ms = 1000;
  const scripted_run run = against_scripted_client(after_fin::keep_sending, o);
  const case_result& r = run.result;
  EXPECT_TRUE(run.client_saw_fin);
  EXPECT_EQ(r.data, verdict::fail) << r.reason;
  EXPECT_NE(r.reason.find("MUST fail the WebSocket connection"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("sending all the while"), std::string::npos) << r.reason;
  EXPECT_TRUE(has(after_the_fin(r), kind::message));
}

// A close frame shows the client failed the connection, but its TCP end is still open 2.5 s
// later: non-strict, with the note.
TEST(ClientTransportLost, AClientThatSendsACloseFrameButStaysIsNonStrict) {
  const scripted_run run = against_scripted_client(after_fin::close_frame_then_stay);
  const case_result& r = run.result;
  EXPECT_EQ(r.data, verdict::non_strict) << r.reason;
  EXPECT_NE(r.reason.find("answered wsspec's FIN with a close frame but kept its end of TCP open"),
            std::string::npos)
      << r.reason;
  EXPECT_GE(kept_open_ms(r.reason), 2400) << r.reason;
  EXPECT_EQ(r.remote_close_code, std::optional<std::uint16_t>(1001));
}

}  // namespace
}  // namespace wsspec
