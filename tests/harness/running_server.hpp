// Test helper: the reference echo server (serve/echo_server.hpp) on its own thread for the
// lifetime of the object, for tests that need a real, conforming peer in-process.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <future>
#include <thread>

#include "serve/echo_server.hpp"

namespace wsspec::test {

// An echo_server running on its own thread for the lifetime of the object.
class running_server {
 public:
  explicit running_server(echo_server_options options) : server_(std::move(options)) {
    thread_ = std::thread([this] {
      server_.run();
      finished_.set_value();
    });
  }
  ~running_server() {
    server_.stop();
    if (finished_.get_future().wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      ADD_FAILURE() << "echo_server::run() did not return after stop()";
      std::abort();  // better than hanging the whole test run
    }
    thread_.join();
  }
  running_server(const running_server&) = delete;
  running_server& operator=(const running_server&) = delete;

  std::uint16_t port() const { return server_.port(); }
  std::size_t connections() const { return server_.connection_count(); }

  // Polls until every connection has ended.
  bool wait_idle(std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (server_.connection_count() != 0) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

 private:
  wsspec::echo_server server_;
  std::promise<void> finished_;
  std::thread thread_;
};

}  // namespace wsspec::test
