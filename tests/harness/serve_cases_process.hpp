// The real program under test: `wsspec serve-cases --port 0 ARGS`, with `extra_env` added to
// this process's environment (a variable of the same name replaced), stdout and stderr into
// temporary files; stopped (SIGTERM) and reaped by the destructor if it is still running.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "program_paths.hpp"

extern char** environ;

namespace wsspec::test {

class serve_cases_process {
 public:
  explicit serve_cases_process(std::vector<std::string> args,
                               std::vector<std::string> extra_env = {}) {
    static int serial = 0;
    log_ = std::filesystem::temp_directory_path() /
           ("wsspec-serve-cases-" + std::to_string(getpid()) + "-" + std::to_string(serial++));
    std::vector<std::string> argv = {WSSPEC_BINARY, "serve-cases", "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw, env;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    // An added variable replaces one of the same name (getenv would find the first).
    for (char** e = environ; *e; ++e) {
      const std::string_view var(*e);
      const bool replaced = std::any_of(extra_env.begin(), extra_env.end(), [&](const auto& x) {
        return var.substr(0, var.find('=') + 1) == x.substr(0, x.find('=') + 1);
      });
      if (!replaced) env.push_back(*e);
    }
    for (auto& e : extra_env) env.push_back(e.data());
    env.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, (log_.string() + ".out").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, (log_.string() + ".err").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pid_, raw[0], &actions, nullptr, raw.data(), env.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~serve_cases_process() {
    stop(SIGTERM);
    std::filesystem::remove(log_.string() + ".out");
    std::filesystem::remove(log_.string() + ".err");
  }
  serve_cases_process(const serve_cases_process&) = delete;
  serve_cases_process& operator=(const serve_cases_process&) = delete;

  // The URL of the first stdout line, once it is there (at most 10 s).
  std::string url() const {
    using namespace std::chrono_literals;
    const std::string prefix = "wsspec serve-cases: listening on ";
    for (const auto until = std::chrono::steady_clock::now() + 10s;
         std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(10ms)) {
      const std::string out = output();
      const std::size_t nl = out.find('\n');
      if (nl == std::string::npos) continue;
      const std::string first = out.substr(0, nl);
      return first.rfind(prefix, 0) == 0 ? first.substr(prefix.size()) : "bad first line: " + first;
    }
    return "no first line";
  }
  std::string output() const { return read(".out"); }
  std::string errors() const { return read(".err"); }

  // The exit code, waiting at most `limit`; -1 when it did not exit (it is then killed).
  int wait(std::chrono::seconds limit) {
    using namespace std::chrono_literals;
    if (pid_ < 0) return exit_;
    int status = 0;
    for (const auto until = std::chrono::steady_clock::now() + limit;
         waitpid(pid_, &status, WNOHANG) == 0; std::this_thread::sleep_for(10ms)) {
      if (std::chrono::steady_clock::now() > until) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return exit_ = -1;
      }
    }
    pid_ = -1;
    return exit_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  int stop(int signal) {
    if (pid_ > 0) kill(pid_, signal);
    return wait(std::chrono::seconds(15));
  }

 private:
  std::string read(const char* ext) const {
    std::ifstream f(log_.string() + ext);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }
  std::filesystem::path log_;
  pid_t pid_ = -1;
  int exit_ = -1;
};

}  // namespace wsspec::test
