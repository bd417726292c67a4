#include "serve_cases/listener.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <thread>

#include "serve_cases/short_session.hpp"

namespace wsspec::serve_cases {

namespace {

// How long the destructor waits for connection threads: a case ends within its own bound, and
// after a stop request within about a second (stop_request.hpp).
constexpr auto drain_bound = std::chrono::seconds(60);

}  // namespace

listener::listener(listener_options options, request_handler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {}

listener::~listener() {
  for (const int s : sockets_) ::close(s);
  std::unique_lock lock(mutex_);
  all_done_.wait_for(lock, drain_bound, [this] { return active_ == 0; });
}

namespace {

bool is_loopback_name(const std::string& host) {
  return host == "localhost" || host == "127.0.0.1" || host == "::1";
}

}  // namespace

int listener::listen_on(const std::string& host, std::uint16_t port, std::string& error) const {
  sockaddr_storage addr{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    len = sizeof *v6;
  } else {
    error = "cannot listen on " + options_.host + ": not a numeric IP address";
    return -1;
  }
  int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  // A restarted serve-cases can bind while old connections sit in TIME_WAIT.
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd >= 0 && addr.ss_family == AF_INET6)
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd, 128) != 0) {
    const int e = errno;  // kept for the caller (open() tells a missing ::1 from a busy port)
    error = "cannot listen on " + host + ":" + std::to_string(port) + ": " + std::strerror(e);
    if (fd >= 0) ::close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

bool listener::open(std::string& error) {
  const bool both_loopbacks = options_.tls && is_loopback_name(options_.host);
  const std::string host =
      both_loopbacks || options_.host == "localhost" ? "127.0.0.1" : options_.host;
  // --port 0 picks the IPv4 port first; that port may be taken on ::1, so a few tries.
  for (int attempt = 0; attempt < 8; ++attempt) {
    const int fd = listen_on(host, options_.port, error);
    if (fd < 0) return false;
    sockaddr_storage bound{};
    socklen_t bound_len = sizeof bound;
    getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);
    port_ = ntohs(bound.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                                             : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
    sockets_.push_back(fd);
    if (!both_loopbacks) return true;
    std::string v6_error;
    const int fd6 = listen_on("::1", port_, v6_error);
    if (fd6 >= 0) {
      sockets_.push_back(fd6);
      return true;
    }
    // No IPv6 on this host: then no resolver gives ::1 for localhost either (AI_ADDRCONFIG).
    if (errno == EADDRNOTAVAIL || errno == EAFNOSUPPORT) return true;
    ::close(fd);
    sockets_.clear();
    if (options_.port != 0) {
      error = v6_error;
      return false;
    }
  }
  error = "cannot listen on 127.0.0.1 and ::1 with one port";
  return false;
}

std::string listener::url() const {
  if (options_.tls && is_loopback_name(options_.host))
    return "wss://localhost:" + std::to_string(port_) + "/";
  const std::string host = options_.host == "localhost" ? "127.0.0.1" : options_.host;
  const bool v6 = host.find(':') != std::string::npos;
  return std::string(options_.tls ? "wss://" : "ws://") + (v6 ? "[" + host + "]" : host) + ":" +
         std::to_string(port_) + "/";
}

void listener::run(const std::function<bool()>& should_stop) {
  std::vector<pollfd> polled;
  for (const int s : sockets_) polled.push_back({s, POLLIN, 0});
  std::size_t next = 0;  // the socket looked at first, in turn: neither address starves
  while (!should_stop()) {
    if (::poll(polled.data(), polled.size(), 100) <= 0) continue;  // time-out, or EINTR
    int ready = -1;
    for (std::size_t i = 0; i < polled.size() && ready < 0; ++i) {
      const pollfd& p = polled[(next + i) % polled.size()];
      if (p.revents & POLLIN) ready = p.fd;
    }
    next = (next + 1) % polled.size();
    if (ready < 0) continue;
    const int fd = ::accept4(ready, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      // EMFILE and friends: back off instead of spinning; the client retries or times out.
      if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    if (active_ >= options_.max_connections) {
      ::close(fd);  // over the bound: the client sees its connection end at once
      continue;
    }
    ++active_;
    std::thread([this, fd] {
      serve_one(fd);
      std::lock_guard lock(mutex_);
      --active_;
      all_done_.notify_all();
    }).detach();
  }
}

void listener::serve_one(int fd) {
  std::string error;
  // The TLS handshake and the request head share one deadline: a client that stalls in either
  // holds its thread no longer than head_timeout.
  const auto deadline = clock::now() + options_.head_timeout;
  std::unique_ptr<connection> conn = options_.tls
                                         ? connection::accept_tls(fd, *options_.tls, deadline, error)
                                         : connection::adopt(fd, error);
  if (!conn) return;
  codec::http_limits limits;
  limits.max_head_bytes = options_.max_head_bytes;
  limits.max_line_bytes = std::min<std::size_t>(limits.max_line_bytes, options_.max_head_bytes);
  codec::request_parser parser(limits);
  std::string read;
  std::array<std::uint8_t, 4096> buf{};
  while (true) {
    const io_result r = conn->read_some(buf, deadline);
    if (r.status != io_status::ok) return;  // gone, or too slow: nothing to answer
    read.append(reinterpret_cast<const char*>(buf.data()), r.bytes);
    const codec::http_parse_result p = parser.parse(read);
    if (p.complete()) break;
    if (p.failed()) {
      refuse(*conn, codec::suggested_status(p.error), codec::describe(p.error), {},
             clock::now() + std::chrono::seconds(2));
      return;
    }
    // The parser stops at the head limit, so `read` stays within it plus one read.
  }
  handler_(std::move(conn), parser.get(), std::move(read));
}

}  // namespace wsspec::serve_cases
