#include "run/stop_request.hpp"

#include <atomic>
#include <chrono>
#include <csignal>

namespace wsspec {

namespace {

std::atomic<int> requested{0};
static_assert(std::atomic<int>::is_always_lock_free,
              "a signal handler may only use lock-free atomics");
// The steady clock's count at which the run stops; 0: no bound.
std::atomic<std::chrono::steady_clock::rep> stop_deadline{0};

extern "C" void on_stop_signal(int signal) { requested.store(signal, std::memory_order_relaxed); }

}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking poll() returns at once with EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int stop_signal() noexcept { return requested.load(std::memory_order_relaxed); }

void stop_at(std::chrono::steady_clock::time_point deadline) noexcept {
  stop_deadline.store(deadline.time_since_epoch().count(), std::memory_order_relaxed);
}

bool deadline_passed() noexcept {
  const auto d = stop_deadline.load(std::memory_order_relaxed);
  return d != 0 && std::chrono::steady_clock::now().time_since_epoch().count() >= d;
}

void request_stop(int signal) noexcept { requested.store(signal, std::memory_order_relaxed); }

}  // namespace wsspec
