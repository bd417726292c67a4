// Test helpers for running cases against a client under test: a listening socket on a free
// loopback port (wsspec is the server) and a child process stopped by its PID.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "cases/case_loader.hpp"
#include "run/interpreter.hpp"
#include "run/payload.hpp"

extern char** environ;

namespace wsspec::test {

// A listening socket on 127.0.0.1 and a free port.
class listener {
 public:
  listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 || ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
    port_ = ntohs(a.sin_port);
  }
  ~listener() { ::close(fd_); }
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path = "/") const {
    return "ws://127.0.0.1:" + std::to_string(port_) + path;
  }

  // The next connection, or -1 after 10 s without one.
  int accept_one() const {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 10000) != 1) return -1;
    return ::accept(fd_, nullptr, nullptr);
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// A TCP socket connected to 127.0.0.1:port, or -1 (the caller closes it): the hand-written
// clients' way in.
inline int connect_loopback(std::uint16_t port) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (s >= 0 && ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return s;
  if (s >= 0) ::close(s);
  return -1;
}

// A valid opening request of a client (the key is RFC 6455 1.3's sample nonce).
inline const std::string valid_request =
    "GET /runCase?case=1&agent=raw HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";

// A child process, stopped by its PID (SIGTERM, then reaped) when the object goes.
class child {
 public:
  explicit child(std::vector<std::string> argv) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    if (posix_spawnp(&pid_, args[0], nullptr, nullptr, args.data(), environ) != 0) pid_ = -1;
  }
  ~child() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  child(const child&) = delete;
  child& operator=(const child&) = delete;
  bool started() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

// The built-in catalogue, loaded once.
inline const std::vector<test_case>& all_cases() {
  static const std::vector<test_case> all = [] {
    std::vector<test_case> out;
    case_error e;
    EXPECT_TRUE(load_builtin_cases(out, e)) << e.to_string();
    return out;
  }();
  return all;
}

// The built-in case with this id (an empty case, and a test failure, if there is none).
inline test_case builtin(const std::string& id) {
  const auto& all = all_cases();
  const auto it =
      std::find_if(all.begin(), all.end(), [&](const test_case& c) { return c.id == id; });
  EXPECT_NE(it, all.end()) << id;
  return it == all.end() ? test_case{} : *it;
}

// The bytes of the message that step `step` of built-in case `id` sends (a send_message step):
// what a client under test has to echo.
inline std::string message_of(const std::string& id, std::size_t step) {
  const test_case c = builtin(id);
  const auto* m = step < c.steps.size() ? std::get_if<send_message>(&c.steps[step]) : nullptr;
  EXPECT_NE(m, nullptr) << id << " has no send_message at step " << step;
  return m ? materialize(m->payload) : std::string();
}

// Run options for tests: a 1 s closing handshake instead of 2.
inline run_options quick() {
  run_options o;
  o.close_timeout_ms = 1000;
  return o;
}

// Runs `c` against the npm `ws` echo client (tests/targets/ws_echo_client.js); with `deflate`
// it offers permessage-deflate.
inline case_result against_ws_client(const test_case& c, bool deflate = false) {
  listener l;
  std::vector<std::string> argv{
      "node", std::string(WSSPEC_SOURCE_DIR) + "/tests/targets/ws_echo_client.js"};
  if (deflate) argv.push_back("--deflate");
  argv.push_back(l.url("/runCase?case=1&agent=ws"));
  child node(argv);
  EXPECT_TRUE(node.started());
  std::string error;
  auto conn = connection::adopt(l.accept_one(), error);
  EXPECT_TRUE(conn) << error;
  return run_case_for_client(c, quick(), std::move(conn), "");
}

}  // namespace wsspec::test
