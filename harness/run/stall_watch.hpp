// Says early, in the progress output, that the target has gone quiet: when no byte has moved
// to or from it on any of the run's connections for `after`, while cases wait on it, one line
// names how long and which cases; once per silence. It decides nothing: the cases' own
// time-outs and the runner's liveness check do.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "run/idle_clock.hpp"

namespace wsspec {

class stall_watch {
 public:
  // `waiting` lists the cases in progress ("" when none); `say` prints one line.
  stall_watch(const idle_clock& activity, std::chrono::milliseconds after,
              std::function<std::string()> waiting, std::function<void(const std::string&)> say);
  ~stall_watch();  // stops the watching thread
  stall_watch(const stall_watch&) = delete;
  stall_watch& operator=(const stall_watch&) = delete;

  // Notices printed so far.
  unsigned notices() const;

 private:
  void watch();

  const idle_clock& activity_;
  const std::chrono::milliseconds after_;
  std::function<std::string()> waiting_;
  std::function<void(const std::string&)> say_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  unsigned notices_ = 0;
  std::thread thread_;
};

}  // namespace wsspec
