// The reference echo server (`wsspec serve`), tested on the wire: a plain asio TCP client sends
// bytes built with the codec and checks, byte for byte, what comes back and when the server
// closes TCP. Every read and write has a deadline, so a misbehaving server fails a test instead
// of hanging it. After each test the fixture checks that the server still serves a new
// connection and that every connection of the test has ended.
#include "serve/echo_server.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <future>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "running_server.hpp"
#include "wsspec/codec/close.hpp"
#include "wsspec/codec/frame_header.hpp"
#include "wsspec/codec/handshake.hpp"
#include "wsspec/codec/http.hpp"
#include "wsspec/codec/protocol_error.hpp"

namespace {

using namespace std::chrono_literals;
using asio::ip::tcp;
using steady = std::chrono::steady_clock;
namespace codec = wsspec::codec;
using bytes = std::vector<std::uint8_t>;
using wsspec::test::running_server;

// Generous for sanitizer builds; a passing test never waits for it.
constexpr auto io_timeout = 5s;

bytes to_bytes(std::string_view s) { return bytes(s.begin(), s.end()); }

bytes concat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

bytes pattern(std::size_t n) {
  bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>((i * 131 + 7) ^ (i >> 8));
  return b;
}

// A client frame: masked (RFC 6455 5.1), with a key whose four bytes differ.
bytes client_frame(codec::opcode op, std::span<const std::uint8_t> payload, bool fin = true,
                   std::uint8_t rsv = 0) {
  codec::frame_header h;
  h.fin = fin;
  h.rsv = rsv;
  h.op = op;
  h.masked = true;
  h.key = {0x37, 0xFA, 0x21, 0x3D};
  return codec::encode_frame(h, payload);
}
bytes client_frame(codec::opcode op, std::string_view payload, bool fin = true) {
  const bytes p = to_bytes(payload);
  return client_frame(op, p, fin);
}

// What the server must send: unmasked, FIN, minimal length.
bytes server_frame(codec::opcode op, std::span<const std::uint8_t> payload) {
  codec::frame_header h;
  h.op = op;
  h.masked = false;
  return codec::encode_frame(h, payload);
}
bytes server_frame(codec::opcode op, std::string_view payload) {
  const bytes p = to_bytes(payload);
  return server_frame(op, p);
}
bytes server_close(std::uint16_t code, std::string_view reason = {}) {
  return server_frame(codec::opcode::close, codec::make_close_body(code, reason));
}
// The close the server sends when it fails the connection for `e`.
bytes failure_close(codec::protocol_error e) {
  return server_close(codec::close_code_for(e), codec::to_string(e));
}

::testing::AssertionResult same_bytes(const bytes& actual, const bytes& expected) {
  if (actual == expected) return ::testing::AssertionSuccess();
  const auto mismatch =
      std::mismatch(actual.begin(), actual.end(), expected.begin(), expected.end());
  const auto at = static_cast<std::size_t>(mismatch.first - actual.begin());
  auto result = ::testing::AssertionFailure()
                << "got " << actual.size() << " bytes, expected " << expected.size()
                << "; first difference at offset " << at;
  auto show = [&](const bytes& b) {
    std::string s;
    for (std::size_t i = at; i < b.size() && i < at + 16; ++i) {
      static const char* hex = "0123456789abcdef";
      s += hex[b[i] >> 4];
      s += hex[b[i] & 15];
      s += ' ';
    }
    return s;
  };
  return result << " (got: " << show(actual) << "| expected: " << show(expected) << ")";
}

// A blocking-style TCP client with deadlines, on its own io_context.
class test_client {
 public:
  enum class end { open, eof, reset, timeout };

  explicit test_client(std::uint16_t port, std::optional<int> receive_buffer = std::nullopt)
      : socket_(io_) {
    socket_.open(tcp::v4());
    if (receive_buffer) socket_.set_option(asio::socket_base::receive_buffer_size(*receive_buffer));
    socket_.set_option(tcp::no_delay(true));
    std::error_code ec = asio::error::timed_out;
    socket_.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                          [&](const std::error_code& e) { ec = e; });
    run_until(steady::now() + io_timeout);
    connected_ = !ec;
  }

  bool connected() const { return connected_; }
  tcp::socket& socket() { return socket_; }

  bool write(std::span<const std::uint8_t> data) {
    std::error_code ec = asio::error::timed_out;
    asio::async_write(socket_, asio::buffer(data.data(), data.size()),
                      [&](const std::error_code& e, std::size_t) { ec = e; });
    run_until(steady::now() + io_timeout);
    return !ec;
  }
  bool write(std::string_view s) {
    return write(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  }

  // Writes one byte per send (TCP_NODELAY is on, so these are separate segments).
  bool write_bytewise(std::span<const std::uint8_t> data) {
    for (std::uint8_t b : data) {
      if (!write(std::span(&b, 1))) return false;
    }
    return true;
  }

  // The HTTP head of the response (through the empty line); the rest stays buffered.
  std::optional<std::string> read_head(std::chrono::milliseconds timeout = io_timeout) {
    const auto deadline = steady::now() + timeout;
    for (;;) {
      const std::string_view have(reinterpret_cast<const char*>(pending_.data()), pending_.size());
      if (const auto end = have.find("\r\n\r\n"); end != std::string_view::npos) {
        std::string head(have.substr(0, end + 4));
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(end + 4));
        return head;
      }
      if (!fill(deadline)) return std::nullopt;
    }
  }

  std::optional<bytes> read_exact(std::size_t n, std::chrono::milliseconds timeout = io_timeout) {
    const auto deadline = steady::now() + timeout;
    while (pending_.size() < n) {
      if (!fill(deadline)) return std::nullopt;
    }
    bytes out(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
    return out;
  }

  // One whole frame, as raw bytes (header and payload), whatever its opcode.
  std::optional<bytes> read_frame(std::chrono::milliseconds timeout = io_timeout) {
    const auto deadline = steady::now() + timeout;
    while (pending_.size() < 2) {
      if (!fill(deadline)) return std::nullopt;
    }
    const std::uint8_t len7 = pending_[1] & 0x7F;
    const std::size_t ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    const std::size_t head = 2 + ext + ((pending_[1] & 0x80) ? 4 : 0);
    while (pending_.size() < head) {
      if (!fill(deadline)) return std::nullopt;
    }
    std::uint64_t length = len7;
    if (ext > 0) {
      length = 0;
      for (std::size_t i = 0; i < ext; ++i) length = (length << 8) | pending_[2 + i];
    }
    if (length > (std::uint64_t{256} << 20)) return std::nullopt;  // not from a sane server
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
    return read_exact(head + static_cast<std::size_t>(length), std::max(left, 1ms));
  }

  // Waits for the server to close TCP; any byte received instead is a failure (returns open).
  end wait_end(std::chrono::milliseconds timeout = io_timeout) {
    if (!pending_.empty()) return end::open;
    const auto deadline = steady::now() + timeout;
    if (fill(deadline)) return end::open;
    if (last_error_ == asio::error::eof) return end::eof;
    if (last_error_ == asio::error::timed_out) return end::timeout;
    return end::reset;
  }

  // Nothing arrives within `quiet` (for "the server sent nothing").
  bool silent_for(std::chrono::milliseconds quiet) {
    if (!pending_.empty()) return false;
    return !fill(steady::now() + quiet) && last_error_ == asio::error::timed_out;
  }

  // Closes with a RST (SO_LINGER 0).
  void reset() {
    std::error_code ignored;
    socket_.set_option(asio::socket_base::linger(true, 0), ignored);
    socket_.close(ignored);
  }

  std::error_code last_error() const { return last_error_; }
  asio::io_context& io() { return io_; }

 private:
  void run_until(steady::time_point deadline) {
    io_.restart();
    io_.run_until(deadline);
    if (!io_.stopped()) {  // the deadline passed with an operation pending
      std::error_code ignored;
      socket_.cancel(ignored);
      io_.restart();
      io_.run();
    }
  }

  // One read into pending_; false (with last_error_) on deadline, EOF or error.
  bool fill(steady::time_point deadline) {
    std::array<std::uint8_t, 64 * 1024> chunk;
    std::error_code ec = asio::error::timed_out;
    std::size_t n = 0;
    bool done = false;
    socket_.async_read_some(asio::buffer(chunk), [&](const std::error_code& e, std::size_t k) {
      done = true;
      ec = e;
      n = k;
    });
    io_.restart();
    io_.run_until(deadline);
    if (!done) {
      std::error_code ignored;
      socket_.cancel(ignored);
      io_.restart();
      io_.run();
      last_error_ = asio::error::timed_out;
      return false;
    }
    if (ec) {
      last_error_ = ec;
      return false;
    }
    pending_.insert(pending_.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
    return true;
  }

  asio::io_context io_;
  tcp::socket socket_;
  bool connected_ = false;
  bytes pending_;
  std::error_code last_error_;
};

constexpr std::string_view rfc_key = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 1.3

std::string request_for(std::uint16_t port, std::string_view key = rfc_key) {
  return codec::default_request("127.0.0.1:" + std::to_string(port), "/", key).serialize();
}

// RFC 6455 1.3's example, spelled out independently of the codec: the accept value for the
// sample key, and the header fields in the order build_response writes them.
constexpr std::string_view rfc_response =
    "HTTP/1.1 101 Switching Protocols\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
    "\r\n";

wsspec::echo_server_options test_options() {
  wsspec::echo_server_options o;
  o.port = 0;
  o.handshake_timeout = 3s;
  o.close_timeout = 4s;
  o.idle_timeout = 30s;
  return o;
}

// Connects and completes the opening handshake, checking the 101 byte for byte.
void open(test_client& c, std::uint16_t port) {
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.write(request_for(port)));
  const auto head = c.read_head();
  ASSERT_TRUE(head.has_value()) << "no response head: " << c.last_error().message();
  ASSERT_EQ(*head, rfc_response);
}

// The frame the server sends next is exactly `expected`.
void expect_frame(test_client& c, const bytes& expected, std::string_view what) {
  const auto got = c.read_frame();
  ASSERT_TRUE(got.has_value()) << what << ": no frame (" << c.last_error().message() << ")";
  EXPECT_TRUE(same_bytes(*got, expected)) << what;
}

// The server closes TCP (a FIN, not a reset) without sending anything more, and at once
// (RFC 6455 7.1.1: "immediately"), not when its close timeout (4 s in these tests) expires.
void expect_tcp_closed(test_client& c) {
  EXPECT_EQ(c.wait_end(1500ms), test_client::end::eof)
      << "last error: " << c.last_error().message();
}

// The server fails the connection: exactly this close frame, then TCP closed.
void expect_failure(test_client& c, codec::protocol_error e) {
  expect_frame(c, failure_close(e), codec::to_string(e));
  expect_tcp_closed(c);
}

class EchoServer : public ::testing::Test {
 protected:
  void SetUp() override { server_.emplace(test_options()); }

  void TearDown() override {
    // Whatever the test did, the server still serves a new connection...
    {
      test_client c(server_->port());
      open(c, server_->port());
      ASSERT_TRUE(c.write(client_frame(codec::opcode::text, "still alive")));
      expect_frame(c, server_frame(codec::opcode::text, "still alive"), "echo after the test");
      ASSERT_TRUE(c.write(client_frame(codec::opcode::close, codec::make_close_body(1000))));
      expect_frame(c, server_close(1000), "close reply");
      expect_tcp_closed(c);
    }
    // ... and every connection has ended (the test's clients are gone by now).
    EXPECT_TRUE(server_->wait_idle(5s)) << server_->connections() << " connections left";
    server_.reset();
  }

  std::uint16_t port() const { return server_->port(); }

  std::optional<running_server> server_;
};

// --- Opening handshake -------------------------------------------------------------------------

TEST_F(EchoServer, AnswersTheRfcExampleHandshake) {
  test_client c(port());
  open(c, port());
  // The connection is usable, and nothing but the 101 was sent.
  EXPECT_TRUE(c.silent_for(50ms));
}

TEST_F(EchoServer, SelectsNoSubprotocolAndNoExtension) {
  test_client c(port());
  ASSERT_TRUE(c.connected());
  const std::string protocols[] = {"chat", "superchat"};
  const std::string extensions[] = {"permessage-deflate; client_max_window_bits"};
  ASSERT_TRUE(c.write(
      codec::default_request("127.0.0.1", "/", rfc_key, protocols, extensions).serialize()));
  EXPECT_EQ(c.read_head(), std::optional<std::string>(rfc_response));
  // RSV1 is an error when permessage-deflate was not accepted (RFC 6455 5.2).
  const bytes payload = to_bytes("x");
  ASSERT_TRUE(c.write(client_frame(codec::opcode::text, payload, true, codec::rsv1_bit)));
  expect_failure(c, codec::protocol_error::reserved_bits_set);
}

// The error reply: the status line, the fields the codec suggests, "Connection: close"
// (RFC 7230 6.6), a one-line text body, then the TCP connection is closed.
void expect_rejection(test_client& c, int status, codec::request_error e) {
  const auto head = c.read_head();
  ASSERT_TRUE(head.has_value()) << "no response: " << c.last_error().message();
  codec::http_fields fields = codec::error_response_fields(e);
  fields.insert(fields.begin(), {"Connection", status == 426 ? "Upgrade, close" : "close"});
  const std::string body = std::string(codec::describe(e)) + "\n";
  const std::string expected = codec::build_error_response(status, fields, body);
  // Checked field by field first, for a readable failure, then byte for byte.
  codec::http_response parsed;
  ASSERT_TRUE(codec::parse_response(*head, parsed).complete()) << *head;
  EXPECT_EQ(parsed.status, status);
  const auto* length = codec::find_field(parsed.fields, "Content-Length");
  ASSERT_NE(length, nullptr);
  const auto rest = c.read_exact(std::stoul(length->value));
  ASSERT_TRUE(rest.has_value());
  EXPECT_EQ(*head + std::string(rest->begin(), rest->end()), expected);
  EXPECT_TRUE(codec::field_contains_token(parsed.fields, "Connection", "close"));
  expect_tcp_closed(c);
}

TEST_F(EchoServer, RejectsVersion8With426AndVersion13) {
  test_client c(port());
  ASSERT_TRUE(c.connected());
  auto request = codec::default_request("127.0.0.1", "/", rfc_key);
  codec::set_field(request.fields, "Sec-WebSocket-Version", "8");
  ASSERT_TRUE(c.write(request.serialize()));
  // RFC 6455 4.2.2 /version/, 4.4: 426 Upgrade Required with the version we speak.
  const auto head = c.read_head();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->rfind("HTTP/1.1 426 Upgrade Required\r\n", 0), 0u) << *head;
  EXPECT_NE(head->find("\r\nSec-WebSocket-Version: 13\r\n"), std::string::npos) << *head;
  EXPECT_NE(head->find("\r\nUpgrade: websocket\r\n"), std::string::npos) << *head;
}

TEST_F(EchoServer, RejectsVersion8ByteForByte) {
  test_client c(port());
  ASSERT_TRUE(c.connected());
  auto request = codec::default_request("127.0.0.1", "/", rfc_key);
  codec::set_field(request.fields, "Sec-WebSocket-Version", "8");
  ASSERT_TRUE(c.write(request.serialize()));
  expect_rejection(c, 426, codec::request_error::unsupported_version);
}

TEST_F(EchoServer, RejectsMissingKeyWith400) {
  test_client c(port());
  ASSERT_TRUE(c.connected());
  auto request = codec::default_request("127.0.0.1", "/", rfc_key);
  ASSERT_EQ(codec::remove_fields(request.fields, "Sec-WebSocket-Key"), 1u);
  ASSERT_TRUE(c.write(request.serialize()));
  expect_rejection(c, 400, codec::request_error::missing_key);
}

TEST_F(EchoServer, RejectsPostWith405AndAllow) {
  test_client c(port());
  ASSERT_TRUE(c.connected());
  auto request = codec::default_request("127.0.0.1", "/", rfc_key);
  request.method = "POST";
  ASSERT_TRUE(c.write(request.serialize()));
  expect_rejection(c, 405, codec::request_error::method_not_get);
}

TEST_F(EchoServer, RejectsMalformedAndOversizedHeads) {
  struct input {
    std::string request;
    int status;
    codec::http_error error;
  };
  const std::vector<input> inputs = {
      {"GET / HTTP/1.1\nHost: x\n\n", 400, codec::http_error::bare_lf},
      {"GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n", 414,
       codec::http_error::start_line_too_long},
      {"GET / HTTP/1.1\r\nX: " + std::string(9000, 'b') + "\r\n\r\n", 431,
       codec::http_error::field_line_too_long},
  };
  for (const auto& in : inputs) {
    SCOPED_TRACE(codec::to_string(in.error));
    test_client c(port());
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.write(in.request));
    const auto head = c.read_head();
    ASSERT_TRUE(head.has_value());
    const std::string body = std::string(codec::describe(in.error)) + "\n";
    const std::string expected =
        codec::build_error_response(in.status, {{"Connection", "close"}}, body);
    const auto rest = c.read_exact(body.size());
    ASSERT_TRUE(rest.has_value());
    EXPECT_EQ(*head + std::string(rest->begin(), rest->end()), expected);
    expect_tcp_closed(c);
  }
}

TEST_F(EchoServer, ProcessesAFrameSentInTheSameSegmentAsTheRequest) {
  test_client c(port());
  ASSERT_TRUE(c.connected());
  const std::string request = request_for(port());
  const bytes both = concat({to_bytes(request), client_frame(codec::opcode::text, "early"),
                             client_frame(codec::opcode::binary, "bird")});
  ASSERT_TRUE(c.write(both));  // one send: one segment on loopback
  EXPECT_EQ(c.read_head(), std::optional<std::string>(rfc_response));
  expect_frame(c, server_frame(codec::opcode::text, "early"), "first frame after the head");
  expect_frame(c, server_frame(codec::opcode::binary, "bird"), "second frame after the head");
}

TEST_F(EchoServer, HandlesTheHandshakeAndFramesOneByteAtATime) {
  test_client c(port());
  ASSERT_TRUE(c.connected());
  const bytes payload = to_bytes("κόσμε, one byte per segment");
  ASSERT_TRUE(c.write_bytewise(concat(
      {to_bytes(request_for(port())), client_frame(codec::opcode::text, payload, false),
       client_frame(codec::opcode::ping, "?"), client_frame(codec::opcode::continuation, "!")})));
  EXPECT_EQ(c.read_head(), std::optional<std::string>(rfc_response));
  expect_frame(c, server_frame(codec::opcode::pong, "?"), "pong");
  expect_frame(c, server_frame(codec::opcode::text, concat({payload, to_bytes("!")})), "echo");
}

TEST_F(EchoServer, ClosesAConnectionThatNeverFinishesItsHandshake) {
  wsspec::echo_server_options o = test_options();
  o.handshake_timeout = 200ms;
  running_server server(o);
  test_client c(server.port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  const auto start = steady::now();
  expect_tcp_closed(c);
  EXPECT_GE(steady::now() - start, 100ms);
  EXPECT_TRUE(server.wait_idle(2s));
}

// --- Data frames (RFC 6455 5.6) -----------------------------------------------------------------

TEST_F(EchoServer, EchoesTextAndBinaryMessages) {
  test_client c(port());
  open(c, port());
  const std::string text = "Hello, κόσμε 🌍";
  ASSERT_TRUE(c.write(client_frame(codec::opcode::text, text)));
  expect_frame(c, server_frame(codec::opcode::text, text), "text");
  for (std::size_t size : {0, 1, 125, 126, 127, 65535, 65536, 65537}) {
    SCOPED_TRACE(size);
    const bytes payload = pattern(size);
    ASSERT_TRUE(c.write(client_frame(codec::opcode::binary, payload)));
    expect_frame(c, server_frame(codec::opcode::binary, payload), "binary");
  }
  ASSERT_TRUE(c.write(client_frame(codec::opcode::text, "")));
  expect_frame(c, server_frame(codec::opcode::text, ""), "empty text");
}

TEST_F(EchoServer, EchoesA64KiBTextMessage) {
  test_client c(port());
  open(c, port());
  std::string text(65536, 'a');
  for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
  ASSERT_TRUE(c.write(client_frame(codec::opcode::text, text)));
  const bytes expected = server_frame(codec::opcode::text, text);
  ASSERT_EQ(expected[1], 127);  // 64-bit length form
  expect_frame(c, expected, "65536-byte text");
}

TEST_F(EchoServer, EchoesManyMessagesSentBackToBack) {
  test_client c(port());
  open(c, port());
  bytes burst, expected;
  for (int i = 0; i < 1000; ++i) {
    const std::string m = "message " + std::to_string(i);
    const bytes f = client_frame(codec::opcode::text, m);
    burst.insert(burst.end(), f.begin(), f.end());
    const bytes e = server_frame(codec::opcode::text, m);
    expected.insert(expected.end(), e.begin(), e.end());
  }
  ASSERT_TRUE(c.write(burst));
  const auto got = c.read_exact(expected.size());
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(same_bytes(*got, expected));
}

TEST_F(EchoServer, AnswersAPingInTheMiddleOfAFragmentedMessageAtOnce) {
  test_client c(port());
  open(c, port());
  // A text message split inside a code point: "κόσμε" is CE BA E1 BD B9 ..., cut after E1.
  const bytes all = to_bytes("κόσμε");
  const bytes first(all.begin(), all.begin() + 3), second(all.begin() + 3, all.end());
  ASSERT_TRUE(c.write(client_frame(codec::opcode::text, first, false)));
  ASSERT_TRUE(c.write(client_frame(codec::opcode::ping, "ping payload")));
  // The pong comes while the message is still unfinished (5.5.2 "as soon as practical").
  expect_frame(c, server_frame(codec::opcode::pong, "ping payload"), "pong");
  ASSERT_TRUE(c.write(client_frame(codec::opcode::continuation, second, true)));
  expect_frame(c, server_frame(codec::opcode::text, all), "reassembled message");
}

TEST_F(EchoServer, AnswersPingsWithTheSamePayloadAndIgnoresPongs) {
  test_client c(port());
  open(c, port());
  const bytes max = pattern(125);
  ASSERT_TRUE(c.write(client_frame(codec::opcode::ping, max)));
  expect_frame(c, server_frame(codec::opcode::pong, max), "pong, 125 bytes");
  ASSERT_TRUE(c.write(client_frame(codec::opcode::ping, "")));
  expect_frame(c, server_frame(codec::opcode::pong, ""), "empty pong");
  // 5.5.3: an unsolicited pong gets no answer: the next frame is the echo.
  ASSERT_TRUE(c.write(concat({client_frame(codec::opcode::pong, "unsolicited"),
                              client_frame(codec::opcode::text, "after pong")})));
  expect_frame(c, server_frame(codec::opcode::text, "after pong"), "echo after the pong");
}

TEST_F(EchoServer, EchoesAMessageOfManyFragments) {
  test_client c(port());
  open(c, port());
  const bytes payload = pattern(3000);
  bytes frames;
  for (std::size_t at = 0; at < payload.size(); at += 100) {
    const auto op = at == 0 ? codec::opcode::binary : codec::opcode::continuation;
    const bytes f =
        client_frame(op, std::span(payload).subspan(at, 100), at + 100 == payload.size());
    frames.insert(frames.end(), f.begin(), f.end());
  }
  ASSERT_TRUE(c.write(frames));
  expect_frame(c, server_frame(codec::opcode::binary, payload), "reassembled");
}

// --- Closing handshake (RFC 6455 5.5.1, 7.1) ----------------------------------------------------

TEST_F(EchoServer, EchoesTheCloseCodeThenClosesTcp) {
  test_client c(port());
  open(c, port());
  ASSERT_TRUE(c.write(client_frame(codec::opcode::close, codec::make_close_body(1000, "bye"))));
  expect_frame(c, server_close(1000), "close reply");
  expect_tcp_closed(c);
}

TEST_F(EchoServer, EchoesOtherValidCloseCodes) {
  for (std::uint16_t code : {1001, 1003, 1011, 3000, 4999}) {
    SCOPED_TRACE(code);
    test_client c(port());
    open(c, port());
    ASSERT_TRUE(c.write(client_frame(codec::opcode::close, codec::make_close_body(code))));
    expect_frame(c, server_close(code), "close reply");
    expect_tcp_closed(c);
  }
}

TEST_F(EchoServer, AnswersAnEmptyCloseWithAnEmptyClose) {
  test_client c(port());
  open(c, port());
  ASSERT_TRUE(c.write(client_frame(codec::opcode::close, "")));
  expect_frame(c, server_frame(codec::opcode::close, ""), "empty close reply (never 1005)");
  expect_tcp_closed(c);
}

TEST_F(EchoServer, IgnoresFramesAfterTheClose) {
  test_client c(port());
  open(c, port());
  ASSERT_TRUE(c.write(concat({client_frame(codec::opcode::close, codec::make_close_body(1000)),
                              client_frame(codec::opcode::text, "too late"),
                              client_frame(codec::opcode::ping, "too late")})));
  expect_frame(c, server_close(1000), "close reply");
  expect_tcp_closed(c);
}

TEST_F(EchoServer, ClosesInTheMiddleOfAFragmentedMessage) {
  test_client c(port());
  open(c, port());
  ASSERT_TRUE(c.write(concat({client_frame(codec::opcode::text, "unfinished", false),
                              client_frame(codec::opcode::close, codec::make_close_body(1000))})));
  expect_frame(c, server_close(1000), "close reply, nothing of the unfinished message");
  expect_tcp_closed(c);
}

TEST_F(EchoServer, FailsOnACloseWithAOneByteBody) {
  test_client c(port());
  open(c, port());
  ASSERT_TRUE(c.write(client_frame(codec::opcode::close, "\x03")));
  expect_failure(c, codec::protocol_error::close_payload_one_byte);
  EXPECT_EQ(codec::close_code_for(codec::protocol_error::close_payload_one_byte), 1002);
}

TEST_F(EchoServer, FailsOnInvalidCloseCodes) {
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
    SCOPED_TRACE(code);
    test_client c(port());
    open(c, port());
    ASSERT_TRUE(c.write(client_frame(codec::opcode::close, codec::make_close_body(code))));
    expect_frame(c, server_close(1002, codec::to_string(codec::protocol_error::close_code_invalid)),
                 "close 1002");
    expect_tcp_closed(c);
  }
}

TEST_F(EchoServer, FailsOnACloseReasonThatIsNotUtf8With1007) {
  test_client c(port());
  open(c, port());
  ASSERT_TRUE(c.write(
      client_frame(codec::opcode::close, codec::make_close_body(1000, "bad \xC0\xAF reason"))));
  expect_failure(c, codec::protocol_error::close_reason_invalid_utf8);
  EXPECT_EQ(codec::close_code_for(codec::protocol_error::close_reason_invalid_utf8), 1007);
}

TEST_F(EchoServer, StartsTheClosingHandshakeWhenIdle) {
  wsspec::echo_server_options o = test_options();
  o.idle_timeout = 200ms;
  o.close_timeout = 300ms;
  running_server server(o);
  test_client c(server.port());
  open(c, server.port());
  expect_frame(c, server_close(1001, "idle timeout"), "close 1001 after the idle timeout");
  // Pings after the server's close get no pong; the client's close completes the handshake.
  ASSERT_TRUE(c.write(concat({client_frame(codec::opcode::ping, "late"),
                              client_frame(codec::opcode::close, codec::make_close_body(1001))})));
  expect_tcp_closed(c);
  EXPECT_TRUE(server.wait_idle(2s));
}

TEST_F(EchoServer, ClosesTcpWithinTheCloseTimeoutWhenThePeerDoesNot) {
  wsspec::echo_server_options o = test_options();
  o.close_timeout = 200ms;
  running_server server(o);
  test_client c(server.port());
  open(c, server.port());
  ASSERT_TRUE(c.write(client_frame(codec::opcode::close, codec::make_close_body(1000))));
  expect_frame(c, server_close(1000), "close reply");
  expect_tcp_closed(c);  // the server's FIN; the client keeps its side open
  EXPECT_TRUE(server.wait_idle(3s));
}

// --- Failing the connection (RFC 6455 7.1.7) ----------------------------------------------------

TEST_F(EchoServer, FailsOnAnUnmaskedFrame) {
  test_client c(port());
  open(c, port());
  ASSERT_TRUE(c.write(server_frame(codec::opcode::text, "not masked")));
  expect_failure(c, codec::protocol_error::frame_not_masked);
}

TEST_F(EchoServer, FailsOnReservedOpcodes) {
  for (std::uint8_t op : {0x3, 0x7, 0xB, 0xF}) {
    SCOPED_TRACE(static_cast<int>(op));
    test_client c(port());
    open(c, port());
    ASSERT_TRUE(c.write(client_frame(codec::make_opcode(op), to_bytes("x"))));
    expect_failure(c, codec::protocol_error::reserved_opcode);
  }
}

TEST_F(EchoServer, FailsOnReservedBitsAndBadControlFrames) {
  struct input {
    bytes frame;
    codec::protocol_error error;
  };
  const bytes x = to_bytes("x");
  std::vector<input> inputs = {
      {client_frame(codec::opcode::binary, x, true, codec::rsv2_bit),
       codec::protocol_error::reserved_bits_set},
      {client_frame(codec::opcode::ping, x, false),
       codec::protocol_error::control_frame_fragmented},
      {client_frame(codec::opcode::ping, pattern(126)),
       codec::protocol_error::control_frame_too_long},
      {client_frame(codec::opcode::continuation, x),
       codec::protocol_error::continuation_without_message},
      {concat({client_frame(codec::opcode::text, x, false), client_frame(codec::opcode::text, x)}),
       codec::protocol_error::data_frame_inside_message},
  };
  for (const auto& in : inputs) {
    SCOPED_TRACE(codec::to_string(in.error));
    test_client c(port());
    open(c, port());
    ASSERT_TRUE(c.write(in.frame));
    expect_failure(c, in.error);
  }
}

TEST_F(EchoServer, FailsFastOnInvalidUtf8InTheFirstFragment) {
  test_client c(port());
  open(c, port());
  // "κόσμε" then ED A0 80 (a UTF-16 surrogate, never valid UTF-8), in a non-final fragment.
  const bytes bad = concat({to_bytes("κόσμε"), {0xED, 0xA0, 0x80}, to_bytes("edited")});
  ASSERT_TRUE(c.write(client_frame(codec::opcode::text, bad, false)));
  // 8.1: the close comes before the message is finished, i.e. before the second fragment.
  expect_frame(c, failure_close(codec::protocol_error::invalid_utf8), "close 1007");
  EXPECT_EQ(codec::close_code_for(codec::protocol_error::invalid_utf8), 1007);
  // The second fragment, sent now, changes nothing; the server has closed its side.
  ASSERT_TRUE(c.write(client_frame(codec::opcode::continuation, "end", true)));
  expect_tcp_closed(c);
}

TEST_F(EchoServer, FailsFastOnInvalidUtf8InAPartlyReceivedFrame) {
  test_client c(port());
  open(c, port());
  // One frame, of which only the first part (with the bad byte) is sent.
  const bytes payload = concat({to_bytes("valid "), {0xF8}, bytes(200, 'a')});
  const bytes frame = client_frame(codec::opcode::text, payload);
  ASSERT_TRUE(c.write(std::span(frame).first(frame.size() - 100)));
  expect_frame(c, failure_close(codec::protocol_error::invalid_utf8), "close 1007");
  expect_tcp_closed(c);
}

TEST_F(EchoServer, DoesNotEchoTextEndingInsideACodePoint) {
  test_client c(port());
  open(c, port());
  ASSERT_TRUE(c.write(client_frame(codec::opcode::text, "truncated \xCE")));
  expect_failure(c, codec::protocol_error::invalid_utf8);
}

TEST_F(EchoServer, FailsWith1009OnMessagesOverTheLimit) {
  wsspec::echo_server_options o = test_options();
  o.max_message_size = 1000;
  running_server server(o);
  {
    test_client c(server.port());
    open(c, server.port());
    const bytes ok = pattern(1000);
    ASSERT_TRUE(c.write(client_frame(codec::opcode::binary, ok)));
    expect_frame(c, server_frame(codec::opcode::binary, ok), "message at the limit");
    // Fragments whose sum is over the limit: failed at the second fragment's header.
    const bytes half = pattern(600);
    ASSERT_TRUE(c.write(client_frame(codec::opcode::binary, half, false)));
    const bytes second = client_frame(codec::opcode::continuation, half, true);
    ASSERT_TRUE(c.write(std::span(second).first(14)));  // 8-byte header, 6 payload bytes
    expect_failure(c, codec::protocol_error::message_too_large);
  }
  EXPECT_TRUE(server.wait_idle(3s));
}

TEST_F(EchoServer, FailsWith1009OnAnAnnouncedHugeFrameWithoutWaitingForIt) {
  test_client c(port());
  open(c, port());
  // A header announcing 1 TiB; no payload follows.
  const bytes header = {0x82, 0xFF, 0, 0, 0x01, 0, 0, 0, 0, 0, 1, 2, 3, 4};
  ASSERT_TRUE(c.write(header));
  expect_failure(c, codec::protocol_error::frame_too_large);
  EXPECT_EQ(codec::close_code_for(codec::protocol_error::frame_too_large), 1009);
}

TEST_F(EchoServer, EchoesValidMessagesBeforeTheBadFrameOnly) {
  test_client c(port());
  open(c, port());
  ASSERT_TRUE(c.write(concat({client_frame(codec::opcode::text, "fine"),
                              client_frame(codec::opcode::binary, "partial", false),
                              server_frame(codec::opcode::continuation, "unmasked")})));
  expect_frame(c, server_frame(codec::opcode::text, "fine"), "echo of the valid message");
  expect_failure(c, codec::protocol_error::frame_not_masked);
}

// --- Hostile or broken peers ---------------------------------------------------------------------

TEST_F(EchoServer, ToleratesResetsAtAnyPoint) {
  {
    test_client c(port());
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.write("GET / HT"));
    c.reset();
  }
  {
    test_client c(port());
    open(c, port());
    const bytes frame = client_frame(codec::opcode::binary, pattern(5000));
    ASSERT_TRUE(c.write(std::span(frame).first(2000)));
    c.reset();
  }
  EXPECT_TRUE(server_->wait_idle(3s));
}

TEST_F(EchoServer, ServesManyConnectionsAtOnce) {
  std::vector<std::unique_ptr<test_client>> clients;
  for (int i = 0; i < 50; ++i) {
    clients.push_back(std::make_unique<test_client>(port()));
    open(*clients.back(), port());
  }
  EXPECT_EQ(server_->connections(), 50u);
  for (std::size_t i = 0; i < clients.size(); ++i) {
    const std::string m = "client " + std::to_string(i);
    ASSERT_TRUE(clients[i]->write(client_frame(codec::opcode::text, m)));
  }
  for (std::size_t i = clients.size(); i-- > 0;) {
    expect_frame(*clients[i], server_frame(codec::opcode::text, "client " + std::to_string(i)),
                 "echo");
  }
}

TEST_F(EchoServer, DropsAPeerThatSendsButNeverReads) {
  wsspec::echo_server_options o = test_options();
  o.idle_timeout = 300ms;
  running_server server(o);
  test_client c(server.port(), 4096);  // small receive window: the echoes back up fast
  open(c, server.port());
  // 64 MiB of 1 MiB messages, written without ever reading the echoes. The server must stop
  // reading (back-pressure) rather than queue 64 MiB of echoes, and drop the connection once
  // nothing moves.
  const bytes message = client_frame(codec::opcode::binary, pattern(1 << 20));
  std::vector<asio::const_buffer> buffers(64, asio::buffer(message));
  std::error_code ec;
  bool done = false;
  asio::async_write(c.socket(), buffers, [&](const std::error_code& e, std::size_t) {
    ec = e;
    done = true;
  });
  const auto deadline = steady::now() + 10s;
  while (!done && server.connections() != 0 && steady::now() < deadline) {
    c.io().restart();
    c.io().run_for(20ms);
  }
  // The write fails (the server reset the connection) a moment before the server has
  // released the connection.
  EXPECT_TRUE(server.wait_idle(2s)) << "the server kept a peer that does not read";
  EXPECT_FALSE(done && !ec) << "the server read 64 MiB while its echoes were not read";
  c.socket().close();
  c.io().restart();
  c.io().run();
}

// --- The server object
// ----------------------------------------------------------------------------

TEST(EchoServerObject, ReportsABindFailure) {
  running_server first(test_options());
  wsspec::echo_server_options o = test_options();
  o.port = first.port();
  EXPECT_THROW(wsspec::echo_server{o}, std::system_error);
}

TEST(EchoServerObject, StopsWithConnectionsOpen) {
  auto server = std::make_unique<running_server>(test_options());
  test_client c(server->port());
  open(c, server->port());
  EXPECT_EQ(server->connections(), 1u);
  server.reset();  // stop() and join, bounded by running_server's own deadline
  EXPECT_NE(c.wait_end(), test_client::end::open);
}

TEST(EchoServerObject, StopBeforeRunMakesRunReturn) {
  wsspec::echo_server server(test_options());
  server.stop();
  auto done = std::async(std::launch::async, [&] { server.run(); });
  EXPECT_EQ(done.wait_for(5s), std::future_status::ready);
}

}  // namespace
