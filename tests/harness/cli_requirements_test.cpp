// Requirement coverage as users see it: `wsspec list --requirements`, the requirement fields of
// `wsspec list --json`, an unknown requirement id in a --case-dir case (exit 2, file and
// pointer), and results.json of a run against `wsspec serve` (per case and per requirement,
// with the worst verdict). The real binary runs as a child process with a bounded time.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
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

struct outcome {
  int exit = -1;
  std::string out, err;
};

std::ostream& operator<<(std::ostream& os, const outcome& r) {
  return os << "exit " << r.exit << "\n--- stdout:\n" << r.out << "--- stderr:\n" << r.err;
}

// Starts the program with stdout (and stderr, when `err` is given) into pipes; -1 on failure.
pid_t start(const std::vector<std::string>& argv, int& out, int* err) {
  int o[2], e[2] = {-1, -1};
  if (::pipe2(o, O_CLOEXEC) != 0) return -1;
  if (err && ::pipe2(e, O_CLOEXEC) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, o[1], STDOUT_FILENO);
  if (err) posix_spawn_file_actions_adddup2(&actions, e[1], STDERR_FILENO);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(o[1]);
  if (err) ::close(e[1]);
  if (rc != 0) {
    ::close(o[0]);
    if (err) ::close(e[0]);
    return -1;
  }
  out = o[0];
  if (err) *err = e[0];
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

// Runs wsspec with `args` to completion (killed after `limit`), both outputs captured.
outcome wsspec(std::vector<std::string> args, std::chrono::seconds limit = 120s) {
  args.insert(args.begin(), WSSPEC_BINARY);
  outcome r;
  int out = -1, err = -1;
  const pid_t pid = start(args, out, &err);
  if (pid < 0) return r;
  const auto deadline = steady::now() + limit;
  pollfd fds[2] = {{out, POLLIN, 0}, {err, POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open = 2;
  while (open > 0 && steady::now() < deadline) {
    if (::poll(fds, 2, 200) < 0 && errno != EINTR) break;
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
  if (open > 0) ::kill(pid, SIGKILL);
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  r.exit = wait_for(pid);
  return r;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// The line of `id` in `wsspec list --requirements` output, split at runs of two spaces.
std::vector<std::string> columns_of(const std::string& listing, const std::string& id) {
  for (const auto& l : lines_of(listing)) {
    if (l.rfind(id + " ", 0) != 0) continue;
    std::vector<std::string> cols;
    std::size_t i = 0;
    while (i < l.size()) {
      const auto gap = l.find("  ", i);
      cols.push_back(l.substr(i, gap == std::string::npos ? std::string::npos : gap - i));
      if (gap == std::string::npos) break;
      i = l.find_first_not_of(' ', gap);
      if (i == std::string::npos) break;
    }
    return cols;
  }
  return {};
}

TEST(CliRequirements, ListShowsCoverageUntestableAndUncovered) {
  const outcome r = wsspec({"list", "--requirements"});
  ASSERT_EQ(r.exit, 0) << r;
  EXPECT_EQ(columns_of(r.out, "6455-5.1-server-fails-on-unmasked-frame"),
            (std::vector<std::string>{"6455-5.1-server-fails-on-unmasked-frame", "5.1", "MUST",
                                      "server", "13 cases"}))
      << r;
  const auto tls = columns_of(r.out, "6455-10.6-support-tls");
  ASSERT_EQ(tls.size(), 5u) << r;
  EXPECT_EQ(tls[2], "MUST");
  EXPECT_EQ(tls[3], "both");
  EXPECT_EQ(tls[4].rfind("untestable: one plain ws:// connection cannot show", 0), 0u) << tls[4];
  EXPECT_EQ(
      columns_of(r.out, "6455-5.1-client-masks"),
      (std::vector<std::string>{"6455-5.1-client-masks", "5.1", "MUST", "client", "2 cases"}));
  const auto last = lines_of(r.out).back();
  EXPECT_NE(last.find(" requirements: "), std::string::npos) << last;
  EXPECT_NE(last.find(" untestable, "), std::string::npos) << last;
  EXPECT_NE(last.find(" not covered"), std::string::npos) << last;
  EXPECT_TRUE(r.err.empty()) << r;
}

TEST(CliRequirements, ListCountsOnlySelectedCases) {
  const outcome r = wsspec({"list", "--requirements", "--cases", "framing/unmasked-text"});
  ASSERT_EQ(r.exit, 0) << r;
  EXPECT_EQ(columns_of(r.out, "6455-5.1-server-fails-on-unmasked-frame").back(), "1 case") << r;
  EXPECT_EQ(columns_of(r.out, "6455-5.5.2-answer-ping").back(), "NOT COVERED") << r;
}

TEST(CliRequirements, ListJsonHasRequirementsPerCaseAndPerRequirement) {
  const outcome r = wsspec({"list", "--json", "--cases", "framing/unmasked-*"});
  ASSERT_EQ(r.exit, 0) << r;
  const json j = json::parse(r.out);
  ASSERT_TRUE(j.contains("cases"));
  ASSERT_EQ(j["cases"].size(), 12u);
  for (const auto& c : j["cases"]) {
    for (const char* key : {"id", "autobahn", "rfc", "title", "area", "tags", "requirements"})
      EXPECT_TRUE(c.contains(key)) << key;
    EXPECT_EQ(c["requirements"][0], "6455-5.1-server-fails-on-unmasked-frame");
  }
  ASSERT_TRUE(j["requirements"].is_array());
  bool seen_unmasked = false, seen_untestable = false;
  for (const auto& q : j["requirements"]) {
    for (const char* key :
         {"id", "rfc", "section", "keyword", "binds", "text", "untestable", "cases"})
      EXPECT_TRUE(q.contains(key)) << key;
    if (q["id"] == "6455-5.1-server-fails-on-unmasked-frame") {
      seen_unmasked = true;
      EXPECT_EQ(q["rfc"], "6455");
      EXPECT_EQ(q["section"], "5.1");
      EXPECT_EQ(q["keyword"], "MUST");
      EXPECT_EQ(q["binds"], "server");
      EXPECT_TRUE(q["untestable"].is_null());
      EXPECT_EQ(q["cases"].size(), 12u);
      EXPECT_NE(std::find(q["cases"].begin(), q["cases"].end(), "framing/unmasked-text"),
                q["cases"].end());
    }
    if (q["id"] == "6455-7.1.7-server-logs") {
      seen_untestable = true;
      EXPECT_TRUE(q["untestable"].is_string());
      EXPECT_TRUE(q["cases"].empty());
    }
  }
  EXPECT_TRUE(seen_unmasked);
  EXPECT_TRUE(seen_untestable);
}

class RequirementsCaseDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("wsspec_cli_requirements_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "mine");
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(RequirementsCaseDir, UnknownIdIsUsageErrorWithFileAndPointer) {
  std::ofstream(dir_ / "mine" / "x.json") << R"({"id": "mine/x", "title": "t", "rfc": ["5.5.2"],
            "requirements": ["6455-5.5.2-answer-pings"], "why": "w",
            "steps": [{"send_frame": {"opcode": "ping", "payload": "p"}},
                      {"expect": [{"pong": {"payload": "echo"}}]}]})";
  const outcome r = wsspec({"list", "--case-dir", dir_.string()});
  EXPECT_EQ(r.exit, 2) << r;
  EXPECT_EQ(r.err, "wsspec: bad case file: " + (dir_ / "mine" / "x.json").generic_string() +
                       ": /requirements/0: unknown requirement id \"6455-5.5.2-answer-pings\" "
                       "(did you mean \"6455-5.5.2-answer-ping\"?)\n")
      << r;
}

// `wsspec serve` in the background; its first line says where it listens.
class served {
 public:
  served() {
    pid_ = start({WSSPEC_BINARY, "serve", "--port", "0"}, out_, nullptr);
    if (pid_ < 0) return;
    const std::string prefix = "listening on ws://127.0.0.1:";
    std::string text;
    const auto deadline = steady::now() + 30s;
    while (steady::now() < deadline && text.find('\n') == std::string::npos) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[512];
      const ssize_t got = ::read(out_, buf, sizeof buf);
      if (got <= 0) break;
      text.append(buf, static_cast<std::size_t>(got));
    }
    const auto nl = text.find('\n');
    if (nl != std::string::npos && text.rfind(prefix, 0) == 0)
      url_ = "ws://127.0.0.1:" + text.substr(prefix.size(), nl - prefix.size());
  }
  ~served() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      wait_for(pid_);
    }
    if (out_ >= 0) ::close(out_);
  }
  const std::string& url() const { return url_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string url_;
};

TEST(CliRequirements, ResultsJsonCarriesRequirementsAndWorstVerdicts) {
  served server;
  ASSERT_FALSE(server.url().empty()) << "wsspec serve did not start";
  const fs::path out =
      fs::temp_directory_path() / ("wsspec_cli_requirements_run_" + std::to_string(::getpid()));
  fs::remove_all(out);
  const outcome r =
      wsspec({"run", server.url(), "--cases", "pingpong/ping-*-bytes,framing/unmasked-text",
              "--jobs", "2", "--out", out.string()});
  ASSERT_TRUE(r.exit == 0 || r.exit == 1) << r;
  std::ifstream in(out / "results.json");
  const json j = json::parse(in);
  std::ifstream page_in(out / "index.html");
  const std::string page((std::istreambuf_iterator<char>(page_in)),
                         std::istreambuf_iterator<char>());
  fs::remove_all(out);

  ASSERT_TRUE(j["cases"].is_array());
  for (const auto& c : j["cases"]) {
    ASSERT_TRUE(c["requirements"].is_array()) << c["id"];
    EXPECT_FALSE(c["requirements"].empty()) << c["id"];
  }
  ASSERT_TRUE(j["requirements"].is_array());
  std::optional<json> answer_ping, unmasked, client;
  for (const auto& q : j["requirements"]) {
    if (q["id"] == "6455-5.5.2-answer-ping") answer_ping = q;
    if (q["id"] == "6455-5.1-server-fails-on-unmasked-frame") unmasked = q;
    if (q["id"] == "6455-5.1-client-masks") client = q;
  }
  // A server run's coverage is the server's: the client's requirements are not in it.
  ASSERT_TRUE(answer_ping && unmasked && !client);
  for (const char* key : {"id", "section", "keyword", "binds", "text", "cases", "verdict"})
    EXPECT_TRUE(answer_ping->contains(key)) << key;
  EXPECT_EQ((*answer_ping)["cases"],
            (json::array({"pingpong/ping-0-bytes", "pingpong/ping-125-bytes"})));
  EXPECT_EQ((*answer_ping)["verdict"], "pass");  // the reference server answers pings
  EXPECT_EQ((*unmasked)["cases"], (json::array({"framing/unmasked-text"})));
  EXPECT_TRUE((*unmasked)["verdict"].is_string());

  // The HTML report has the section, with the requirement and a link to its case.
  EXPECT_NE(page.find("<h2 id=\"h-requirements\">Requirements</h2>"), std::string::npos);
  EXPECT_NE(page.find("<code>6455-5.5.2-answer-ping</code>"), std::string::npos);
  EXPECT_NE(page.find(">pingpong/ping-0-bytes</a>"), std::string::npos);
}

}  // namespace
