// The server under test as a process wsspec starts itself (`wsspec fuzz --server-cmd`), so that
// after a crash or a hang it can be started again: the fuzzer then goes on, and minimises the
// input that brought it down by replaying smaller versions of it.
//
// The command runs under /bin/sh -c in a session of its own; stopping it signals that process
// group (TERM, then KILL after a grace period), which reaches a server started by a wrapper
// (`npm start`, a shell script) as well. Nothing else is ever signalled.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

#include "run/interpreter.hpp"

namespace wsspec::fuzz {

class target_process {
 public:
  // The command's standard output and error are appended to `log`.
  target_process(std::string command, run_options probe, std::string log);
  ~target_process();
  target_process(const target_process&) = delete;
  target_process& operator=(const target_process&) = delete;

  // Starts the command and waits (up to `ready_within`) until the target completes a
  // handshake and an echo. False with the reason if it does not.
  bool start(std::string& error, std::chrono::milliseconds ready_within = std::chrono::seconds(15));
  // Stops it (if running) and starts it again.
  bool restart(std::string& error);
  void stop();
  bool running() const { return pid_ > 0; }
  int restarts() const { return restarts_; }

 private:
  std::string command_;
  run_options probe_;
  std::string log_;
  pid_t pid_ = -1;
  int restarts_ = 0;
};

}  // namespace wsspec::fuzz
