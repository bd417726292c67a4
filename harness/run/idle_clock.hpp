// When the target last moved a byte, on any of the run's connections. A case's time-outs
// measure the target's idleness, not the wall time a case spent queued behind a neighbour: a
// single-threaded target busy echoing 16 MiB to one connection is not idle towards another,
// so the other's time-out waits (up to the case's total bound, interpreter.hpp).
#pragma once

#include <atomic>
#include <chrono>

#include "transport/connection.hpp"

namespace wsspec {

class idle_clock {
 public:
  idle_clock() { touch(); }
  void touch() noexcept {
    last_.store(clock::now().time_since_epoch().count(), std::memory_order_relaxed);
  }
  clock::time_point last() const noexcept {
    return clock::time_point(clock::duration(last_.load(std::memory_order_relaxed)));
  }

 private:
  std::atomic<clock::rep> last_{0};
};

}  // namespace wsspec
