// The `wsspec` program as users and CI scripts see it (DESIGN.md, "The wsspec command"): the
// real binary is run as a child process, with its stdout and stderr captured and a bounded
// time, against `wsspec serve` (everything must pass) and against tests/targets/
// fragile_server.py, a deliberately broken server (verdicts must fail, with reasons, and the
// liveness check must notice that the target died).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "program_paths.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

const std::string wsspec_binary = WSSPEC_BINARY;
const std::string source_dir = WSSPEC_SOURCE_DIR;
const std::string python = "/usr/bin/python3";

// ---- child processes -------------------------------------------------------------------------

struct pipe_fds {
  int read = -1, write = -1;
};

pipe_fds make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return {};
  return {fds[0], fds[1]};
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Starts argv with stdin from /dev/null, stdout (and stderr, unless `err` is null: then it is
// inherited) into new pipes. Returns the pid, or -1.
pid_t spawn(const std::vector<std::string>& argv, int* out, int* err) {
  pipe_fds o = make_pipe();
  pipe_fds e = err ? make_pipe() : pipe_fds{};
  if (o.read < 0 || (err && e.read < 0)) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, o.write, STDOUT_FILENO);
  if (err) posix_spawn_file_actions_adddup2(&actions, e.write, STDERR_FILENO);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close_fd(o.write);
  close_fd(e.write);
  if (rc != 0) {
    close_fd(o.read);
    close_fd(e.read);
    return -1;
  }
  *out = o.read;
  if (err) *err = e.read;
  return pid;
}

// Waits for pid until `deadline`; SIGKILLs it after. Returns the exit status as a shell gives it
// (128 + signal for a signal).
int reap(pid_t pid, steady::time_point deadline) {
  int status = 0;
  while (true) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return -1;
    if (steady::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(5ms);
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

struct run_result {
  int exit = -1;
  std::string out, err;
  bool timed_out = false;
};

std::ostream& operator<<(std::ostream& os, const run_result& r) {
  return os << "exit " << r.exit << (r.timed_out ? " (timed out)" : "") << "\n--- stdout:\n"
            << r.out << "--- stderr:\n"
            << r.err;
}

// Runs argv to completion (at most `limit`, then it is killed) and captures both outputs.
run_result run(const std::vector<std::string>& argv, std::chrono::seconds limit = 60s) {
  run_result r;
  int out = -1, err = -1;
  const pid_t pid = spawn(argv, &out, &err);
  if (pid < 0) {
    r.err = "cannot start " + argv[0];
    return r;
  }
  const auto deadline = steady::now() + limit;
  pollfd fds[2] = {{out, POLLIN, 0}, {err, POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open = 2;
  while (open > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()).count();
    if (left <= 0) {
      r.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    const int n = ::poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000)));
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      }
    }
  }
  for (auto& f : fds) close_fd(f.fd);
  r.exit = reap(pid, steady::now() + 5s);
  return r;
}

run_result wsspec(std::vector<std::string> args, std::chrono::seconds limit = 60s) {
  args.insert(args.begin(), wsspec_binary);
  return run(args, limit);
}

// A server running in the background: started, its first stdout line read (with a deadline),
// and stopped by its PID.
class background_server {
 public:
  // `listening` extracts the port from the server's first line (nullopt: not the line wanted).
  background_server(const std::vector<std::string>& argv,
                    std::optional<int> (*listening)(const std::string& line)) {
    pid_ = spawn(argv, &out_, nullptr);
    if (pid_ < 0) {
      error_ = "cannot start " + argv[0];
      return;
    }
    const auto deadline = steady::now() + 30s;
    std::string text;
    while (steady::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 100) < 0 && errno != EINTR) break;
      if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[4096];
        const ssize_t got = ::read(out_, buf, sizeof buf);
        if (got <= 0) break;
        text.append(buf, static_cast<std::size_t>(got));
        const auto nl = text.find('\n');
        if (nl != std::string::npos) {
          if (const auto port = listening(text.substr(0, nl))) {
            port_ = *port;
            return;
          }
          break;
        }
      }
    }
    error_ = "the server did not say it listens; its output: " + text;
    stop();
  }
  background_server(const background_server&) = delete;
  background_server& operator=(const background_server&) = delete;
  ~background_server() { stop(); }

  bool ok() const { return port_ > 0; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/"; }
  pid_t pid() const { return pid_; }

  // Whether the process is still running (a dead one is reaped here).
  bool alive() {
    if (pid_ < 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    return true;
  }

  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      reap(pid_, steady::now() + 5s);
      pid_ = -1;
    }
    close_fd(out_);
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  int port_ = 0;
  std::string error_;
};

// `prefix` + decimal port + `suffix`, nothing else. (No std::regex: GCC 12 warns inside it
// under the sanitizers.)
std::optional<int> port_between(std::string_view line, std::string_view prefix,
                                std::string_view suffix) {
  if (!line.starts_with(prefix) || !line.ends_with(suffix)) return std::nullopt;
  const auto digits = line.substr(prefix.size(), line.size() - prefix.size() - suffix.size());
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  int port = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + (c - '0');
  }
  return port;
}

// "listening on ws://127.0.0.1:PORT/" (wsspec serve)
std::optional<int> wsspec_serve_port(const std::string& line) {
  return port_between(line, "listening on ws://127.0.0.1:", "/");
}

// "listening PORT" (tests/targets/*.py)
std::optional<int> python_target_port(const std::string& line) {
  return port_between(line, "listening ", "");
}

// "N passed, 0 failed" with N >= 1.
bool all_passed_line(std::string_view line) {
  const auto n = port_between(line, "", " passed, 0 failed");
  return n.has_value() && *n > 0;
}

// ---- files -----------------------------------------------------------------------------------

class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "wsspec_cli_test_XXXXXX").string();
    if (::mkdtemp(pattern.data())) path_ = pattern;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

json read_json(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return json::value_t::discarded;
  return json::parse(f, nullptr, false);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string last_line(const std::string& text) {
  const auto l = lines(text);
  return l.empty() ? std::string() : l.back();
}

// A port nothing listens on: bound to get a free one, then closed.
int closed_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(s);
  return port;
}

// `wsspec list --json [args]`, parsed.
json list_json(std::vector<std::string> args = {}) {
  args.insert(args.begin(), {"list", "--json"});
  const run_result r = wsspec(args);
  EXPECT_EQ(r.exit, 0) << r;
  return json::parse(r.out, nullptr, false);
}

std::map<std::string, json> by_id(const json& results) {
  std::map<std::string, json> out;
  for (const auto& c : results["cases"]) out[c["id"].get<std::string>()] = c;
  return out;
}

// ---- the command line, without a target -----------------------------------------------------

TEST(CliUsage, VersionExitsZero) {
  const run_result r = wsspec({"--version"});
  EXPECT_EQ(r.exit, 0) << r;
  EXPECT_TRUE(
      r.out.size() >= 5 && std::isdigit(static_cast<unsigned char>(r.out[0])) &&
      std::count(r.out.begin(), r.out.begin() + std::min<std::size_t>(r.out.size(), 12), '.') >= 2)
      << r;
}

TEST(CliUsage, NoSubcommandIsUsageError) {
  const run_result r = wsspec({});
  EXPECT_EQ(r.exit, 2) << r;
  EXPECT_FALSE(r.err.empty()) << r;
}

TEST(CliUsage, UnknownSubcommandOrOptionIsUsageError) {
  EXPECT_EQ(wsspec({"frobnicate"}).exit, 2);
  EXPECT_EQ(wsspec({"list", "--no-such-option"}).exit, 2);
  EXPECT_EQ(wsspec({"run"}).exit, 2);  // the URL is required
}

TEST(CliUsage, RunWithANonWebSocketUrlIsUsageError) {
  for (const char* url : {"http://x", "x", "ws://", "ftp://127.0.0.1/"}) {
    const run_result r = wsspec({"run", url});
    EXPECT_EQ(r.exit, 2) << url << "\n" << r;
    EXPECT_NE(r.err.find(url), std::string::npos) << r;
  }
}

TEST(CliUsage, PatternMatchingNothingIsUsageErrorNamingIt) {
  // Checked before the target is contacted: no server is needed.
  const run_result r = wsspec({"run", "ws://127.0.0.1:1/", "--cases", "nosuchcase"});
  EXPECT_EQ(r.exit, 2) << r;
  EXPECT_NE(r.err.find("nosuchcase"), std::string::npos) << r;
  const run_result l = wsspec({"list", "--cases", "handshake/*,nosuchcase2"});
  EXPECT_EQ(l.exit, 2) << l;
  EXPECT_NE(l.err.find("nosuchcase2"), std::string::npos) << l;
}

TEST(CliUsage, MalformedCaseFileIsUsageErrorWithFileAndPointer) {
  temp_dir dir;
  ASSERT_FALSE(dir.path().empty());
  write_file(dir.path() / "myarea" / "good.json", R"({
    "id": "myarea/good", "title": "t", "rfc": ["5.2"], "why": "w",
    "steps": [{"send_message": {"payload": "x"}}, {"expect": [{"message": {"payload": "echo"}}]}]
  })");
  write_file(dir.path() / "myarea" / "bad.json", R"({
    "id": "myarea/bad", "title": "t", "rfc": ["5.2"], "why": "w",
    "steps": [{"send_message": {"payload": "x"}},
              {"send_frame": {"opcode": "txt"}}]
  })");
  for (const char* command : {"run", "list"}) {
    std::vector<std::string> args = {command};
    if (std::string(command) == "run") args.push_back("ws://127.0.0.1:1/");
    args.insert(args.end(), {"--case-dir", dir.path().string()});
    const run_result r = wsspec(args);
    EXPECT_EQ(r.exit, 2) << r;
    EXPECT_NE(r.err.find("myarea/bad.json"), std::string::npos) << r;
    EXPECT_NE(r.err.find("/steps/1/send_frame/opcode"), std::string::npos) << r;
    EXPECT_EQ(r.out, "") << r;
  }
}

TEST(CliUsage, CaseDirAddsCases) {
  temp_dir dir;
  write_file(dir.path() / "myarea" / "good.json", R"({
    "id": "myarea/good", "title": "my own case", "rfc": ["5.2"], "why": "w",
    "steps": [{"send_message": {"payload": "x"}}, {"expect": [{"message": {"payload": "echo"}}]}]
  })");
  const json j = list_json({"--case-dir", dir.path().string(), "--cases", "myarea"});
  ASSERT_TRUE(j.is_object()) << j;
  ASSERT_EQ(j["cases"].size(), 1u) << j;
  EXPECT_EQ(j["cases"][0]["id"], "myarea/good");
  EXPECT_EQ(j["cases"][0]["area"], "myarea");
  EXPECT_EQ(j["cases"][0]["title"], "my own case");
  EXPECT_TRUE(j["cases"][0]["autobahn"].is_null());
}

TEST(CliUsage, UnreachableTargetExitsThree) {
  const int port = closed_port();
  ASSERT_GT(port, 0);
  temp_dir dir;
  const run_result r = wsspec({"run", "ws://127.0.0.1:" + std::to_string(port) + "/", "--cases",
                               "handshake/*", "--out", dir / "out"},
                              30s);
  EXPECT_EQ(r.exit, 3) << r;
  EXPECT_NE(r.err.find("cannot be reached"), std::string::npos) << r;
  EXPECT_FALSE(r.timed_out);
}

TEST(CliUsage, LimitOutOfRangeOrWithoutUnitIsUsageError) {
  for (const auto& bad : std::vector<std::vector<std::string>>{
           {"--max-frame", "13"}, {"--max-head", "64 parsecs"}, {"--total-timeout", "-1"}}) {
    std::vector<std::string> args = {"run", "ws://127.0.0.1:1/", "--cases", "1.1.1"};
    args.insert(args.end(), bad.begin(), bad.end());
    const run_result r = wsspec(args);
    EXPECT_EQ(r.exit, 2) << bad[0] << " " << bad[1] << "\n" << r;
    EXPECT_NE(r.err.find(bad[0]), std::string::npos) << r;
  }
}

TEST(CliList, JsonShape) {
  const json j = list_json();
  ASSERT_TRUE(j.is_object()) << j;
  ASSERT_EQ(j.size(), 2u) << j;  // "cases", and "requirements" (cli_requirements_test.cpp)
  ASSERT_TRUE(j.contains("cases") && j["cases"].is_array());
  ASSERT_GT(j["cases"].size(), 0u);
  std::set<std::string> ids;
  for (const auto& c : j["cases"]) {
    SCOPED_TRACE(c.dump());
    ASSERT_TRUE(c.is_object());
    std::set<std::string> keys;
    for (const auto& [k, v] : c.items()) keys.insert(k);
    EXPECT_EQ(keys, (std::set<std::string>{"id", "autobahn", "rfc", "title", "area", "tags",
                                           "requirements", "peer"}));
    ASSERT_TRUE(c["id"].is_string());
    EXPECT_TRUE(ids.insert(c["id"].get<std::string>()).second) << "duplicate id";
    EXPECT_TRUE(c["autobahn"].is_null() || c["autobahn"].is_string());
    ASSERT_TRUE(c["rfc"].is_array());
    EXPECT_FALSE(c["rfc"].empty());
    for (const auto& r : c["rfc"]) EXPECT_TRUE(r.is_string());
    EXPECT_TRUE(c["title"].is_string());
    EXPECT_FALSE(c["title"].get<std::string>().empty());
    EXPECT_TRUE(c["area"].is_string());
    ASSERT_TRUE(c["tags"].is_array());
    for (const auto& t : c["tags"]) EXPECT_TRUE(t.is_string());
  }
  // The plain listing ends with the count, which agrees.
  const run_result plain = wsspec({"list"});
  EXPECT_EQ(plain.exit, 0);
  EXPECT_EQ(last_line(plain.out), std::to_string(j["cases"].size()) + " cases");
}

TEST(CliList, PatternsSelect) {
  const json all = list_json();
  const json hs = list_json({"--cases", "handshake/*"});
  ASSERT_GT(hs["cases"].size(), 0u);
  EXPECT_LT(hs["cases"].size(), all["cases"].size());
  for (const auto& c : hs["cases"]) EXPECT_EQ(c["area"], "handshake") << c;
  const json rest = list_json({"--exclude", "handshake"});
  EXPECT_EQ(rest["cases"].size() + hs["cases"].size(), all["cases"].size());
  for (const auto& c : rest["cases"]) EXPECT_NE(c["area"], "handshake") << c;
}

// ---- against `wsspec serve` ------------------------------------------------------------------

class CliServe : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new background_server({wsspec_binary, "serve", "--port", "0"}, wsspec_serve_port);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(server_->ok()) << server_->error(); }
  void TearDown() override { EXPECT_TRUE(server_->alive()) << "wsspec serve died"; }

  static background_server* server_;
};

background_server* CliServe::server_ = nullptr;

TEST_F(CliServe, FullRunPassesAndWritesResults) {
  // All but the Autobahn 12.x/13.x counterparts, which move 10.9 GB each way and have their
  // own ctest (compression_area_against_serve).
  json listed = list_json({"--exclude", "compression/1000x*"});
  // wsspec run leaves out the cases for clients (serve-cases runs them).
  auto& listed_cases = listed["cases"];
  listed_cases.erase(std::remove_if(listed_cases.begin(), listed_cases.end(),
                                    [](const json& c) { return c["peer"] == "client"; }),
                     listed_cases.end());
  const std::size_t n = listed_cases.size();
  ASSERT_GT(n, 0u);
  temp_dir dir;
  const std::string out = dir / "report";
  const std::string ab = dir / "autobahn/index.json";
  const run_result r = wsspec({"run", server_->url(), "--exclude", "compression/1000x*", "--out",
                               out, "--autobahn-json", ab},
                              120s);
  ASSERT_EQ(r.exit, 0) << r;
  EXPECT_EQ(last_line(r.out), std::to_string(n) + " passed, 0 failed") << r;
  // Not a terminal: one line per finished case, no escape sequences.
  EXPECT_EQ(r.out.find('\033'), std::string::npos);
  for (const auto& c : listed["cases"])
    EXPECT_NE(r.out.find(c["id"].get<std::string>()), std::string::npos) << c["id"];

  const json results = read_json(fs::path(out) / "results.json");
  ASSERT_TRUE(results.is_object()) << "results.json missing or not JSON";
  EXPECT_EQ(results["tool"]["name"], "wsspec");
  const run_result version = wsspec({"--version"});
  EXPECT_EQ(results["tool"]["version"].get<std::string>() + "\n", version.out);
  EXPECT_EQ(results["target"]["url"], server_->url());
  EXPECT_TRUE(results["target"]["server"].is_string());
  // The reference server passes everything; a few cases only record what a target does
  // (graded info: e.g. close codes outside the RFC's ranges, an endless fragment flood).
  EXPECT_EQ(results["summary"]["pass"].get<int>() + results["summary"]["info"].get<int>(), n);
  EXPECT_GT(results["summary"]["pass"].get<int>(), n / 2);
  for (const char* k : {"non-strict", "unimplemented", "fail", "error"})
    EXPECT_EQ(results["summary"][k], 0) << k;
  ASSERT_EQ(results["cases"].size(), n);
  std::set<std::string> listed_ids, run_ids;
  for (const auto& c : listed["cases"]) listed_ids.insert(c["id"].get<std::string>());
  for (const auto& c : results["cases"]) {
    SCOPED_TRACE(c["id"].dump());
    run_ids.insert(c["id"].get<std::string>());
    EXPECT_TRUE(c["verdict"] == "pass" || c["verdict"] == "info") << c["reason"];
    EXPECT_TRUE(c["duration_ms"].is_number());
    EXPECT_GE(c["duration_ms"].get<double>(), 0.0);
    EXPECT_FALSE(c["transcript"].empty());
  }
  EXPECT_EQ(run_ids, listed_ids);

  const json autobahn = read_json(ab);
  ASSERT_TRUE(autobahn.is_object()) << "Autobahn file missing or not JSON";
  ASSERT_EQ(autobahn.size(), 1u) << autobahn;
  const json& agent = autobahn.begin().value();
  std::set<std::string> want, got;
  for (const auto& c : listed["cases"])
    if (c["autobahn"].is_string()) want.insert(c["autobahn"].get<std::string>());
  for (const auto& [k, v] : agent.items()) {
    got.insert(k);
    EXPECT_TRUE(v["behavior"] == "OK" || v["behavior"] == "INFORMATIONAL") << k;
    EXPECT_TRUE(v["behaviorClose"] == "OK" || v["behaviorClose"] == "INFORMATIONAL") << k;
  }
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(got, want);
}

TEST_F(CliServe, HandshakePatternRunsOnlyHandshakeCases) {
  const json listed = list_json({"--cases", "handshake/*"});
  const std::size_t n = listed["cases"].size();
  ASSERT_GT(n, 0u);
  temp_dir dir;
  const run_result r =
      wsspec({"run", server_->url(), "--cases", "handshake/*", "--jobs", "1", "--out", dir / "o"});
  ASSERT_EQ(r.exit, 0) << r;
  EXPECT_EQ(last_line(r.out), std::to_string(n) + " passed, 0 failed") << r;
  const json results = read_json(fs::path(dir / "o") / "results.json");
  ASSERT_EQ(results["cases"].size(), n) << results.dump(1);
  // --jobs 1 keeps the selection's order.
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(results["cases"][i]["id"], listed["cases"][i]["id"]);
    EXPECT_EQ(results["cases"][i]["area"], "handshake");
  }
  EXPECT_EQ(r.out.find("framing/"), std::string::npos) << r;
}

TEST_F(CliServe, EmptyBaselineStillExitsZero) {
  temp_dir dir;
  write_file(dir.path() / "baseline.json", R"({"target": "wsspec serve", "accepted": []})");
  const run_result r =
      wsspec({"run", server_->url(), "--cases", "framing/*", "--baseline", dir / "baseline.json"});
  EXPECT_EQ(r.exit, 0) << r;
  EXPECT_TRUE(all_passed_line(last_line(r.out))) << r;
}

TEST_F(CliServe, BaselineEntryForAPassingCaseIsReported) {
  temp_dir dir;
  write_file(dir.path() / "baseline.json", R"json({"accepted": [
    {"id": "utf8/valid-kosme", "verdict": "fail", "reason": "it used to fail (RFC 6455 8.1)"}]})json");
  const run_result r = wsspec({"run", server_->url(), "--cases", "utf8/*", "--baseline",
                               dir / "baseline.json", "--out", dir / "o"});
  EXPECT_EQ(r.exit, 0) << r;
  EXPECT_NE(r.out.find("baseline entry utf8/valid-kosme now passes"), std::string::npos) << r;
  const json results = read_json(fs::path(dir / "o") / "results.json");
  EXPECT_EQ(results["baseline"]["now_passing"], json::parse(R"(["utf8/valid-kosme"])"));
}

TEST_F(CliServe, MalformedBaselineIsUsageErrorWithPointer) {
  temp_dir dir;
  write_file(dir.path() / "baseline.json", R"({"accepted": [
    {"id": "a", "verdict": "fail", "reason": "r"},
    {"id": "b", "verdict": "pass", "reason": "r"}]})");
  const run_result r = wsspec({"run", server_->url(), "--baseline", dir / "baseline.json"});
  EXPECT_EQ(r.exit, 2) << r;
  EXPECT_NE(r.err.find("baseline.json: /accepted/1/verdict"), std::string::npos) << r;
}

std::string file_text(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

TEST_F(CliServe, LimitsAreFlagsRecordedInEveryReport) {
  temp_dir dir;
  const run_result r = wsspec({"run", server_->url(), "--cases", "1.1.1", "--max-head", "64KiB",
                               "--max-frame", "1MiB", "--max-message", "2MiB", "--timeout", "2",
                               "--total-timeout", "600", "--out", dir / "o"});
  ASSERT_EQ(r.exit, 0) << r;
  const json results = read_json(fs::path(dir / "o") / "results.json");
  EXPECT_EQ(results["limits"], json::parse(R"({"head_bytes": 65536, "frame_bytes": 1048576,
      "message_bytes": 2097152, "case_timeout_ms": 2000, "default_case_timeout_ms": 5000,
      "total_timeout_ms": 600000})"));
  const std::string shown =
      "head 64 KiB, frame 1 MiB, message 2 MiB, case time-out 2 s, total time-out 10 min";
  EXPECT_NE(file_text(fs::path(dir / "o") / "index.html").find(shown), std::string::npos);
  EXPECT_NE(file_text(fs::path(dir / "o") / "junit.xml").find(shown), std::string::npos);
}

TEST_F(CliServe, DefaultLimitsAreDocumentedValues) {
  temp_dir dir;
  const run_result r = wsspec({"run", server_->url(), "--cases", "1.1.1", "--out", dir / "o"});
  ASSERT_EQ(r.exit, 0) << r;
  const json results = read_json(fs::path(dir / "o") / "results.json");
  EXPECT_EQ(results["limits"], json::parse(R"({"head_bytes": 262144, "frame_bytes": 67108864,
      "message_bytes": 67108864, "case_timeout_ms": null, "default_case_timeout_ms": 5000,
      "total_timeout_ms": 1800000})"));
}

// A message beyond --max-message is no rule the target broke: the case is not judged (error),
// and the reason names the flag that would let it be.
TEST_F(CliServe, MessageBeyondMaxMessageIsErrorNamingTheFlag) {
  temp_dir dir;
  const run_result r = wsspec(
      {"run", server_->url(), "--cases", "9.1.1", "--max-message", "1KiB", "--out", dir / "o"});
  EXPECT_EQ(r.exit, 1) << r;
  const json results = read_json(fs::path(dir / "o") / "results.json");
  ASSERT_EQ(results["cases"].size(), 1u);
  const json& c = results["cases"][0];
  EXPECT_EQ(c["verdict"], "error");
  EXPECT_EQ(c["reason"],
            "not judged: the target sent a message beyond wsspec's --max-message of 1 KiB; "
            "raise it to judge");
  EXPECT_FALSE(c.contains("violation")) << "a limit of wsspec's is no violation of the target's";
}

TEST_F(CliServe, TotalTimeoutMarksTheCasesNotReached) {
  temp_dir dir;
  const run_result r = wsspec(
      {"run", server_->url(), "--jobs", "1", "--total-timeout", "0.2", "--out", dir / "o"}, 60s);
  EXPECT_EQ(r.exit, 1) << r;
  const json results = read_json(fs::path(dir / "o") / "results.json");
  EXPECT_EQ(results["incomplete"], true);
  const std::string stopped = results["stopped"].get<std::string>();
  EXPECT_EQ(stopped.rfind("the total time-out (--total-timeout 0.2 s) ran out after ", 0), 0u)
      << stopped;
  std::size_t ran = 0, not_reached = 0;
  for (const auto& c : results["cases"]) {
    if (c.value("not_run", false)) {
      ++not_reached;
      EXPECT_EQ(c["verdict"], "error") << c["id"];
    } else {
      ++ran;
      EXPECT_TRUE(c["verdict"] == "pass" || c["verdict"] == "info") << c["id"];
    }
  }
  EXPECT_GT(ran, 0u);
  EXPECT_GT(not_reached, 0u);
  EXPECT_NE(last_line(r.out).find("(incomplete: the total time-out"), std::string::npos) << r;
}

// permessage-deflate: a compression case against serve, which negotiates it, passes with the
// compressed echo in its transcript; against serve --no-deflate it is unimplemented (RFC 7692 5
// lets a server decline), saying what was offered.
TEST_F(CliServe, CompressionCaseRunsCompressedWhenAgreed) {
  temp_dir dir;
  const run_result r = wsspec(
      {"run", server_->url(), "--cases", "compression/binary-fragmented-echo", "--out", dir / "o"});
  ASSERT_EQ(r.exit, 0) << r;
  const json results = read_json(fs::path(dir / "o") / "results.json");
  ASSERT_EQ(results["cases"].size(), 1u);
  const json& c = results["cases"][0];
  EXPECT_EQ(c["verdict"], "pass") << c.dump(1);
  bool sent = false, echoed = false;
  for (const auto& line : c["transcript"]) {
    const std::string l = line.get<std::string>();
    sent |= l.find("> compressed binary message in ") != std::string::npos;
    echoed |= l.find("< a compressed binary message of 65536 bytes") != std::string::npos;
  }
  EXPECT_TRUE(sent && echoed) << c["transcript"].dump(1);
}

TEST(CliDeflate, CompressionCaseAgainstAServerThatDeclinesIsUnimplemented) {
  background_server plain({wsspec_binary, "serve", "--port", "0", "--no-deflate"},
                          wsspec_serve_port);
  ASSERT_TRUE(plain.ok()) << plain.error();
  temp_dir dir;
  const run_result r =
      wsspec({"run", plain.url(), "--cases", "compression/text-echo", "--out", dir / "o"});
  EXPECT_EQ(r.exit, 0) << r;  // unimplemented is not a failure without --strict
  const json results = read_json(fs::path(dir / "o") / "results.json");
  ASSERT_EQ(results["cases"].size(), 1u);
  EXPECT_EQ(results["cases"][0]["verdict"], "unimplemented");
  EXPECT_EQ(results["cases"][0]["reason"],
            "the target declined permessage-deflate (offered: permessage-deflate); RFC 7692 5 "
            "lets a server decline");
}

// ---- against a deliberately broken target ----------------------------------------------------

class BrokenTarget : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::access(python.c_str(), X_OK), 0) << python << " is needed for this test";
    server_ = std::make_unique<background_server>(
        std::vector<std::string>{python, source_dir + "/tests/targets/fragile_server.py", "0"},
        python_target_port);
    ASSERT_TRUE(server_->ok()) << server_->error();
  }
  void TearDown() override { server_.reset(); }  // kills it by its PID if still alive

  // Runs `wsspec run` against the broken server and returns results.json's cases by id.
  std::map<std::string, json> run_against(const std::string& cases, run_result& r) {
    r = wsspec({"run", server_->url(), "--cases", cases, "--jobs", "1", "--out", dir_ / "o"}, 60s);
    const json results = read_json(fs::path(dir_ / "o") / "results.json");
    EXPECT_TRUE(results.is_object()) << r;
    return results.is_object() ? by_id(results) : std::map<std::string, json>{};
  }

  std::unique_ptr<background_server> server_;
  temp_dir dir_;
};

const std::vector<std::string> invalid_utf8_cases = {
    "utf8/invalid-overlong-slash", "utf8/invalid-surrogate", "utf8/invalid-above-u10ffff"};
const std::vector<std::string> rsv_cases = {"reserved/rsv-1-on-text", "reserved/rsv-4-on-text"};
// Named one by one so the tests do not change as the catalogue grows.
const std::string six_cases =
    "utf8/valid-kosme,utf8/invalid-overlong-slash,utf8/invalid-surrogate,"
    "utf8/invalid-above-u10ffff,reserved/rsv-1-on-text,reserved/rsv-4-on-text";

TEST_F(BrokenTarget, EchoedInvalidFramesFailAndValidTextPasses) {
  run_result r;
  const auto cases = run_against(six_cases, r);
  EXPECT_EQ(r.exit, 1) << r;
  EXPECT_EQ(last_line(r.out), "1 passed, 5 failed") << r;
  ASSERT_EQ(cases.size(), 6u) << r;
  ASSERT_TRUE(cases.count("utf8/valid-kosme"));
  EXPECT_EQ(cases.at("utf8/valid-kosme")["verdict"], "pass");
  for (const auto& id : invalid_utf8_cases) {
    ASSERT_TRUE(cases.count(id)) << id;
    EXPECT_EQ(cases.at(id)["verdict"], "fail") << id;
    const std::string reason = cases.at(id)["reason"];
    EXPECT_NE(reason.find("not valid UTF-8"), std::string::npos) << id << ": " << reason;
  }
  for (const auto& id : rsv_cases) {
    ASSERT_TRUE(cases.count(id)) << id;
    EXPECT_EQ(cases.at(id)["verdict"], "fail") << id;
    const std::string reason = cases.at(id)["reason"];
    // What was expected, and what came instead (the echoed payload).
    EXPECT_NE(reason.find("expected the target failing the connection (close 1002"),
              std::string::npos)
        << id << ": " << reason;
    EXPECT_NE(reason.find("got a text message of 13 bytes"), std::string::npos)
        << id << ": " << reason;
    EXPECT_NE(reason.find("|Hello, world!|"), std::string::npos) << id << ": " << reason;
  }
  EXPECT_TRUE(server_->alive()) << "these bugs do not crash the server";
}

// A reason must say what was expected as well as what arrived, also when what arrived is a
// frame wsspec's decoder rejects (here: the target echoed invalid UTF-8 as text).
TEST_F(BrokenTarget, InvalidUtf8ReasonSaysWhatWasExpectedAndWhatArrived) {
  run_result r;
  const auto cases = run_against(
      "utf8/invalid-overlong-slash,utf8/invalid-surrogate,utf8/invalid-above-u10ffff", r);
  EXPECT_EQ(r.exit, 1) << r;
  for (const auto& id : invalid_utf8_cases) {
    ASSERT_TRUE(cases.count(id)) << id;
    const std::string reason = cases.at(id)["reason"];
    EXPECT_NE(reason.find("expected the target failing the connection (close 1007"),
              std::string::npos)
        << id << ": " << reason;
    EXPECT_NE(reason.find("not valid UTF-8"), std::string::npos) << id << ": " << reason;
  }
}

TEST_F(BrokenTarget, CrashIsCaughtByTheLivenessProbeAndTheRunGoesOn) {
  run_result r;
  const auto cases = run_against(six_cases + ",opcodes/reserved-opcode-3", r);
  EXPECT_EQ(r.exit, 1) << r;
  EXPECT_FALSE(r.timed_out) << r;
  ASSERT_EQ(cases.size(), 7u) << r;
  // The selection runs area by area: opcodes first, so the crash comes first.
  ASSERT_TRUE(cases.count("opcodes/reserved-opcode-3"));
  const json& crash = cases.at("opcodes/reserved-opcode-3");
  EXPECT_EQ(crash["verdict"], "fail") << crash.dump(1);
  const std::string reason = crash["reason"];
  EXPECT_NE(reason.find("no longer completes a handshake"), std::string::npos) << reason;
  bool probe_in_transcript = false;
  for (const auto& line : crash["transcript"])
    probe_in_transcript |=
        line.get<std::string>().find("* liveness check failed") != std::string::npos;
  EXPECT_TRUE(probe_in_transcript) << crash["transcript"].dump(1);
  // The server is gone: it is named once, by the crash case; every other case is error, marked
  // not run, saying so; the run stops at once instead of failing to connect 6 more times.
  for (const auto& [id, c] : cases) {
    if (id == "opcodes/reserved-opcode-3") continue;
    EXPECT_EQ(c["verdict"], "error") << id;
    EXPECT_EQ(c["not_run"], true) << id;
    // What the new connection got is said in the transport's words, which depend on how far
    // the dying server got (a refused connect, or a reset after it accepted).
    const std::string why = c["reason"];
    EXPECT_EQ(why.rfind("not run: the target died after opcodes/reserved-opcode-3 (a new "
                        "connection: ",
                        0),
              0u)
        << why;
    EXPECT_TRUE(why.ends_with("); the other 6 cases were not run")) << why;
  }
  const std::string last = last_line(r.out);
  EXPECT_EQ(last.rfind("0 passed, 7 failed (stopped: the target died after "
                       "opcodes/reserved-opcode-3 (a new connection: ",
                       0),
            0u)
      << r;
  EXPECT_TRUE(last.ends_with("); the other 6 cases were not run)")) << r;
  EXPECT_FALSE(server_->alive());
}

TEST_F(BrokenTarget, CrashAloneFailsOnlyThatCase) {
  run_result r;
  const auto cases = run_against("opcodes/reserved-opcode-3", r);
  EXPECT_EQ(r.exit, 1) << r;
  ASSERT_EQ(cases.size(), 1u) << r;
  const json& crash = cases.at("opcodes/reserved-opcode-3");
  EXPECT_EQ(crash["verdict"], "fail");
  EXPECT_NE(crash["reason"].get<std::string>().find(
                "after this case the target no longer completes a handshake"),
            std::string::npos)
      << crash["reason"];
  EXPECT_EQ(last_line(r.out), "0 passed, 1 failed") << r;
}

TEST_F(BrokenTarget, UnreachableAfterTheCrashExitsThree) {
  run_result r;
  (void)run_against("opcodes/reserved-opcode-3", r);
  ASSERT_EQ(r.exit, 1) << r;
  const run_result again = wsspec({"run", server_->url(), "--cases", "utf8/*"}, 30s);
  EXPECT_EQ(again.exit, 3) << again;
}

// ---- wsspec report: comparing runs ----------------------------------------------------------

// A results.json with the given (id, verdict) cases.
std::string results_with(const std::vector<std::pair<std::string, std::string>>& cases,
                         const std::string& server = "ExampleWS/1.0") {
  json c = json::array();
  for (const auto& [id, v] : cases) {
    c.push_back({{"id", id},
                 {"area", id.substr(0, id.find('/'))},
                 {"verdict", v},
                 {"reason", v == "pass" ? "" : "reason of " + id}});
  }
  return json{{"tool", {{"name", "wsspec"}, {"version", "0.1.0"}}},
              {"target", {{"url", "ws://127.0.0.1:9001/"}, {"server", server}}},
              {"summary", json::object()},
              {"started_at", "2026-11-24T07:48:24Z"},
              {"cases", c}}
      .dump(2);
}

class CliReport : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    write_file(dir_.path() / "a" / "results.json",
               results_with({{"framing/x", "pass"}, {"framing/y", "fail"}, {"close/z", "pass"}}));
    write_file(dir_.path() / "b" / "results.json",
               results_with({{"framing/x", "fail"}, {"framing/y", "pass"}, {"close/w", "pass"}},
                            "ExampleWS/1.1"));
  }
  std::string a() const { return dir_ / "a/results.json"; }
  std::string b() const { return dir_ / "b/results.json"; }
  temp_dir dir_;
};

TEST_F(CliReport, TwoRunsWriteThePageAndJsonAndPrintTheDiff) {
  const std::string out = dir_ / "cmp";
  const run_result r = wsspec({"report", a(), b(), "--out", out});
  EXPECT_EQ(r.exit, 0) << r;
  EXPECT_TRUE(fs::is_regular_file(fs::path(out) / "index.html")) << r;
  EXPECT_EQ(last_line(r.out), "1 newly failing, 1 newly passing, 0 changed, 1 added, 1 removed")
      << r;
  EXPECT_NE(r.out.find("newly failing: framing/x (pass -> fail)"), std::string::npos) << r;
  EXPECT_NE(r.out.find("newly passing: framing/y (fail -> pass)"), std::string::npos) << r;
  const json j = read_json(fs::path(out) / "comparison.json");
  ASSERT_TRUE(j.is_object()) << r;
  ASSERT_EQ(j["runs"].size(), 2u);
  EXPECT_EQ(j["runs"][1]["target"]["server"], "ExampleWS/1.1");
  EXPECT_EQ(j["cases"].size(), 4u);
  EXPECT_EQ(j["diffs"][0]["newly_failing"][0]["id"], "framing/x");
  std::ifstream html(fs::path(out) / "index.html");
  const std::string page((std::istreambuf_iterator<char>(html)), std::istreambuf_iterator<char>());
  EXPECT_NE(page.find("ExampleWS/1.1"), std::string::npos);
  EXPECT_NE(page.find("Content-Security-Policy"), std::string::npos);
}

TEST_F(CliReport, FailOnRegressionExitsOneOnlyWhenSomethingNewlyFails) {
  const run_result worse =
      wsspec({"report", a(), b(), "--out", dir_ / "o1", "--fail-on-regression"});
  EXPECT_EQ(worse.exit, 1) << worse;
  EXPECT_TRUE(fs::is_regular_file(dir_.path() / "o1" / "comparison.json"));  // written anyway
  // b -> a: framing/y newly fails.
  const run_result back =
      wsspec({"report", b(), a(), "--out", dir_ / "o2", "--fail-on-regression"});
  EXPECT_EQ(back.exit, 1) << back;
  const run_result same =
      wsspec({"report", a(), a(), "--out", dir_ / "o3", "--fail-on-regression"});
  EXPECT_EQ(same.exit, 0) << same;
  EXPECT_EQ(last_line(same.out), "0 newly failing, 0 newly passing, 0 changed, 0 added, 0 removed");
}

TEST_F(CliReport, OneRunIsAOneColumnMatrix) {
  const run_result r = wsspec({"report", a(), "--out", dir_ / "one"});
  EXPECT_EQ(r.exit, 0) << r;
  const json j = read_json(dir_.path() / "one" / "comparison.json");
  EXPECT_EQ(j["runs"].size(), 1u);
  EXPECT_TRUE(j["diffs"].empty());
  EXPECT_EQ(r.out.find("newly failing"), std::string::npos) << r;
}

TEST_F(CliReport, BadInputIsUsageErrorNamingFileAndPointer) {
  json bad = read_json(a());
  bad["cases"][2]["verdict"] = "x";
  write_file(dir_.path() / "bad" / "results.json", bad.dump());
  const std::string bad_file = dir_ / "bad/results.json";
  const run_result r = wsspec({"report", a(), bad_file, "--out", dir_ / "o"});
  EXPECT_EQ(r.exit, 2) << r;
  EXPECT_NE(r.err.find(bad_file + ": /cases/2/verdict: unknown verdict \"x\""), std::string::npos)
      << r;
  EXPECT_FALSE(fs::exists(dir_.path() / "o" / "index.html"));

  write_file(dir_.path() / "garbage.json", "\xFF\xFE not json");
  const run_result g = wsspec({"report", dir_ / "garbage.json", "--out", dir_ / "o"});
  EXPECT_EQ(g.exit, 2) << g;
  EXPECT_NE(g.err.find("garbage.json: not valid JSON"), std::string::npos) << g;

  const run_result missing = wsspec({"report", dir_ / "nope.json", "--out", dir_ / "o"});
  EXPECT_EQ(missing.exit, 2) << missing;
  EXPECT_NE(missing.err.find("nope.json: no such file"), std::string::npos) << missing;

  EXPECT_EQ(wsspec({"report", a()}).exit, 2);                  // --out is required
  EXPECT_EQ(wsspec({"report", "--out", dir_ / "o"}).exit, 2);  // so is a results file
}

}  // namespace
