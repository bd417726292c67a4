// The client under test as a process wsspec starts once per case (`--client-cmd 'CMD {url}'`).
// The command is split into words like a POSIX shell would split it (quotes and backslashes, no
// expansions) and run without a shell, so a URL never meets shell syntax. It runs in a process
// group of its own; stopping it sends that group SIGTERM, then SIGKILL after a grace period, and
// reaps it. Nothing else is ever signalled.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsspec::serve_cases {

// "python3 'my client.py' {url}" -> {"python3", "my client.py", "{url}"}; nullopt with the
// reason for an unterminated quote or an empty command.
std::optional<std::vector<std::string>> shell_split(std::string_view command, std::string& error);

// Every "{url}" in every word replaced by `url`.
std::vector<std::string> substitute_url(std::vector<std::string> words, std::string_view url);

class client_process {
 public:
  client_process() = default;
  ~client_process() { stop(); }
  client_process(const client_process&) = delete;
  client_process& operator=(const client_process&) = delete;

  // Starts argv[0] (searched in PATH) with stdin from /dev/null and stdout and stderr appended to
  // `log` (/dev/null when empty). False with the reason when it cannot be started.
  bool start(const std::vector<std::string>& argv, const std::string& log, std::string& error);
  // Whether it has exited (reaped); then `how` says how ("exit code 1", "killed by signal 9").
  bool exited(std::string& how);
  // SIGTERM to its group, SIGKILL after `grace`, reaped. A process that already exited is only
  // reaped.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

 private:
  // Waits up to `t` for the process to end, without reaping it. A pidfd wakes the wait the
  // moment it ends, where a 10 ms sleep-and-check held the job's next client back up to 10 ms.
  void wait_for_exit(std::chrono::milliseconds t);
  void forget();  // after reaping: closes the pidfd

  pid_t pid_ = -1;
  int pidfd_ = -1;  // -1 on a kernel without pidfd_open (before 5.3): then sleeps in steps
};

}  // namespace wsspec::serve_cases
