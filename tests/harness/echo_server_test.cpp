// The reference echo server (`wsspec serve`), tested on the wire: a plain asio TCP client sends
// bytes built with the codec and checks, byte for byte, what comes back and when the server
// closes TCP. Every read and write has a deadline, so a misbehaving server fails a test instead
// of hanging it. After each test the fixture checks that the server still serves a new
// connection and that every connection of the test has ended.
// permessage-deflate (RFC 7692): the Deflate* tests check the negotiation against exact response
// values and the codec's client-side checks, and every compressed echo byte for byte against a
// deflater with the server's agreed parameters; ServeCommand runs the `wsspec serve` program
// itself for its flags.
#include "serve/echo_server.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "running_server.hpp"
#include "wsspec/codec/close.hpp"
#include "wsspec/codec/deflater.hpp"
#include "wsspec/codec/frame_header.hpp"
#include "wsspec/codec/handshake.hpp"
#include "wsspec/codec/http.hpp"
#include "wsspec/codec/inflater.hpp"
#include "wsspec/codec/permessage_deflate.hpp"
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

TEST_F(EchoServer, SelectsNoSubprotocolAndWithoutDeflateNoExtension) {
  wsspec::echo_server_options o = test_options();
  o.deflate = false;  // `wsspec serve --no-deflate`
  running_server server(o);
  test_client c(server.port());
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

// --- permessage-deflate (RFC 7692) ---------------------------------------------------------------

// The 101 for the RFC 6455 1.3 key with one Sec-WebSocket-Extensions field, spelled out: the
// field comes after Sec-WebSocket-Accept (build_response's order).
std::string response_with_extensions(std::string_view value) {
  std::string r(rfc_response);
  r.insert(r.size() - 2, "Sec-WebSocket-Extensions: " + std::string(value) + "\r\n");
  return r;
}

// Sends the opening request with one Sec-WebSocket-Extensions field per entry of `offers`
// (none when empty) and returns the response head.
std::optional<std::string> handshake_offering(test_client& c, std::uint16_t port,
                                              std::initializer_list<std::string_view> offers) {
  if (!c.connected()) return std::nullopt;
  auto request = codec::default_request("127.0.0.1:" + std::to_string(port), "/", rfc_key);
  for (std::string_view o : offers)
    request.fields.push_back({"Sec-WebSocket-Extensions", std::string(o)});
  if (!c.write(request.serialize())) return std::nullopt;
  return c.read_head();
}

// What the client side of the codec makes of the response to `offers`: the 101 must pass
// validate_response, and negotiate_deflate must accept its permessage-deflate element (or find
// none). Returns the agreed parameters, or nullopt when permessage-deflate was declined.
// The names of the offered extensions, for validate_response (4.1 item 5 compares names).
std::vector<std::string> offered_names(std::span<const codec::extension_offer> offers) {
  std::vector<std::string> names;
  for (const auto& o : offers) names.push_back(o.name);
  return names;
}

std::optional<codec::deflate_params> client_view(std::string_view head,
                                                 std::initializer_list<std::string_view> offers) {
  codec::http_response parsed;
  EXPECT_TRUE(codec::parse_response(head, parsed).complete()) << head;
  std::vector<codec::extension_offer> offer_elements;
  for (const auto o : offers) EXPECT_TRUE(codec::parse_extensions(o, offer_elements)) << o;
  const codec::response_validation v =
      codec::validate_response(parsed, rfc_key, {}, offered_names(offer_elements));
  EXPECT_TRUE(v.ok()) << v.message;
  const auto n = codec::negotiate_deflate(offer_elements, v.extensions);
  if (!n) return std::nullopt;
  EXPECT_TRUE(n->ok()) << codec::describe(n->error);
  return n->agreed;
}

// The payload of an unmasked frame with a header of any length form.
bytes payload_of(const bytes& frame) {
  if (frame.size() < 2) return {};
  const std::uint8_t len7 = frame[1] & 0x7F;
  const std::size_t head = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
  return bytes(frame.begin() + static_cast<std::ptrdiff_t>(std::min(head, frame.size())),
               frame.end());
}

// A compressed server frame: RSV1, FIN, unmasked (RFC 7692 6.1, 7.2.1).
bytes compressed_server_frame(codec::opcode op, std::span<const std::uint8_t> payload) {
  codec::frame_header h;
  h.rsv = codec::rsv1_bit;
  h.op = op;
  h.masked = false;
  return codec::encode_frame(h, payload);
}

// A permessage-deflate client after the handshake: compresses what it sends with its agreed
// window, inflates what the server sends, and predicts the server's bytes with a deflater of
// the server's agreed parameters and compression level (zlib is deterministic for the same
// parameters and input).
codec::deflater_options server_deflater_options(const codec::deflate_params& agreed) {
  auto o = codec::deflater_options_for(agreed, codec::endpoint_role::server);
  o.level = test_options().deflate_level;
  return o;
}

struct deflate_peer {
  explicit deflate_peer(const codec::deflate_params& agreed)
      : out(codec::deflater_options_for(agreed, codec::endpoint_role::client)),
        in(codec::inflater_options_for(agreed, codec::endpoint_role::client, 64 << 20)),
        server(server_deflater_options(agreed)) {}

  codec::deflater out;
  codec::inflater in;
  codec::deflater server;

  // Reads the server's next frame: it must be exactly the compressed echo of `message`, and
  // inflate (with the client's inflater) back to `message`. Returns the payload.
  bytes expect_echo(test_client& c, codec::opcode op, const bytes& message, std::string_view what) {
    const bytes expected_payload = server.compress(message);
    const auto got = c.read_frame();
    EXPECT_TRUE(got.has_value()) << what << ": no frame (" << c.last_error().message() << ")";
    if (!got) return {};
    EXPECT_TRUE(same_bytes(*got, compressed_server_frame(op, expected_payload))) << what;
    const bytes payload = payload_of(*got);
    bytes inflated;
    EXPECT_EQ(in.feed(payload, inflated), codec::protocol_error::none) << what;
    EXPECT_EQ(in.finish(inflated), codec::protocol_error::none) << what;
    EXPECT_TRUE(same_bytes(inflated, message)) << what << ": inflated echo";
    return payload;
  }
};

// Opens a connection offering `offer`, which the server must accept with `response`.
std::optional<codec::deflate_params> open_deflate(test_client& c, std::uint16_t port,
                                                  std::string_view offer,
                                                  std::string_view response) {
  const auto head = handshake_offering(c, port, {offer});
  EXPECT_TRUE(head.has_value()) << "no response head: " << c.last_error().message();
  if (!head) return std::nullopt;
  EXPECT_EQ(*head, response_with_extensions(response)) << offer;
  if (*head != response_with_extensions(response)) return std::nullopt;
  return client_view(*head, {offer});
}

struct negotiation_row {
  std::vector<std::string_view> offers;      // Sec-WebSocket-Extensions fields, in order
  std::optional<std::string_view> response;  // nullopt: declined (no extension in the 101)
};

void check_negotiation(std::uint16_t port, const negotiation_row& row) {
  std::string trace;
  for (auto o : row.offers) trace += "[" + std::string(o) + "] ";
  SCOPED_TRACE(trace);
  test_client c(port);
  ASSERT_TRUE(c.connected());
  auto request = codec::default_request("127.0.0.1:" + std::to_string(port), "/", rfc_key);
  for (auto o : row.offers) request.fields.push_back({"Sec-WebSocket-Extensions", std::string(o)});
  ASSERT_TRUE(c.write(request.serialize()));
  const auto head = c.read_head();
  ASSERT_TRUE(head.has_value()) << c.last_error().message();
  EXPECT_EQ(*head,
            row.response ? response_with_extensions(*row.response) : std::string(rfc_response));
  codec::http_response parsed;
  ASSERT_TRUE(codec::parse_response(*head, parsed).complete());
  std::vector<codec::extension_offer> offer_elements;
  for (const auto o : row.offers) ASSERT_TRUE(codec::parse_extensions(o, offer_elements));
  const codec::response_validation v =
      codec::validate_response(parsed, rfc_key, {}, offered_names(offer_elements));
  EXPECT_TRUE(v.ok()) << v.message;
  const auto n = codec::negotiate_deflate(offer_elements, v.extensions);
  EXPECT_EQ(n.has_value(), row.response.has_value());
  if (n) {
    EXPECT_TRUE(n->ok()) << codec::describe(n->error);
  }
  // The connection works either way: an uncompressed text message is echoed, compressed
  // when permessage-deflate was accepted.
  const bytes hello = to_bytes("hello");
  ASSERT_TRUE(c.write(client_frame(codec::opcode::text, hello)));
  if (n && n->ok()) {
    deflate_peer peer(n->agreed);
    peer.expect_echo(c, codec::opcode::text, hello, "echo");
  } else {
    expect_frame(c, server_frame(codec::opcode::text, hello), "echo");
  }
}

TEST_F(EchoServer, DeflateNegotiationTable) {
  const std::vector<negotiation_row> rows = {
      // Each parameter alone (RFC 7692 7.1).
      {{"permessage-deflate"}, "permessage-deflate"},
      {{"permessage-deflate; server_no_context_takeover"},
       "permessage-deflate; server_no_context_takeover"},
      {{"permessage-deflate; client_no_context_takeover"},
       "permessage-deflate; client_no_context_takeover"},
      {{"permessage-deflate; server_max_window_bits=8"},
       "permessage-deflate; server_max_window_bits=8"},
      {{"permessage-deflate; server_max_window_bits=9"},
       "permessage-deflate; server_max_window_bits=9"},
      {{"permessage-deflate; server_max_window_bits=10"},
       "permessage-deflate; server_max_window_bits=10"},
      {{"permessage-deflate; server_max_window_bits=11"},
       "permessage-deflate; server_max_window_bits=11"},
      {{"permessage-deflate; server_max_window_bits=12"},
       "permessage-deflate; server_max_window_bits=12"},
      {{"permessage-deflate; server_max_window_bits=13"},
       "permessage-deflate; server_max_window_bits=13"},
      {{"permessage-deflate; server_max_window_bits=14"},
       "permessage-deflate; server_max_window_bits=14"},
      {{"permessage-deflate; server_max_window_bits=15"},
       "permessage-deflate; server_max_window_bits=15"},
      // 7.1.2.2: valueless, the client only says it supports the parameter; the server has no
      // limit of its own, so the response does not need it.
      {{"permessage-deflate; client_max_window_bits"}, "permessage-deflate"},
      {{"permessage-deflate; client_max_window_bits=8"},
       "permessage-deflate; client_max_window_bits=8"},
      {{"permessage-deflate; client_max_window_bits=9"},
       "permessage-deflate; client_max_window_bits=9"},
      {{"permessage-deflate; client_max_window_bits=10"},
       "permessage-deflate; client_max_window_bits=10"},
      {{"permessage-deflate; client_max_window_bits=11"},
       "permessage-deflate; client_max_window_bits=11"},
      {{"permessage-deflate; client_max_window_bits=12"},
       "permessage-deflate; client_max_window_bits=12"},
      {{"permessage-deflate; client_max_window_bits=13"},
       "permessage-deflate; client_max_window_bits=13"},
      {{"permessage-deflate; client_max_window_bits=14"},
       "permessage-deflate; client_max_window_bits=14"},
      {{"permessage-deflate; client_max_window_bits=15"},
       "permessage-deflate; client_max_window_bits=15"},
      // A quoted value counts as its text (RFC 6455 9.1); names are case-insensitive.
      {{"permessage-deflate; server_max_window_bits=\"10\""},
       "permessage-deflate; server_max_window_bits=10"},
      {{"PerMessage-Deflate; Server_No_Context_Takeover"},
       "permessage-deflate; server_no_context_takeover"},
      // Combined: the response lists them in 7.1's order, whatever the offer's.
      {{"permessage-deflate; client_max_window_bits; server_max_window_bits=10"},
       "permessage-deflate; server_max_window_bits=10"},
      {{"permessage-deflate; client_max_window_bits=9; server_max_window_bits=12; "
        "client_no_context_takeover; server_no_context_takeover"},
       "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
       "server_max_window_bits=12; client_max_window_bits=9"},
      {{"permessage-deflate;server_no_context_takeover;client_no_context_takeover"},
       "permessage-deflate; server_no_context_takeover; client_no_context_takeover"},
      // Invalid offers are declined, not failed (RFC 7692 7): a 101 without the extension.
      {{"permessage-deflate; server_max_window_bits=7"}, std::nullopt},
      {{"permessage-deflate; server_max_window_bits=16"}, std::nullopt},
      {{"permessage-deflate; server_max_window_bits=0"}, std::nullopt},
      {{"permessage-deflate; server_max_window_bits=08"}, std::nullopt},
      {{"permessage-deflate; server_max_window_bits=abc"}, std::nullopt},
      {{"permessage-deflate; server_max_window_bits"}, std::nullopt},
      {{"permessage-deflate; client_max_window_bits=7"}, std::nullopt},
      {{"permessage-deflate; client_max_window_bits=16"}, std::nullopt},
      {{"permessage-deflate; client_max_window_bits=+9"}, std::nullopt},
      {{"permessage-deflate; client_max_window_bits=\"08\""}, std::nullopt},
      {{"permessage-deflate; server_no_context_takeover=1"}, std::nullopt},
      {{"permessage-deflate; client_no_context_takeover=true"}, std::nullopt},
      {{"permessage-deflate; server_no_context_takeover; server_no_context_takeover"},
       std::nullopt},
      {{"permessage-deflate; client_max_window_bits; client_max_window_bits=10"}, std::nullopt},
      {{"permessage-deflate; server_max_window_bits=10; server_max_window_bits=10"}, std::nullopt},
      {{"permessage-deflate; foo"}, std::nullopt},
      {{"permessage-deflate; foo=1"}, std::nullopt},
      // Unknown extensions are ignored (RFC 6455 9.1).
      {{"x-webkit-deflate-frame"}, std::nullopt},
      {{"deflate-frame; no_context_takeover"}, std::nullopt},
      // Several offers: the first the server can honour, in the client's order (RFC 7692 5).
      {{"permessage-deflate; server_max_window_bits=16, permessage-deflate; "
        "client_max_window_bits"},
       "permessage-deflate"},
      {{"permessage-deflate; foo, permessage-deflate; server_no_context_takeover, "
        "permessage-deflate"},
       "permessage-deflate; server_no_context_takeover"},
      {{"permessage-deflate; server_max_window_bits=10, permessage-deflate"},
       "permessage-deflate; server_max_window_bits=10"},
      {{"x-unknown; a=1, permessage-deflate; client_max_window_bits=11"},
       "permessage-deflate; client_max_window_bits=11"},
      {{"permessage-deflate; foo, permessage-deflate; bar=1"}, std::nullopt},
      // Offers spread over several header fields count in field order (RFC 7230 3.2.2).
      {{"x-unknown", "permessage-deflate; bad", "permessage-deflate; client_no_context_takeover"},
       "permessage-deflate; client_no_context_takeover"},
  };
  for (const auto& row : rows) check_negotiation(port(), row);
}

TEST_F(EchoServer, DeflateServerOptionsShapeTheResponse) {
  wsspec::echo_server_options o = test_options();
  o.deflate_server_no_context_takeover = true;  // --deflate-no-context-takeover
  o.deflate_server_max_window_bits = 10;        // --deflate-server-window 10
  running_server server(o);
  const std::vector<negotiation_row> rows = {
      // Unasked, the smaller window is stated (7.1.2.1) and no context takeover (7.1.1.1).
      {{"permessage-deflate"},
       "permessage-deflate; server_no_context_takeover; "
       "server_max_window_bits=10"},
      // Asked for more than the server uses: the server's own, smaller value.
      {{"permessage-deflate; server_max_window_bits=12"},
       "permessage-deflate; server_no_context_takeover; server_max_window_bits=10"},
      // Asked for less: what was asked.
      {{"permessage-deflate; server_max_window_bits=8"},
       "permessage-deflate; server_no_context_takeover; server_max_window_bits=8"},
      {{"permessage-deflate; client_max_window_bits=9; client_no_context_takeover"},
       "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
       "server_max_window_bits=10; client_max_window_bits=9"},
      {{"permessage-deflate; server_max_window_bits=16"}, std::nullopt},
  };
  for (const auto& row : rows) check_negotiation(server.port(), row);
  EXPECT_TRUE(server.wait_idle(3s));
}

TEST_F(EchoServer, DeflateDisabledDeclinesEveryOffer) {
  wsspec::echo_server_options o = test_options();
  o.deflate = false;  // --no-deflate
  running_server server(o);
  for (std::string_view offer :
       {"permessage-deflate", "permessage-deflate; client_max_window_bits",
        "permessage-deflate; server_no_context_takeover, permessage-deflate"}) {
    SCOPED_TRACE(offer);
    test_client c(server.port());
    EXPECT_EQ(handshake_offering(c, server.port(), {offer}),
              std::optional<std::string>(rfc_response));
    // Without the extension, RSV1 is a reserved bit (RFC 6455 5.2): 1002.
    const bytes compressed = codec::deflater().compress(to_bytes("hello"));
    ASSERT_TRUE(c.write(client_frame(codec::opcode::text, compressed, true, codec::rsv1_bit)));
    expect_failure(c, codec::protocol_error::reserved_bits_set);
  }
  EXPECT_EQ(codec::close_code_for(codec::protocol_error::reserved_bits_set), 1002);
  EXPECT_TRUE(server.wait_idle(3s));
}

// Every window size with and without context takeover, in both directions: the client
// compresses with its agreed window, the server must inflate it and send back exactly what
// a deflater with the server's agreed parameters makes of the message, which the client's
// inflater turns back into the message.
TEST_F(EchoServer, DeflateRoundTripsEveryWindowWithAndWithoutContextTakeover) {
  std::string text;
  for (int i = 0; i < 40; ++i)
    text += "permessage-deflate round trip " + std::to_string(i % 7) + "; ";
  const bytes message = to_bytes(text);
  const bytes binary = pattern(3000);
  for (int bits = 8; bits <= 15; ++bits) {
    for (bool takeover : {true, false}) {
      SCOPED_TRACE("window bits " + std::to_string(bits) +
                   (takeover ? ", context takeover" : ", no context takeover"));
      const std::string b = std::to_string(bits);
      const std::string no_takeover =
          takeover ? "" : "; server_no_context_takeover; client_no_context_takeover";
      const std::string offer = "permessage-deflate; server_max_window_bits=" + b +
                                "; client_max_window_bits=" + b + no_takeover;
      const std::string response = "permessage-deflate" + no_takeover +
                                   "; server_max_window_bits=" + b +
                                   "; client_max_window_bits=" + b;
      test_client c(port());
      const auto agreed = open_deflate(c, port(), offer, response);
      ASSERT_TRUE(agreed.has_value());
      EXPECT_EQ(agreed->server_max_window_bits, bits);
      EXPECT_EQ(agreed->client_max_window_bits, bits);
      EXPECT_EQ(agreed->server_no_context_takeover, !takeover);
      EXPECT_EQ(agreed->client_no_context_takeover, !takeover);
      deflate_peer peer(*agreed);
      // The same text three times: with context takeover the later ones refer back.
      bytes payloads[3];
      for (auto& p : payloads) {
        ASSERT_TRUE(c.write(
            client_frame(codec::opcode::text, peer.out.compress(message), true, codec::rsv1_bit)));
        p = peer.expect_echo(c, codec::opcode::text, message, "text echo");
      }
      if (!takeover || bits == 8) {
        // An empty window for every message (or stored blocks only, deflater.hpp): the same
        // message compresses the same way each time.
        EXPECT_EQ(payloads[0], payloads[1]);
        EXPECT_EQ(payloads[1], payloads[2]);
      } else {
        // The server kept its window: the repeat is much smaller than the first once the
        // window holds the whole 1320-byte message (11 bits on); below, the message is longer
        // than the window and the repeat can only refer back into its own bytes. The exact
        // bytes (expect_echo, predicted by a deflater that kept its window) say the rest.
        if (bits >= 11) {
          EXPECT_LT(payloads[1].size(), payloads[0].size() / 2);
        } else {
          EXPECT_LE(payloads[1].size(), payloads[0].size());
        }
      }
      if (bits == 8) {
        EXPECT_GT(payloads[0].size(), message.size());  // stored blocks only
      }
      // Binary too, and a message the client sent uncompressed: echoed compressed anyway.
      ASSERT_TRUE(c.write(
          client_frame(codec::opcode::binary, peer.out.compress(binary), true, codec::rsv1_bit)));
      peer.expect_echo(c, codec::opcode::binary, binary, "binary echo");
      ASSERT_TRUE(c.write(client_frame(codec::opcode::text, message)));
      peer.expect_echo(c, codec::opcode::text, message, "echo of an uncompressed message");
      // An empty message is the single byte 0x00 (RFC 7692 7.2.3.6).
      ASSERT_TRUE(c.write(client_frame(codec::opcode::binary, bytes{0x00}, true, codec::rsv1_bit)));
      const bytes empty_payload = peer.expect_echo(c, codec::opcode::binary, {}, "empty echo");
      EXPECT_EQ(empty_payload, bytes{0x00});
      ASSERT_TRUE(c.write(client_frame(codec::opcode::close, codec::make_close_body(1000))));
      // Control frames are never compressed (RFC 7692 6.1).
      expect_frame(c, server_close(1000), "close reply");
      expect_tcp_closed(c);
    }
  }
}

TEST_F(EchoServer, DeflateInflatesTheRfc7692Examples) {
  test_client c(port());
  const auto agreed = open_deflate(c, port(), "permessage-deflate", "permessage-deflate");
  ASSERT_TRUE(agreed.has_value());
  deflate_peer peer(*agreed);
  // RFC 7692 7.2.3.1 ("Hello" compressed), 7.2.3.3 (no compression: a stored block) and 7.2.3.4
  // (a BFINAL block followed by a new one), each inflated by the server and echoed.
  const bytes hello = to_bytes("Hello");
  for (const bytes& payload :
       {bytes{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00},
        bytes{0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00},
        bytes{0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00}}) {
    ASSERT_TRUE(c.write(client_frame(codec::opcode::text, payload, true, codec::rsv1_bit)));
    peer.expect_echo(c, codec::opcode::text, hello, "Hello");
  }
  // 7.2.3.2: the second "Hello" refers into the first message (context takeover).
  ASSERT_TRUE(c.write(
      concat({client_frame(codec::opcode::text, bytes{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00},
                           true, codec::rsv1_bit),
              client_frame(codec::opcode::text, bytes{0xf2, 0x00, 0x11, 0x00, 0x00}, true,
                           codec::rsv1_bit)})));
  peer.expect_echo(c, codec::opcode::text, hello, "first Hello");
  peer.expect_echo(c, codec::opcode::text, hello, "second Hello, sharing the window");
}

TEST_F(EchoServer, DeflateEchoesAFragmentedCompressedMessage) {
  test_client c(port());
  const auto agreed =
      open_deflate(c, port(), "permessage-deflate; client_max_window_bits", "permessage-deflate");
  ASSERT_TRUE(agreed.has_value());
  deflate_peer peer(*agreed);
  const bytes message = to_bytes(std::string(2000, 'z') + "κόσμε" + std::string(500, 'y'));
  const bytes compressed = peer.out.compress(message);
  ASSERT_GT(compressed.size(), 6u);
  const std::size_t a = compressed.size() / 3, b = 2 * compressed.size() / 3;
  const std::span<const std::uint8_t> all(compressed);
  // RSV1 on the first frame only (RFC 7692 6.1); a ping between the fragments is answered at
  // once, uncompressed.
  ASSERT_TRUE(c.write(client_frame(codec::opcode::text, all.first(a), false, codec::rsv1_bit)));
  ASSERT_TRUE(c.write(client_frame(codec::opcode::ping, "between")));
  expect_frame(c, server_frame(codec::opcode::pong, "between"), "uncompressed pong");
  ASSERT_TRUE(
      c.write(concat({client_frame(codec::opcode::continuation, all.subspan(a, b - a), false),
                      client_frame(codec::opcode::continuation, all.subspan(b), true)})));
  peer.expect_echo(c, codec::opcode::text, message, "reassembled and inflated");
  // And one byte per segment.
  const bytes again = peer.out.compress(message);
  ASSERT_TRUE(c.write_bytewise(
      concat({client_frame(codec::opcode::text, std::span(again).first(2), false, codec::rsv1_bit),
              client_frame(codec::opcode::continuation, std::span(again).subspan(2), true)})));
  peer.expect_echo(c, codec::opcode::text, message, "second message, bytewise");
}

TEST_F(EchoServer, DeflateFailsWith1002OnRsv1OnAContinuationOrControlFrame) {
  const bytes compressed = codec::deflater().compress(to_bytes("fragment"));
  {
    test_client c(port());
    ASSERT_TRUE(open_deflate(c, port(), "permessage-deflate", "permessage-deflate"));
    ASSERT_TRUE(c.write(client_frame(codec::opcode::text, compressed, false, codec::rsv1_bit)));
    ASSERT_TRUE(c.write(client_frame(codec::opcode::continuation, bytes{}, true, codec::rsv1_bit)));
    expect_failure(c, codec::protocol_error::compressed_bit_on_continuation);
  }
  {  // Also when the first frame was not compressed.
    test_client c(port());
    ASSERT_TRUE(open_deflate(c, port(), "permessage-deflate", "permessage-deflate"));
    ASSERT_TRUE(c.write(
        concat({client_frame(codec::opcode::binary, bytes{1, 2}, false),
                client_frame(codec::opcode::continuation, compressed, true, codec::rsv1_bit)})));
    expect_failure(c, codec::protocol_error::compressed_bit_on_continuation);
  }
  for (const auto op : {codec::opcode::ping, codec::opcode::pong, codec::opcode::close}) {
    SCOPED_TRACE(static_cast<int>(op));
    test_client c(port());
    ASSERT_TRUE(open_deflate(c, port(), "permessage-deflate", "permessage-deflate"));
    const bytes body = op == codec::opcode::close ? codec::make_close_body(1000) : to_bytes("p");
    ASSERT_TRUE(c.write(client_frame(op, body, true, codec::rsv1_bit)));
    expect_failure(c, codec::protocol_error::compressed_bit_on_control);
  }
  {  // RSV2 and RSV3 keep no meaning (RFC 6455 5.2).
    test_client c(port());
    ASSERT_TRUE(open_deflate(c, port(), "permessage-deflate", "permessage-deflate"));
    ASSERT_TRUE(
        c.write(client_frame(codec::opcode::text, compressed, true, codec::rsv1_bit | 0x20)));
    expect_failure(c, codec::protocol_error::reserved_bits_set);
  }
  {  // Not negotiated (no offer): RSV1 is a reserved bit.
    test_client c(port());
    EXPECT_EQ(handshake_offering(c, port(), {}), std::optional<std::string>(rfc_response));
    ASSERT_TRUE(c.write(client_frame(codec::opcode::text, compressed, true, codec::rsv1_bit)));
    expect_failure(c, codec::protocol_error::reserved_bits_set);
  }
  {  // Declined (an invalid offer): the same.
    test_client c(port());
    EXPECT_EQ(handshake_offering(c, port(), {"permessage-deflate; server_max_window_bits=16"}),
              std::optional<std::string>(rfc_response));
    ASSERT_TRUE(c.write(client_frame(codec::opcode::text, compressed, true, codec::rsv1_bit)));
    expect_failure(c, codec::protocol_error::reserved_bits_set);
  }
  for (const auto e : {codec::protocol_error::compressed_bit_on_continuation,
                       codec::protocol_error::compressed_bit_on_control,
                       codec::protocol_error::reserved_bits_set}) {
    EXPECT_EQ(codec::close_code_for(e), 1002) << codec::to_string(e);
  }
}

TEST_F(EchoServer, DeflateFailsWith1009OnAMessageInflatingPastTheLimit) {
  wsspec::echo_server_options o = test_options();
  o.max_message_size = 64 * 1024;  // --max-message 65536
  running_server server(o);
  const bytes at_limit(64 * 1024, 'a');
  const bytes over_limit(64 * 1024 + 1, 'a');
  const bytes bomb(16 << 20, 0);  // 16 MiB of zeros: about 16 KiB compressed
  {
    test_client c(server.port());
    const auto agreed = open_deflate(c, server.port(), "permessage-deflate", "permessage-deflate");
    ASSERT_TRUE(agreed.has_value());
    deflate_peer peer(*agreed);
    // Exactly the limit inflated: echoed.
    ASSERT_TRUE(c.write(
        client_frame(codec::opcode::text, peer.out.compress(at_limit), true, codec::rsv1_bit)));
    peer.expect_echo(c, codec::opcode::text, at_limit, "message at the limit");
    // One byte more: 1009, although the compressed payload is tiny.
    const bytes small = peer.out.compress(over_limit);
    ASSERT_LT(small.size(), 1000u);
    ASSERT_TRUE(c.write(client_frame(codec::opcode::text, small, true, codec::rsv1_bit)));
    expect_failure(c, codec::protocol_error::inflated_message_too_large);
  }
  {
    test_client c(server.port());
    ASSERT_TRUE(open_deflate(c, server.port(), "permessage-deflate; client_no_context_takeover",
                             "permessage-deflate; client_no_context_takeover"));
    const bytes compressed = codec::deflater().compress(bomb);
    ASSERT_LT(compressed.size(), o.max_message_size);  // passes the compressed-size limit
    ASSERT_TRUE(c.write(client_frame(codec::opcode::binary, compressed, true, codec::rsv1_bit)));
    expect_failure(c, codec::protocol_error::inflated_message_too_large);
  }
  EXPECT_EQ(codec::close_code_for(codec::protocol_error::inflated_message_too_large), 1009);
  {  // The server still serves, with compression.
    test_client c(server.port());
    const auto agreed = open_deflate(c, server.port(), "permessage-deflate", "permessage-deflate");
    ASSERT_TRUE(agreed.has_value());
    deflate_peer peer(*agreed);
    const bytes hello = to_bytes("still here");
    ASSERT_TRUE(c.write(
        client_frame(codec::opcode::text, peer.out.compress(hello), true, codec::rsv1_bit)));
    peer.expect_echo(c, codec::opcode::text, hello, "after the bombs");
  }
  EXPECT_TRUE(server.wait_idle(3s));
}

TEST_F(EchoServer, DeflateFailsWith1007OnDataThatDoesNotInflateOrIsNotUtf8) {
  {  // Block type 3 is reserved (RFC 1951 3.2.3).
    test_client c(port());
    ASSERT_TRUE(open_deflate(c, port(), "permessage-deflate", "permessage-deflate"));
    ASSERT_TRUE(c.write(
        client_frame(codec::opcode::binary, bytes{0xff, 0xff, 0xff}, true, codec::rsv1_bit)));
    expect_failure(c, codec::protocol_error::compressed_data_invalid);
  }
  {  // Compressed text that inflates to invalid UTF-8 (RFC 6455 8.1).
    test_client c(port());
    ASSERT_TRUE(open_deflate(c, port(), "permessage-deflate", "permessage-deflate"));
    const bytes bad = {'o', 'k', 0xC0, 0xAF};
    ASSERT_TRUE(c.write(
        client_frame(codec::opcode::text, codec::deflater().compress(bad), true, codec::rsv1_bit)));
    expect_failure(c, codec::protocol_error::invalid_utf8);
  }
  {  // The client agreed to client_no_context_takeover and refers to its previous message
     // anyway: the server inflates with an empty window, so the reference is invalid.
    test_client c(port());
    const auto agreed = open_deflate(c, port(), "permessage-deflate; client_no_context_takeover",
                                     "permessage-deflate; client_no_context_takeover");
    ASSERT_TRUE(agreed.has_value());
    deflate_peer peer(*agreed);
    codec::deflater keeps_context;  // context takeover, against the agreement
    const bytes message = to_bytes(std::string(300, 'q') + "unique tail");
    ASSERT_TRUE(c.write(
        client_frame(codec::opcode::text, keeps_context.compress(message), true, codec::rsv1_bit)));
    peer.expect_echo(c, codec::opcode::text, message, "first message");
    ASSERT_TRUE(c.write(
        client_frame(codec::opcode::text, keeps_context.compress(message), true, codec::rsv1_bit)));
    expect_failure(c, codec::protocol_error::compressed_data_invalid);
  }
  EXPECT_EQ(codec::close_code_for(codec::protocol_error::compressed_data_invalid), 1007);
}

// --- The command line: `wsspec serve` and its permessage-deflate flags --------------------------

#ifdef WSSPEC_BINARY
// `wsspec serve --port 0 ARGS...` as a child process, stopped by its PID (SIGTERM) at the end.
class serve_process {
 public:
  explicit serve_process(std::vector<std::string> args) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<std::string> all = {WSSPEC_BINARY, "serve", "--port", "0"};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
    if (pid_ < 0) return;
    // The first line is "listening on ws://127.0.0.1:PORT/".
    std::string line;
    const auto deadline = steady::now() + 10s;
    while (line.find('\n') == std::string::npos && steady::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[256];
      const ssize_t got = ::read(out_, buf, sizeof buf);
      if (got <= 0) break;
      line.append(buf, static_cast<std::size_t>(got));
    }
    const std::string prefix = "listening on ws://127.0.0.1:";
    if (line.rfind(prefix, 0) == 0)
      port_ = static_cast<std::uint16_t>(std::atoi(line.c_str() + prefix.size()));
  }
  ~serve_process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (out_ >= 0) ::close(out_);
  }
  serve_process(const serve_process&) = delete;
  serve_process& operator=(const serve_process&) = delete;

  std::uint16_t port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::uint16_t port_ = 0;
};

// The exit status and stdout of `wsspec ARGS` (a shell command line).
std::pair<int, std::string> run_wsspec(const std::string& args) {
  const std::string command = std::string(WSSPEC_BINARY) + " " + args + " 2>&1";
  FILE* f = ::popen(command.c_str(), "r");
  if (f == nullptr) return {-1, ""};
  std::string out;
  char buf[4096];
  while (const std::size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  const int status = ::pclose(f);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(ServeCommand, HelpDocumentsTheDeflateFlags) {
  const auto [code, out] = run_wsspec("serve --help");
  EXPECT_EQ(code, 0) << out;
  for (const char* flag :
       {"--no-deflate", "--deflate-server-window", "--deflate-no-context-takeover"}) {
    EXPECT_NE(out.find(flag), std::string::npos) << flag << " missing from:\n" << out;
  }
  // 8..15 only (RFC 7692 7.1.2.1): anything else is a usage error, before listening.
  for (const char* bad : {"7", "16", "x"}) {
    const auto [c, o] = run_wsspec(std::string("serve --port 0 --deflate-server-window ") + bad);
    EXPECT_EQ(c, 2) << bad << ": " << o;
  }
}

TEST(ServeCommand, DeflateFlagsShapeTheNegotiation) {
  const struct {
    std::vector<std::string> args;
    std::string_view offer;
    std::optional<std::string_view> response;
  } rows[] = {
      {{}, "permessage-deflate; client_max_window_bits", "permessage-deflate"},
      {{"--no-deflate"}, "permessage-deflate", std::nullopt},
      {{"--deflate-server-window", "10"},
       "permessage-deflate",
       "permessage-deflate; server_max_window_bits=10"},
      {{"--deflate-no-context-takeover"},
       "permessage-deflate",
       "permessage-deflate; server_no_context_takeover"},
      {{"--deflate-server-window", "8", "--deflate-no-context-takeover"},
       "permessage-deflate; server_max_window_bits=12",
       "permessage-deflate; server_no_context_takeover; server_max_window_bits=8"},
  };
  for (const auto& row : rows) {
    std::string trace;
    for (const auto& a : row.args) trace += a + " ";
    SCOPED_TRACE(trace);
    serve_process serve(row.args);
    ASSERT_NE(serve.port(), 0) << "wsspec serve did not start";
    test_client c(serve.port());
    const bytes hello = to_bytes("hello, deflate");
    if (!row.response) {
      EXPECT_EQ(handshake_offering(c, serve.port(), {row.offer}),
                std::optional<std::string>(rfc_response));
      ASSERT_TRUE(c.write(client_frame(codec::opcode::text, hello)));
      expect_frame(c, server_frame(codec::opcode::text, hello), "uncompressed echo");
      continue;
    }
    const auto agreed = open_deflate(c, serve.port(), row.offer, *row.response);
    ASSERT_TRUE(agreed.has_value());
    deflate_peer peer(*agreed);
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(c.write(
          client_frame(codec::opcode::text, peer.out.compress(hello), true, codec::rsv1_bit)));
      peer.expect_echo(c, codec::opcode::text, hello, "compressed echo");
    }
  }
}
#endif

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
