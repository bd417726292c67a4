#include "transport/connection.hpp"

#include "run/stop_request.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <asio.hpp>
#include <climits>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace wsspec {

const char* to_string(io_status s) {
  switch (s) {
    case io_status::ok:
      return "ok";
    case io_status::timeout:
      return "timeout";
    case io_status::eof:
      return "eof";
    case io_status::reset:
      return "reset";
    case io_status::error:
      return "error";
  }
  return "?";
}

namespace {

using asio::ip::tcp;

// Plaintext per SSL_write and bytes per socket read on TLS: one maximal TLS record, so
// OpenSSL and we never hold more than a record or two of the peer's (or our) data.
constexpr std::size_t tls_piece = 16 * 1024;

struct ssl_free {
  void operator()(SSL* p) const { SSL_free(p); }
};

std::string describe(const asio::error_code& ec) {
  std::string s = ec.message();
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

bool would_block(const asio::error_code& ec) {
  return ec == asio::error::would_block || ec == asio::error::try_again;
}

io_status classify(const asio::error_code& ec) {
  if (!ec) return io_status::ok;
  if (ec == asio::error::eof) return io_status::eof;
  if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
      ec == asio::error::connection_aborted)
    return io_status::reset;
  return io_status::error;
}

io_result failure(const asio::error_code& ec, std::size_t bytes = 0) {
  const io_status s = classify(ec);
  return {s, bytes, s == io_status::eof ? "the peer closed the connection" : describe(ec)};
}

std::string endpoint_text(const tcp::endpoint& ep) {
  const asio::ip::address a = ep.address();
  std::string s = a.is_v6() ? "[" + a.to_string() + "]" : a.to_string();
  return s + ":" + std::to_string(ep.port());
}

// The reason of the first OpenSSL error queued in this thread; clears the queue.
std::string openssl_reason() {
  const unsigned long e = ERR_get_error();
  std::string out;
  if (e == 0) {
    out = "unknown error";
  } else if (const char* r = ERR_reason_error_string(e)) {
    out = r;
  } else {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out = buf;
  }
  ERR_clear_error();
  return out;
}

// getaddrinfo() cannot be cancelled, and a slow DNS server must not hold a case past its
// deadline: the lookup runs on a detached thread that we stop waiting for at the deadline (it
// then finishes on its own and frees the shared state). Numeric addresses need no lookup.
struct lookup_state {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  asio::error_code ec;
  std::vector<tcp::endpoint> endpoints;
};

bool resolve(const ws_url& url, clock::time_point deadline, std::vector<tcp::endpoint>& out,
             std::string& error) {
  asio::error_code ec;
  const asio::ip::address literal = asio::ip::make_address(url.host, ec);
  if (!ec) {
    out.emplace_back(literal, url.port);
    return true;
  }
  auto st = std::make_shared<lookup_state>();
  try {
    std::thread([st, host = url.host, port = url.port] {
      asio::error_code rec;
      std::vector<tcp::endpoint> eps;
      try {
        asio::io_context io(1);
        tcp::resolver resolver(io);
        const auto results =
            resolver.resolve(host, std::to_string(port), tcp::resolver::numeric_service, rec);
        for (const auto& r : results) eps.push_back(r.endpoint());
      } catch (const std::exception&) {
        rec = asio::error::no_memory;
      }
      const std::lock_guard lock(st->m);
      st->ec = rec;
      st->endpoints = std::move(eps);
      st->done = true;
      st->cv.notify_all();
    }).detach();
  } catch (const std::exception& e) {
    error = "cannot resolve " + url.host + ": " + e.what();
    return false;
  }
  std::unique_lock lock(st->m);
  if (!st->cv.wait_until(lock, deadline, [&] { return st->done; })) {
    error = "timed out resolving " + url.host;
    return false;
  }
  if (st->ec || st->endpoints.empty()) {
    error = "cannot resolve " + url.host + ": " +
            (st->ec ? describe(st->ec) : std::string("no addresses"));
    return false;
  }
  out = std::move(st->endpoints);
  return true;
}

// The SSL_CTX for a TLS configuration. Loading the system trust store costs tens of
// milliseconds, too much to pay for every case, so contexts are built once per (verify,
// ca_file) and shared, read-only, by all connections: after setup an SSL_CTX is only used
// through SSL_new(), which is thread-safe. Client-side session caching is off by default, so
// nothing of one connection leaks into the next (every case does a full handshake).
std::shared_ptr<SSL_CTX> client_context(const tls_options& tls, std::string& error) {
  static std::mutex m;
  static std::map<std::pair<bool, std::string>, std::shared_ptr<SSL_CTX>> cache;
  const std::lock_guard lock(m);
  auto& slot = cache[{tls.verify, tls.ca_file}];
  if (slot) return slot;
  ERR_clear_error();
  std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  if (!ctx) {
    error = "TLS setup failed: " + openssl_reason();
    return nullptr;
  }
  if (tls.verify) {
    // A missing system store is not an error by itself: ca_file may be all there is.
    SSL_CTX_set_default_verify_paths(ctx.get());
    ERR_clear_error();
  }
  SSL_CTX_set_verify(ctx.get(), tls.verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
  if (!tls.ca_file.empty() &&
      SSL_CTX_load_verify_locations(ctx.get(), tls.ca_file.c_str(), nullptr) != 1) {
    error = "cannot load CA file '" + tls.ca_file + "': " + openssl_reason();
    return nullptr;  // not cached: the file may appear later
  }
  slot = ctx;
  return ctx;
}

}  // namespace

struct connection::impl {
  asio::io_context io{1};
  tcp::socket socket{io};
  std::string peer;
  bool peer_closed = false;
  bool sent_fin = false;

  // TLS: OpenSSL reads the peer's bytes from `rbio` and writes its own into `wbio` (both
  // memory BIOs owned by `ssl`); we move bytes between them and the socket.
  std::shared_ptr<SSL_CTX> ctx;
  std::unique_ptr<SSL, ssl_free> ssl;
  BIO* rbio = nullptr;
  BIO* wbio = nullptr;
  std::vector<std::uint8_t> out;  // encrypted bytes taken from wbio, not yet sent
  std::size_t out_pos = 0;
  std::vector<std::uint8_t> in;  // socket read buffer
  bool verify = false;
  bool tls_broken = false;  // after a fatal TLS error the SSL object is unusable

  // Waits until the socket is ready for `what` or the deadline passes. Returns false on
  // time-out; true when ready or when the wait itself failed (then `ec` is set). The wait
  // holds no buffer, so cancelling it loses nothing.
  //
  // A plain poll() on the one descriptor: a round trip waits twice, and registering each wait
  // with the io_context's epoll (epoll_ctl, run_one_until, cancel) cost more than the round
  // trip itself on loopback. Errors and hang-ups count as ready: the next read or write
  // reports them.
  bool wait(asio::socket_base::wait_type what, clock::time_point deadline, asio::error_code& ec) {
    ec = {};
    pollfd p{};
    p.fd = socket.native_handle();
    p.events = what == asio::socket_base::wait_read    ? POLLIN
               : what == asio::socket_base::wait_write ? POLLOUT
                                                       : POLLPRI;
    while (true) {
      const auto now = clock::now();
      // A stop request (SIGINT, SIGTERM) ends every wait as if its deadline had passed.
      if (now >= deadline || stop_requested()) return false;
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
      // In slices of 100 ms at most, so a stop request is seen even if the signal went to
      // another thread.
      const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 100)));
      if (r > 0) return true;
      if (r < 0 && errno != EINTR) {
        ec = asio::error_code(errno, asio::system_category());
        return true;
      }
    }
  }

  // Cancels what is pending and runs the io_context until the cancelled handlers have run:
  // they refer to locals of the caller's frame.
  void drain() {
    asio::error_code ignored;
    socket.cancel(ignored);
    for (int i = 0; i < 2; ++i) {
      try {
        io.restart();
        io.run();
        return;
      } catch (const std::exception&) {
        socket.close(ignored);
      }
    }
  }

  bool connect(const std::vector<tcp::endpoint>& endpoints, clock::time_point deadline,
               std::string& error) {
    std::string last;
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
      const tcp::endpoint& ep = endpoints[i];
      // With several addresses left, one that black-holes SYNs must not use all the time.
      const clock::time_point now = clock::now();
      const auto left = static_cast<clock::rep>(endpoints.size() - i);
      const clock::time_point attempt_deadline =
          left > 1 && deadline > now ? now + (deadline - now) / left : deadline;
      asio::error_code ec;
      socket.close(ec);
      socket.open(ep.protocol(), ec);
      if (ec) {
        last = "cannot connect to " + endpoint_text(ep) + ": " + describe(ec);
        continue;
      }
      bool done = false;
      asio::error_code result;
      socket.async_connect(ep, [&](const asio::error_code& e) {
        done = true;
        result = e;
      });
      try {
        io.restart();
        while (!done && io.run_one_until(attempt_deadline) != 0) {
        }
      } catch (const std::exception&) {
        result = asio::error::fault;
      }
      if (!done) drain();
      if (!done || result == asio::error::operation_aborted) {
        last = "timed out connecting to " + endpoint_text(ep);
        continue;
      }
      if (result) {
        last = "cannot connect to " + endpoint_text(ep) + ": " + describe(result);
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      socket.non_blocking(true, ec);
      if (ec) {
        last = "cannot configure the socket: " + describe(ec);
        continue;
      }
      peer = endpoint_text(ep);
      return true;
    }
    asio::error_code ignored;
    socket.close(ignored);
    error = last.empty() ? "no address to connect to" : last;
    return false;
  }

  // --- plain TCP -------------------------------------------------------------------------

  io_result read_plain(std::span<std::uint8_t> buf, clock::time_point deadline) {
    for (;;) {
      asio::error_code ec;
      const std::size_t n = socket.read_some(asio::buffer(buf.data(), buf.size()), ec);
      if (!ec) return {io_status::ok, n, {}};
      if (!would_block(ec)) return failure(ec);
      if (!wait(tcp::socket::wait_read, deadline, ec))
        return {io_status::timeout, 0, "timed out waiting for data"};
      if (ec) return failure(ec);
    }
  }

  // Sends [p, p + n); adds what the kernel took to `done`.
  io_result send_raw(const std::uint8_t* p, std::size_t n, clock::time_point deadline,
                     std::size_t& done, const char* timeout_text) {
    std::size_t sent = 0;
    while (sent < n) {
      asio::error_code ec;
      const std::size_t k = socket.write_some(asio::buffer(p + sent, n - sent), ec);
      if (!ec) {
        sent += k;
        done += k;
        continue;
      }
      if (!would_block(ec)) return failure(ec);
      if (!wait(tcp::socket::wait_write, deadline, ec))
        return {io_status::timeout, 0, timeout_text};
      if (ec) return failure(ec);
    }
    return {};
  }

  // --- TLS -------------------------------------------------------------------------------

  // Sends what OpenSSL has produced. With a deadline in the past it only sends what the
  // kernel takes right away; the rest stays queued for the next call.
  io_result flush(clock::time_point deadline) {
    for (;;) {
      if (out_pos == out.size()) {
        out.clear();
        out_pos = 0;
        const std::size_t pending = BIO_ctrl_pending(wbio);
        if (pending == 0) return {};
        out.resize(std::min<std::size_t>(pending, 2 * tls_piece));
        const int r = BIO_read(wbio, out.data(), static_cast<int>(out.size()));
        out.resize(r > 0 ? static_cast<std::size_t>(r) : 0);
        if (out.empty()) return {};
        continue;
      }
      const io_result r = send_raw(out.data() + out_pos, out.size() - out_pos, deadline, out_pos,
                                   "timed out waiting for the peer to read");
      if (r.status != io_status::ok) return r;
    }
  }

  // Reads one socket read's worth of the peer's bytes into OpenSSL.
  io_result fill(clock::time_point deadline) {
    for (;;) {
      asio::error_code ec;
      const std::size_t n = socket.read_some(asio::buffer(in), ec);
      if (!ec) {
        BIO_write(rbio, in.data(), static_cast<int>(n));
        return {io_status::ok, n, {}};
      }
      if (!would_block(ec)) return failure(ec);
      if (!wait(tcp::socket::wait_read, deadline, ec))
        return {io_status::timeout, 0, "timed out waiting for data"};
      if (ec) return failure(ec);
    }
  }

  // A TLS session of `c` over two memory BIOs (which it then owns); both sides start here.
  bool new_session(SSL_CTX* c, std::string& error) {
    ssl.reset(SSL_new(c));
    rbio = BIO_new(BIO_s_mem());
    wbio = BIO_new(BIO_s_mem());
    if (!ssl || !rbio || !wbio) {
      BIO_free(rbio);
      BIO_free(wbio);
      rbio = wbio = nullptr;
      error = "TLS setup failed: " + openssl_reason();
      return false;
    }
    SSL_set_bio(ssl.get(), rbio, wbio);
    return true;
  }

  bool start_tls(const ws_url& url, const tls_options& tls, clock::time_point deadline,
                 std::string& error) {
    verify = tls.verify;
    ctx = client_context(tls, error);
    if (!ctx) return false;
    if (!new_session(ctx.get(), error)) return false;

    const std::string& name = tls.server_name.empty() ? url.host : tls.server_name;
    asio::error_code ec;
    asio::ip::make_address(name, ec);
    const bool is_ip = !ec;
    if (!is_ip) SSL_set_tlsext_host_name(ssl.get(), name.c_str());
    if (verify) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      const int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                           : X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
      if (ok != 1) {
        error = "TLS setup failed: cannot check certificates for '" + name + "'";
        return false;
      }
    }
    SSL_set_connect_state(ssl.get());
    in.resize(tls_piece + 512);
    return handshake(deadline, error);
  }

  // The server side: `ctx` is the serve-cases context (tls_server.hpp), not owned.
  bool accept_tls(SSL_CTX* server_ctx, clock::time_point deadline, std::string& error) {
    if (!new_session(server_ctx, error)) return false;
    SSL_set_accept_state(ssl.get());
    in.resize(tls_piece + 512);
    return handshake(deadline, error);
  }

  bool handshake(clock::time_point deadline, std::string& error) {
    const std::string who = " with " + peer;
    for (;;) {
      ERR_clear_error();
      const int r = SSL_do_handshake(ssl.get());  // either side: set_connect/accept_state
      const int err = r == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl.get(), r);
      const std::string reason = err == SSL_ERROR_NONE ? std::string() : openssl_reason();
      if (err != SSL_ERROR_NONE && err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
        tls_broken = true;
        flush(clock::now());  // best effort: the alert that tells the peer why
        const long v = SSL_get_verify_result(ssl.get());
        if (verify && v != X509_V_OK) {
          error =
              std::string("certificate verification failed: ") + X509_verify_cert_error_string(v);
        } else {
          error = "TLS handshake failed: " + reason;
        }
        return false;
      }
      const io_result f = flush(deadline);
      if (f.status == io_status::timeout) {
        error = "TLS handshake" + who + " timed out";
        return false;
      }
      if (f.status != io_status::ok) {
        error = "TLS handshake failed: " + f.message;
        return false;
      }
      if (err == SSL_ERROR_NONE) return true;
      if (err == SSL_ERROR_WANT_WRITE) continue;  // memory BIOs: flushed above
      const io_result in_r = fill(deadline);
      if (in_r.status == io_status::ok) continue;
      if (in_r.status == io_status::timeout) {
        error = "TLS handshake" + who + " timed out";
      } else if (in_r.status == io_status::eof) {
        error = "TLS handshake failed: the peer closed the connection";
      } else {
        error = "TLS handshake failed: " + in_r.message;
      }
      return false;
    }
  }

  io_result read_tls(std::span<std::uint8_t> buf, clock::time_point deadline) {
    const int want = static_cast<int>(std::min<std::size_t>(buf.size(), INT_MAX));
    for (;;) {
      ERR_clear_error();
      const int r = SSL_read(ssl.get(), buf.data(), want);
      const int err = r > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl.get(), r);
      const std::string reason = err == SSL_ERROR_SSL ? openssl_reason() : std::string();
      ERR_clear_error();
      flush(clock::now());  // key updates, alerts, leftovers of a timed-out write
      switch (err) {
        case SSL_ERROR_NONE:
          return {io_status::ok, static_cast<std::size_t>(r), {}};
        case SSL_ERROR_ZERO_RETURN:
          peer_closed = true;
          return {io_status::eof, 0, "the peer sent TLS close_notify"};
        case SSL_ERROR_WANT_WRITE:
          continue;
        case SSL_ERROR_WANT_READ: {
          const io_result f = fill(deadline);
          if (f.status == io_status::ok) continue;
          if (f.status == io_status::eof)
            return {io_status::eof, 0,
                    "the peer closed the TCP connection without TLS close_notify"};
          return f;
        }
        default:
          tls_broken = true;
          return {io_status::error, 0, "TLS error: " + (reason.empty() ? "unknown" : reason)};
      }
    }
  }

  // Encrypts and sends [p, p + n) in records of at most tls_piece bytes; adds the plaintext
  // bytes handed to OpenSSL to `done`.
  io_result write_tls(const std::uint8_t* p, std::size_t n, clock::time_point deadline,
                      std::size_t& done) {
    std::size_t taken = 0;
    for (;;) {
      // First whatever an earlier, timed-out write left: records must go out in order.
      const io_result f = flush(deadline);
      if (f.status != io_status::ok || taken == n) return f;
      ERR_clear_error();
      const int k =
          SSL_write(ssl.get(), p + taken, static_cast<int>(std::min(n - taken, tls_piece)));
      if (k > 0) {
        taken += static_cast<std::size_t>(k);
        done += static_cast<std::size_t>(k);
        continue;
      }
      const int err = SSL_get_error(ssl.get(), k);
      if (err == SSL_ERROR_WANT_READ) {  // TLS 1.2 renegotiation
        const io_result r = fill(deadline);
        if (r.status == io_status::ok) continue;
        return r;
      }
      if (err == SSL_ERROR_WANT_WRITE) continue;
      tls_broken = true;
      return {io_status::error, 0, "TLS error: " + openssl_reason()};
    }
  }

  io_result write_piece(const std::uint8_t* p, std::size_t n, clock::time_point deadline,
                        std::size_t& done) {
    if (ssl) return write_tls(p, n, deadline, done);
    return send_raw(p, n, deadline, done, "timed out waiting for the peer to read");
  }

  io_result unusable() const {
    if (!socket.is_open()) return {io_status::error, 0, "the connection is closed"};
    if (tls_broken) return {io_status::error, 0, "the TLS session failed earlier"};
    return {};
  }
};

connection::connection(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
connection::~connection() = default;

std::unique_ptr<connection> connection::open(const ws_url& url, const tls_options& tls,
                                             clock::time_point deadline, std::string& error) {
  try {
    auto p = std::make_unique<impl>();
    std::vector<tcp::endpoint> endpoints;
    if (!resolve(url, deadline, endpoints, error)) return nullptr;
    if (!p->connect(endpoints, deadline, error)) return nullptr;
    if (url.secure && !p->start_tls(url, tls, deadline, error)) return nullptr;
    return std::unique_ptr<connection>(new connection(std::move(p)));
  } catch (const std::exception& e) {
    error = std::string("internal error: ") + e.what();
    return nullptr;
  }
}

std::unique_ptr<connection> connection::adopt(int native_socket, std::string& error) {
  try {
    auto p = std::make_unique<impl>();
    asio::error_code ec;
    tcp::endpoint ep;
    {
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      if (::getsockname(native_socket, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
          (addr.ss_family != AF_INET && addr.ss_family != AF_INET6)) {
        ::close(native_socket);
        error = "not a TCP socket";
        return nullptr;
      }
      const auto protocol = addr.ss_family == AF_INET ? tcp::v4() : tcp::v6();
      p->socket.assign(protocol, native_socket, ec);
      if (ec) {
        ::close(native_socket);
        error = "cannot take over the socket: " + describe(ec);
        return nullptr;
      }
    }
    p->socket.set_option(tcp::no_delay(true), ec);
    p->socket.non_blocking(true, ec);
    if (!ec) ep = p->socket.remote_endpoint(ec);
    if (ec) {
      error = "cannot configure the socket: " + describe(ec);
      return nullptr;
    }
    p->peer = endpoint_text(ep);
    return std::unique_ptr<connection>(new connection(std::move(p)));
  } catch (const std::exception& e) {
    error = std::string("internal error: ") + e.what();
    return nullptr;
  }
}

std::unique_ptr<connection> connection::accept_tls(int native_socket, const tls_server_context& tls,
                                                   clock::time_point deadline, std::string& error) {
  std::unique_ptr<connection> c = adopt(native_socket, error);
  if (!c) return nullptr;
  try {
    if (!c->impl_->accept_tls(tls.native(), deadline, error)) return nullptr;
  } catch (const std::exception& e) {
    error = std::string("internal error: ") + e.what();
    return nullptr;
  }
  return c;
}

io_result connection::write(std::span<const std::uint8_t> bytes, clock::time_point deadline,
                            std::size_t chunk, std::chrono::milliseconds delay) {
  try {
    if (io_result u = impl_->unusable(); u.status != io_status::ok) return u;
    if (impl_->sent_fin) return {io_status::error, 0, "write after shutdown_send"};
    const std::size_t piece = chunk == 0 ? std::max<std::size_t>(bytes.size(), 1) : chunk;
    std::size_t done = 0;
    if (bytes.empty() && impl_->ssl) return impl_->flush(deadline);
    while (done < bytes.size()) {
      if (done > 0 && delay.count() > 0) {
        const clock::time_point wake = clock::now() + delay;
        if (wake > deadline) {
          std::this_thread::sleep_until(deadline);
          return {io_status::timeout, done, "timed out between chunks"};
        }
        std::this_thread::sleep_until(wake);
      }
      const std::size_t n = std::min(piece, bytes.size() - done);
      io_result r = impl_->write_piece(bytes.data() + done, n, deadline, done);
      if (r.status != io_status::ok) {
        r.bytes = done;
        if (r.status == io_status::reset) impl_->peer_closed = true;
        return r;
      }
    }
    return {io_status::ok, done, {}};
  } catch (const std::exception& e) {
    return {io_status::error, 0, std::string("internal error: ") + e.what()};
  }
}

io_result connection::read_some(std::span<std::uint8_t> buf, clock::time_point deadline) {
  try {
    if (io_result u = impl_->unusable(); u.status != io_status::ok) return u;
    if (buf.empty()) return {};
    io_result r = impl_->ssl ? impl_->read_tls(buf, deadline) : impl_->read_plain(buf, deadline);
    if (r.status == io_status::eof || r.status == io_status::reset) impl_->peer_closed = true;
    return r;
  } catch (const std::exception& e) {
    return {io_status::error, 0, std::string("internal error: ") + e.what()};
  }
}

io_result connection::shutdown_send(clock::time_point deadline) {
  try {
    if (io_result u = impl_->unusable(); u.status != io_status::ok) return u;
    if (impl_->sent_fin) return {};
    if (impl_->ssl) {
      if (!(SSL_get_shutdown(impl_->ssl.get()) & SSL_SENT_SHUTDOWN)) {
        ERR_clear_error();
        if (SSL_shutdown(impl_->ssl.get()) < 0)
          return {io_status::error, 0, "TLS error: " + openssl_reason()};
      }
      if (io_result f = impl_->flush(deadline); f.status != io_status::ok) return f;
    }
    asio::error_code ec;
    impl_->socket.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return failure(ec);
    impl_->sent_fin = true;
    return {};
  } catch (const std::exception& e) {
    return {io_status::error, 0, std::string("internal error: ") + e.what()};
  }
}

void connection::close() {
  asio::error_code ignored;
  impl_->socket.close(ignored);
}

void connection::abort() {
  asio::error_code ignored;
  impl_->socket.set_option(asio::socket_base::linger(true, 0), ignored);
  impl_->socket.close(ignored);
}

bool connection::is_open() const { return impl_->socket.is_open(); }
bool connection::peer_closed() const { return impl_->peer_closed; }
bool connection::secure() const { return impl_->ssl != nullptr; }

std::optional<std::string> connection::client_server_name() const {
  if (!impl_->ssl || !SSL_is_server(impl_->ssl.get())) return std::nullopt;
  // No session is resumed (tls_server.cpp turns caching off), so this is the ClientHello's.
  const char* name = SSL_get_servername(impl_->ssl.get(), TLSEXT_NAMETYPE_host_name);
  return name ? std::optional<std::string>(name) : std::nullopt;
}
std::string connection::peer_address() const { return impl_->peer; }

std::string connection::tls_description() const {
  if (!impl_->ssl) return {};
  std::string s = SSL_get_version(impl_->ssl.get());
  if (const SSL_CIPHER* c = SSL_get_current_cipher(impl_->ssl.get()))
    s.append(" ").append(SSL_CIPHER_get_name(c));
  return s;
}

}  // namespace wsspec
