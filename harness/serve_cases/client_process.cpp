#include "serve_cases/client_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace wsspec::serve_cases {

namespace {

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace

std::optional<std::vector<std::string>> shell_split(std::string_view command, std::string& error) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (quote == '\'') {
      if (c == '\'')
        quote = 0;
      else
        word += c;
    } else if (quote == '"') {
      if (c == '"') {
        quote = 0;
      } else if (c == '\\' && i + 1 < command.size() &&
                 std::string_view("\"\\$`").find(command[i + 1]) != std::string_view::npos) {
        word += command[++i];
      } else {
        word += c;
      }
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      in_word = true;
      if (c == '\'' || c == '"')
        quote = c;
      else if (c == '\\' && i + 1 < command.size())
        word += command[++i];
      else
        word += c;
    }
  }
  if (quote) {
    error = std::string("unterminated ") + (quote == '"' ? "double" : "single") + " quote";
    return std::nullopt;
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) {
    error = "the command is empty";
    return std::nullopt;
  }
  return words;
}

std::vector<std::string> substitute_url(std::vector<std::string> words, std::string_view url) {
  constexpr std::string_view placeholder = "{url}";
  for (std::string& w : words) {
    for (std::size_t at = w.find(placeholder); at != std::string::npos;
         at = w.find(placeholder, at + url.size()))
      w.replace(at, placeholder.size(), url);
  }
  return words;
}

bool client_process::start(const std::vector<std::string>& argv, const std::string& log,
                           std::string& error) {
  stop();
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  // The client's output is the client's, not wsspec's progress: into the log.
  const char* sink = log.empty() ? "/dev/null" : log.c_str();
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, sink, O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // A group of its own, so stopping it reaches what a wrapper script started, and nothing else.
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    error = "cannot start " + argv[0] + ": " + std::strerror(rc);
    return false;
  }
  pid_ = pid;
  // By syscall: Debian 12's glibc declares pidfd_open without C linkage for C++.
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  return true;
}

void client_process::wait_for_exit(std::chrono::milliseconds t) {
  if (pidfd_ >= 0) {
    pollfd p{pidfd_, POLLIN, 0};
    while (::poll(&p, 1, static_cast<int>(t.count())) < 0 && errno == EINTR) {
    }
    return;
  }
  std::this_thread::sleep_for(std::min(t, std::chrono::milliseconds(10)));
}

void client_process::forget() {
  if (pidfd_ >= 0) ::close(pidfd_);
  pidfd_ = -1;
  pid_ = -1;
}

bool client_process::exited(std::string& how) {
  if (pid_ <= 0) return true;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
  how = describe_status(status);
  kill(-pid_, SIGKILL);  // whatever of its group outlived it
  forget();
  return true;
}

void client_process::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return;
  std::string how;
  if (exited(how)) return;
  kill(-pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    const auto now = std::chrono::steady_clock::now();
    if (now > deadline) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    wait_for_exit(std::chrono::ceil<std::chrono::milliseconds>(deadline - now));
  }
  kill(-pid_, SIGKILL);
  forget();
}

}  // namespace wsspec::serve_cases
