#include "fuzz/target_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

namespace wsspec::fuzz {

target_process::target_process(std::string command, run_options probe, std::string log)
    : command_(std::move(command)), probe_(std::move(probe)), log_(std::move(log)) {}

target_process::~target_process() { stop(); }

bool target_process::start(std::string& error, std::chrono::milliseconds ready_within) {
  stop();
  const pid_t pid = fork();
  if (pid < 0) {
    error = "cannot start the server command: fork failed";
    return false;
  }
  if (pid == 0) {
    setsid();
    // Its output is the server's, not wsspec's: into the log, never on wsspec's stdout.
    const int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int sink = fd >= 0 ? fd : open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (sink >= 0) {
      dup2(sink, STDOUT_FILENO);
      dup2(sink, STDERR_FILENO);
    }
    execl("/bin/sh", "sh", "-c", command_.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  pid_ = pid;
  const auto deadline = std::chrono::steady_clock::now() + ready_within;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error =
          "the server command exited before it served a connection (" +
          std::string(WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                        : "killed by signal " + std::to_string(WTERMSIG(status))) +
          "): " + command_;
      return false;
    }
    std::string why;
    if (check_liveness(probe_, why) == case_result::liveness::alive) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  error = "the server command did not serve a handshake and an echo within " +
          std::to_string(ready_within.count()) + " ms: " + command_;
  stop();
  return false;
}

bool target_process::restart(std::string& error) {
  ++restarts_;
  return start(error);
}

void target_process::stop() {
  if (pid_ <= 0) return;
  // The group first (a wrapper's children), then the process itself in case it left it.
  kill(-pid_, SIGTERM);
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid_, SIGKILL);
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Whatever of the group outlived its leader.
  kill(-pid_, SIGKILL);
  pid_ = -1;
}

}  // namespace wsspec::fuzz
