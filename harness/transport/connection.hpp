// The client side of one TCP or TLS connection to the target server, as the case interpreter
// uses it: one connection per case, synchronous calls, each bounded by a deadline.
//
// Threading: a connection owns its own asio::io_context and shares nothing with other
// connections, so many cases can run in parallel, one thread each. A single connection must
// not be used from two threads at once.
//
// Robustness: the peer may be broken or hostile. Every call returns by its deadline (plus
// scheduling noise) whether the peer answers, trickles bytes, floods or resets; no call keeps
// more than a few tens of KiB of the peer's data (reads go into the caller's buffer, TLS
// keeps at most one record in flight each way). No exception escapes the API.
//
// How it works: the socket is non-blocking; every call first tries the operation directly and
// only when the kernel says "would block" waits for readiness with socket.async_wait() and
// io_context::run_one_until(deadline). A wait that hits the deadline is cancelled and drained
// before the call returns, and because a wait holds no buffer, a timed-out read or write leaves
// the connection usable (the next call simply carries on). TLS is OpenSSL driven through
// memory BIOs over that same socket, which gives us exact control over close_notify
// (shutdown_send() sends it without waiting for the peer's), exact verification errors, and
// the same safe time-outs.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "transport/tls_server.hpp"
#include "transport/url.hpp"

namespace wsspec {

using clock = std::chrono::steady_clock;

struct tls_options {
  // Verify the server's certificate chain (system store plus ca_file) and its name.
  // false is --insecure: any certificate is accepted.
  bool verify = true;
  // Extra trust anchors (PEM file), in addition to the system store.
  std::string ca_file;
  // Name sent as SNI and checked against the certificate (DNS name or IP address);
  // empty means the URL's host. IP addresses are checked against IP SANs and not sent as SNI
  // (RFC 6066 3).
  std::string server_name;
};

enum class io_status {
  ok,
  timeout,  // the deadline passed; `bytes` says how much was done before it
  eof,      // the peer closed its sending side: TCP FIN, or TLS close_notify (see read_some)
  reset,    // the peer aborted: ECONNRESET, EPIPE, ECONNABORTED
  error,    // anything else (TLS protocol error, a call on a closed connection, ...)
};

const char* to_string(io_status s);

struct io_result {
  io_status status = io_status::ok;
  std::size_t bytes = 0;
  std::string message;  // human text for everything but ok
};

class connection {
 public:
  // Resolves the host (IPv4 and IPv6; numeric literals without DNS), connects (trying each
  // address in turn), sets TCP_NODELAY and, for wss://, performs the TLS handshake, all before
  // `deadline`. Returns nullptr and a message on failure; the message contains one of
  // "cannot resolve", "connection refused", "timed out", "TLS handshake failed: <reason>",
  // "certificate verification failed: <reason>", or another socket error.
  static std::unique_ptr<connection> open(const ws_url& url, const tls_options& tls,
                                          clock::time_point deadline, std::string& error);

  // Takes over a TCP socket a listener accepted (the client under test connected to wsspec,
  // `wsspec serve-cases`): plain TCP, non-blocking, TCP_NODELAY, with the same calls and
  // bounds as an opened connection. Returns nullptr and a message if the socket is unusable;
  // the descriptor is closed either way.
  static std::unique_ptr<connection> adopt(int native_socket, std::string& error);

  // adopt(), then the server side of a TLS handshake with `tls`'s certificate, all before
  // `deadline` (a client that never finishes its handshake costs no more than that). Returns
  // nullptr and a message ("TLS handshake failed: <reason>", "... timed out") on failure; the
  // descriptor is closed either way. `tls` must outlive the connection.
  static std::unique_ptr<connection> accept_tls(int native_socket, const tls_server_context& tls,
                                                clock::time_point deadline, std::string& error);

  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Writes all of `bytes`. With chunk > 0 the bytes go out in pieces of at most `chunk` bytes
  // (each its own send(), and on TLS its own record) with `delay` between pieces, so the peer
  // sees them arrive separately. On timeout, `bytes` is how much was handed to the kernel (on
  // TLS: to the TLS layer; any encrypted rest goes out before the next write).
  io_result write(std::span<const std::uint8_t> bytes, clock::time_point deadline,
                  std::size_t chunk = 0, std::chrono::milliseconds delay = {});

  // Reads what is available, at most buf.size() bytes, waiting for at least one byte until
  // `deadline`. Returns ok with bytes > 0, timeout, eof or reset.
  // TLS: eof with message "close_notify" when the peer closed properly; a peer that closes TCP
  // without close_notify (a truncation RFC 8446 6.1 allows to detect) is also reported as eof,
  // with a message saying "without close_notify", so callers can grade it.
  io_result read_some(std::span<std::uint8_t> buf, clock::time_point deadline);

  // Half-close: TLS sends close_notify, then (both) TCP FIN. Reading still works afterwards.
  io_result shutdown_send(clock::time_point deadline);

  // Closes the socket (FIN; the kernel sends RST instead if unread data is pending). No TLS
  // close_notify: call shutdown_send() first for that.
  void close();
  // Aborts: SO_LINGER 0 and close, so the peer sees a TCP RST.
  void abort();

  bool is_open() const;
  // Whether a read has returned eof or reset.
  bool peer_closed() const;
  bool secure() const;
  // "127.0.0.1:9001" or "[::1]:9001".
  std::string peer_address() const;
  // For wss://: "TLSv1.3 TLS_AES_256_GCM_SHA384"; empty for ws://.
  std::string tls_description() const;
  // Server side (accept_tls): the name the client sent as SNI (RFC 6066 3) in its
  // ClientHello; nullopt when it sent none, or the connection is not TLS (see secure()).
  std::optional<std::string> client_server_name() const;

 private:
  struct impl;
  explicit connection(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace wsspec
