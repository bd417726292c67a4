// `wsspec serve`: the reference echo server. A strictly conforming RFC 6455 server built on the
// codec, with no subprotocol, that echoes every text and binary message. Its one extension is
// permessage-deflate (RFC 7692), negotiated when the client offers it (unless disabled): it
// accepts the first offer it can honour and then echoes every message compressed. It is the
// default target of the test suite, so every case must pass against it.
//
// One thread, one asio::io_context, asynchronous I/O, any number of concurrent connections.
// Each connection has bounded memory and ends in bounded time whatever the peer does:
// * reads go, read_chunk_size at a time, straight into the buffer of a codec::message_reader,
//   which is drained after every read; a message is bounded by max_message_size, a frame by
//   max_frame_size (both fail with 1009, RFC 6455 10.4); with permessage-deflate a compressed
//   message is also inflated into at most max_message_size bytes (1009 beyond, however small
//   the compressed payload);
// * the request head is bounded by the codec's http_limits (431 / 414 / 400);
// * when replies pile up because the peer does not read (write_high_water), the server stops
//   reading from it (TCP back-pressure), and a connection on which nothing moves in either
//   direction for idle_timeout is closed;
// * the opening handshake must be done within handshake_timeout, and once a close frame has
//   been queued the connection is gone within close_timeout.
// Behaviour choices and the RFC sections behind them: echo_server.cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

// Not <asio.hpp>: a header that includes Asio before any standard header makes Asio pick a
// different aligned_new/aligned_delete pair than the other translation units (its config reads
// _GLIBCXX_HAVE_ALIGNED_ALLOC, defined by the first standard header), an ODR violation that
// AddressSanitizer reports as alloc-dealloc-mismatch.
namespace asio {
class io_context;
}

namespace wsspec {

struct echo_server_options {
  // Address (or name) to listen on, and port; 0 picks a free port (see echo_server::port()).
  std::string host = "127.0.0.1";
  std::uint16_t port = 9001;
  // Largest message (sum of its fragments) and largest single frame accepted; more fails the
  // connection with 1009 (RFC 6455 7.4.1, 10.4).
  std::uint64_t max_message_size = std::uint64_t{64} << 20;
  std::uint64_t max_frame_size = std::uint64_t{64} << 20;
  // From accept to a complete request head; then the TCP connection is closed.
  std::chrono::milliseconds handshake_timeout{10000};
  // From the moment the server queues a close frame (its own or its reply) to the TCP
  // connection being closed, whatever the peer does.
  std::chrono::milliseconds close_timeout{3000};
  // An open connection on which nothing was read and nothing written for this long: if replies
  // are stuck (the peer does not read) the TCP connection is dropped, otherwise the server
  // starts the closing handshake with 1001 (going away).
  std::chrono::milliseconds idle_timeout{60000};
  // Connections beyond this are accepted and closed at once.
  std::size_t max_connections = 10000;
  // permessage-deflate (RFC 7692). When false, every offer is declined (RSV1 is then always an
  // error, RFC 6455 5.2).
  bool deflate = true;
  // Always answer with server_no_context_takeover (7.1.1.1 lets a server add it unasked).
  bool deflate_server_no_context_takeover = false;
  // The largest LZ77 window the server compresses with, 8..15; below 15 the response states
  // server_max_window_bits even when the offer did not ask (7.1.2.1).
  std::uint8_t deflate_server_max_window_bits = 15;
  // zlib's compression level for the echoes, 0..9. 1, zlib's fastest matcher: an echo server's
  // output only has to be valid DEFLATE, and the compression cases move gigabytes.
  int deflate_level = 1;
  // One line on stderr per connection that was failed, rejected or timed out, and per
  // permessage-deflate offer accepted or declined.
  bool verbose = false;
};

class echo_server {
 public:
  // Resolves options.host, binds and listens. Throws std::system_error (with the address in the
  // message) if that fails, e.g. the port is in use.
  explicit echo_server(echo_server_options options);
  ~echo_server();
  echo_server(const echo_server&) = delete;
  echo_server& operator=(const echo_server&) = delete;

  // The bound port (useful when options.port was 0).
  std::uint16_t port() const noexcept;

  // Serves until stop(); call it once, from one thread.
  void run();
  // Makes run() return (soon, if it is running; at once, if it is called later). Thread-safe.
  // Open connections are dropped when the server is destroyed.
  void stop();

  // The context run() runs: for adding e.g. an asio::signal_set on the server's thread.
  asio::io_context& context() noexcept;

  // Connections accepted and not yet finished. Thread-safe (for tests and monitoring).
  std::size_t connection_count() const noexcept;

  // Per-connection buffers and thresholds, fixed.
  static constexpr std::size_t read_chunk_size = 16 * 1024;
  static constexpr std::size_t write_high_water = 1024 * 1024;  // stop reading above this
  static constexpr std::size_t write_low_water = 256 * 1024;    // read again below this

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace wsspec
