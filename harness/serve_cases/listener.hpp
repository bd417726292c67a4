// The TCP side of `wsspec serve-cases`: listens, accepts, and gives each connection a thread of
// its own that reads the client's request head and hands it on. A client under test may be
// broken or hostile, so everything is bounded: the number of connections served at once (more
// are closed at once), the size of a request head (64 KiB: 431/414/400 beyond, from the codec's
// HTTP parser) and the time to send it (the connection is closed when it runs out); one slow or
// silent client holds one thread, never the others.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "transport/connection.hpp"
#include "transport/tls_server.hpp"
#include "wsspec/codec/http.hpp"

namespace wsspec::serve_cases {

struct listener_options {
  std::string host = "127.0.0.1";  // a numeric IPv4 or IPv6 address, or "localhost"
  std::uint16_t port = 9001;       // 0: a free port (see listener::port())
  std::size_t max_connections = 64;
  std::size_t max_head_bytes = 64 * 1024;
  std::chrono::milliseconds head_timeout{10000};
  // --tls: every connection is TLS with this certificate; its handshake counts against
  // head_timeout. With a loopback host (127.0.0.1, ::1, localhost) the URL names `localhost`
  // (an IP address cannot be sent as SNI, RFC 6066 3) and wsspec listens on 127.0.0.1 and ::1
  // alike, so the URL works whichever address a client's resolver gives first.
  std::shared_ptr<const tls_server_context> tls;
};

// A connection whose request head has arrived: the parsed head and every byte read so far (the
// head and whatever came after it).
using request_handler = std::function<void(std::unique_ptr<connection> conn,
                                           const codec::http_request& request, std::string read)>;

class listener {
 public:
  listener(listener_options options, request_handler handler);
  ~listener();  // closes the socket and waits for the connection threads
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  // Binds and listens; false with the reason (address in use, bad host, ...).
  bool open(std::string& error);
  std::uint16_t port() const { return port_; }
  // "ws://127.0.0.1:9001/" ("ws://[::1]:9001/" for IPv6); with tls "wss://localhost:9001/"
  // (a loopback host) or "wss://HOST:9001/".
  std::string url() const;

  // Accepts until should_stop() says so (asked at least every 100 ms), then returns; the
  // connection threads may still be running (the destructor waits for them).
  void run(const std::function<bool()>& should_stop);
  // Connections being served now.
  std::size_t active() const { return active_; }

 private:
  void serve_one(int fd);
  // One listening socket on `host` (numeric) and `port`; -1 and the reason on failure.
  int listen_on(const std::string& host, std::uint16_t port, std::string& error) const;

  listener_options options_;
  request_handler handler_;
  std::vector<int> sockets_;  // one per address (--tls on loopback: 127.0.0.1 and ::1)
  std::uint16_t port_ = 0;
  std::atomic<std::size_t> active_{0};
  std::mutex mutex_;
  std::condition_variable all_done_;
};

}  // namespace wsspec::serve_cases
