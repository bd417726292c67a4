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
  if (socket_ >= 0) ::close(socket_);
  std::unique_lock lock(mutex_);
  all_done_.wait_for(lock, drain_bound, [this] { return active_ == 0; });
}

bool listener::open(std::string& error) {
  const std::string host = options_.host == "localhost" ? "127.0.0.1" : options_.host;
  sockaddr_storage addr{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(options_.port);
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(options_.port);
    len = sizeof *v6;
  } else {
    error = "cannot listen on " + options_.host + ": not a numeric IP address";
    return false;
  }
  socket_ = ::socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  // A restarted serve-cases can bind while old connections sit in TIME_WAIT.
  if (socket_ >= 0) setsockopt(socket_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (socket_ < 0 || ::bind(socket_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(socket_, 128) != 0) {
    error = "cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " +
            std::strerror(errno);
    if (socket_ >= 0) ::close(socket_);
    socket_ = -1;
    return false;
  }
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  getsockname(socket_, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  port_ = ntohs(bound.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                                           : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  return true;
}

std::string listener::url() const {
  const std::string host = options_.host == "localhost" ? "127.0.0.1" : options_.host;
  const bool v6 = host.find(':') != std::string::npos;
  return "ws://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port_) + "/";
}

void listener::run(const std::function<bool()>& should_stop) {
  while (!should_stop()) {
    pollfd p{socket_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;  // time-out, or EINTR from a stop signal
    const int fd = ::accept4(socket_, nullptr, nullptr, SOCK_CLOEXEC);
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
  std::unique_ptr<connection> conn = connection::adopt(fd, error);
  if (!conn) return;
  const auto deadline = clock::now() + options_.head_timeout;
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
