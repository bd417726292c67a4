// `wsspec serve-cases` (docs/serve-cases.md): the URL routing and agent names as pure functions,
// then the real binary on --port 0 driven by a tiny WebSocket client built on wsspec's own
// connection and codec, byte for byte where the protocol fixes the bytes, and --client-cmd with
// tests/targets/serve_cases_echo_client.py (python3-websockets) as the client under test.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cases/case_loader.hpp"
#include "program_paths.hpp"
#include "run/interpreter.hpp"
#include "run/selection.hpp"
#include "serve_cases/agent_name.hpp"
#include "serve_cases/client_process.hpp"
#include "serve_cases/endpoint.hpp"
#include "serve_cases_process.hpp"
#include "transport/connection.hpp"
#include "transport/url.hpp"
#include "wsspec/codec/frame_decoder.hpp"
#include "wsspec/codec/handshake.hpp"
#include "wsspec/codec/http.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using wsspec::test::serve_cases_process;
namespace sc = wsspec::serve_cases;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using nlohmann::json;

const std::string echo_client =
    std::string(WSSPEC_SOURCE_DIR) + "/tests/targets/serve_cases_echo_client.py";

// The selection, restricted to clients, as serve-cases numbers it.
std::vector<wsspec::test_case> client_cases(const std::vector<std::string>& include) {
  std::vector<wsspec::test_case> all, selected, out;
  wsspec::case_error err;
  EXPECT_TRUE(wsspec::load_builtin_cases(all, err)) << err.to_string();
  std::string why;
  EXPECT_TRUE(wsspec::select_cases(all, include, {}, selected, why)) << why;
  for (auto& c : selected)
    if (wsspec::applies_to_clients(c)) out.push_back(std::move(c));
  return out;
}

// ---- pure parts ------------------------------------------------------------------------------

TEST(ServeCasesEndpoint, RoutesAutobahnsPathsAndParameters) {
  const auto cases = client_cases({"1.1.1", "1.1.2"});
  ASSERT_EQ(cases.size(), 2u);
  auto e = sc::parse_endpoint("/runCase?case=2&agent=my%20client", cases);
  EXPECT_EQ(e.kind, sc::endpoint_kind::run_case);
  EXPECT_EQ(e.index, 1u);
  EXPECT_EQ(e.agent, "my client");
  EXPECT_EQ(e.problem, "");
  e = sc::parse_endpoint("http://127.0.0.1:9001/getCaseInfo?casetuple=1.1.2", cases);
  EXPECT_EQ(e.kind, sc::endpoint_kind::case_info);
  EXPECT_EQ(e.index, 1u);
  EXPECT_EQ(sc::parse_endpoint("/getCaseCount", cases).kind, sc::endpoint_kind::case_count);
  EXPECT_EQ(sc::parse_endpoint("/updateReports", cases).problem, "");
  EXPECT_EQ(sc::parse_endpoint("/getcasecount", cases).kind, sc::endpoint_kind::unknown);
  EXPECT_EQ(sc::parse_endpoint("/", cases).kind, sc::endpoint_kind::unknown);
}

TEST(ServeCasesEndpoint, BadParametersAreProblemsNotCrashes) {
  const auto cases = client_cases({"1.1.1", "1.1.2"});
  EXPECT_EQ(sc::parse_endpoint("/getCaseInfo?case=3", cases).problem,
            "case 3 is out of range: there are 2 cases, numbered from 1");
  EXPECT_EQ(sc::parse_endpoint("/getCaseInfo?case=0", cases).problem,
            "case 0 is out of range: there are 2 cases, numbered from 1");
  EXPECT_EQ(sc::parse_endpoint("/getCaseInfo?case=1x", cases).problem,
            "case must be a number from 1 to 2");
  EXPECT_EQ(sc::parse_endpoint("/getCaseInfo?case=99999999999999999999999", cases).problem,
            "case must be a number from 1 to 2");
  EXPECT_EQ(sc::parse_endpoint("/runCase?case=1", cases).problem,
            "the parameter agent (the name of the client under test) is missing");
  EXPECT_EQ(sc::parse_endpoint("/runCase?agent=a", cases).problem,
            "the parameter case (1 to 2) is missing");
  EXPECT_EQ(sc::parse_endpoint("/runCase?case=1&case=2&agent=a", cases).problem,
            "the parameter case is given more than once");
  EXPECT_EQ(sc::parse_endpoint("/getCaseInfo?case=%zz", cases).problem,
            "the query has a broken %-escape");
  EXPECT_EQ(sc::url_decode("%4"), std::nullopt);
  EXPECT_EQ(sc::url_decode("a+b%2F"), "a b/");
}

TEST(ServeCasesAgentName, UntrustedNamesBecomeOneSafeFolderName) {
  EXPECT_EQ(sc::safe_agent_name("ws-8.18.3_node"), "ws-8.18.3_node");
  EXPECT_EQ(sc::safe_agent_name("../../etc/passwd"), "_.._.._etc_passwd");
  EXPECT_EQ(sc::safe_agent_name(".."), "_..");
  EXPECT_EQ(sc::safe_agent_name(""), "_");
  EXPECT_EQ(sc::safe_agent_name("a b\x01/"), "a_b__");
  EXPECT_EQ(sc::safe_agent_name(std::string(100, 'x')).size(), 64u);
  EXPECT_EQ(sc::default_agent_name("/usr/bin/python3"), "python3");
}

TEST(ServeCasesClientCommand, SplitsLikeAShellAndPutsTheUrlIn) {
  std::string error;
  const auto words =
      sc::shell_split(R"(node 'my client.js' "a \"b\"" c\ d {url} --u={url})", error);
  ASSERT_TRUE(words) << error;
  EXPECT_EQ(*words, (std::vector<std::string>{"node", "my client.js", "a \"b\"", "c d", "{url}",
                                              "--u={url}"}));
  EXPECT_EQ(sc::substitute_url(*words, "ws://h:1/runCase?case=1&agent=a")[5],
            "--u=ws://h:1/runCase?case=1&agent=a");
  EXPECT_FALSE(sc::shell_split("node 'open", error));
  EXPECT_EQ(error, "unterminated single quote");
  EXPECT_FALSE(sc::shell_split("   ", error));
}

TEST(ServeCasesClientCommand, StopsAClientThatIgnoresSigterm) {
  sc::client_process p;
  std::string error;
  ASSERT_TRUE(p.start({"/bin/sh", "-c", "trap '' TERM; sleep 30"}, "", error)) << error;
  std::string how;
  EXPECT_FALSE(p.exited(how));
  const auto start = steady::now();
  p.stop(300ms);
  EXPECT_LT(steady::now() - start, 5s);
  EXPECT_TRUE(p.exited(how));  // reaped: nothing left to wait for
}

// ---- the real program ---------------------------------------------------------------------------

// What a short exchange gave: the HTTP status, the text messages and the close code.
struct exchange {
  int status = 0;
  std::vector<std::string> texts;
  std::optional<std::uint16_t> close_code;
  std::string close_reason;
};

// A minimal client: opening handshake to base + path, then reads frames (unmasked, as a server
// sends them) until the server's close frame, which it answers. At most 10 s.
exchange ask(const std::string& base, const std::string& path) {
  exchange x;
  std::string error;
  const auto url = wsspec::parse_ws_url(base, error);
  if (!url) return x;
  const auto deadline = steady::now() + 10s;
  auto conn = wsspec::connection::open(*url, {}, deadline, error);
  if (!conn) return x;
  const std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
  const std::string request =
      wsspec::codec::default_request(url->host + ":" + std::to_string(url->port), "/" + path, key)
          .serialize();
  conn->write({reinterpret_cast<const std::uint8_t*>(request.data()), request.size()}, deadline);
  std::string in;
  std::array<std::uint8_t, 4096> buf{};
  wsspec::codec::http_response response;
  std::size_t head = 0;
  while (head == 0) {
    const auto r = conn->read_some(buf, deadline);
    if (r.status != wsspec::io_status::ok) return x;
    in.append(reinterpret_cast<const char*>(buf.data()), r.bytes);
    const auto p = wsspec::codec::parse_response(in, response);
    if (p.failed()) return x;
    if (p.complete()) head = p.consumed;
  }
  x.status = response.status;
  if (x.status != 101) return x;
  in.erase(0, head);
  wsspec::codec::frame_decoder decoder(wsspec::codec::decoder_options::client());
  std::string payload;
  while (true) {
    std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(in.data()),
                                        in.size());
    bool closed = false;
    while (!bytes.empty()) {
      const auto d = decoder.next(bytes);
      if (d.status == wsspec::codec::decode_status::error) return x;
      payload.append(reinterpret_cast<const char*>(d.payload.data()), d.payload.size());
      if (d.frame_complete && (d.status == wsspec::codec::decode_status::frame ||
                               d.status == wsspec::codec::decode_status::payload)) {
        if (d.header.op == wsspec::codec::opcode::text) x.texts.push_back(payload);
        if (d.header.op == wsspec::codec::opcode::close) {
          if (payload.size() >= 2)
            x.close_code =
                static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                           static_cast<unsigned char>(payload[1]));
          x.close_reason = payload.size() > 2 ? payload.substr(2) : "";
          closed = true;
        }
        payload.clear();
      }
      bytes = bytes.subspan(d.consumed);
    }
    in.clear();
    if (closed) break;
    const auto r = conn->read_some(buf, deadline);
    if (r.status != wsspec::io_status::ok) return x;
    in.assign(reinterpret_cast<const char*>(buf.data()), r.bytes);
  }
  // The client's close: masked, code echoed (RFC 6455 5.5.1).
  wsspec::codec::frame_header h;
  h.op = wsspec::codec::opcode::close;
  h.masked = true;
  h.key = {1, 2, 3, 4};
  const std::array<std::uint8_t, 2> body = {0x03, 0xE8};
  const auto frame = wsspec::codec::encode_frame(h, body);
  conn->write(frame, deadline);
  return x;
}

// Runs the echo client against one runCase URL, to completion (at most 30 s).
int run_echo_client(const std::string& url) {
  const std::string py = "/usr/bin/python3";
  std::vector<std::string> argv = {py, echo_client, url};
  std::vector<char*> raw;
  for (auto& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, raw[0], nullptr, nullptr, raw.data(), environ) != 0) return -1;
  int status = 0;
  for (const auto until = steady::now() + 30s; waitpid(pid, &status, WNOHANG) == 0;
       std::this_thread::sleep_for(10ms)) {
    if (steady::now() > until) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / (name + "-" + std::to_string(getpid()));
  fs::remove_all(d);
  return d;
}

json read_json(const fs::path& file) {
  std::ifstream f(file);
  return json::parse(f, nullptr, false);
}

TEST(ServeCasesProgram, CountAndInfoAreAutobahnsBytes) {
  const auto cases = client_cases({"1.*", "2.*"});
  ASSERT_FALSE(cases.empty());
  serve_cases_process p({"--cases", "1.*,2.*", "--out", fresh_dir("sc-count").string()});
  const std::string base = p.url();
  ASSERT_EQ(base.rfind("ws://127.0.0.1:", 0), 0u) << base << p.errors();

  const exchange count = ask(base, "getCaseCount");
  EXPECT_EQ(count.status, 101);
  EXPECT_EQ(count.texts, std::vector<std::string>{std::to_string(cases.size())});
  EXPECT_EQ(count.close_code, 1000);

  const exchange info = ask(base, "getCaseInfo?case=1");
  const std::string id = cases[0].autobahn ? *cases[0].autobahn : cases[0].id;
  EXPECT_EQ(info.texts,
            std::vector<std::string>{"{\"id\": " + json(id).dump() +
                                     ", \"description\": " + json(cases[0].title).dump() + "}"});
  EXPECT_EQ(info.close_code, 1000);

  const exchange status = ask(base, "getCaseStatus?case=1&agent=nobody");
  EXPECT_EQ(status.texts, std::vector<std::string>{"{\"behavior\": \"NOT RUN\"}"});
}

TEST(ServeCasesProgram, UnknownPathIs404AndBadCaseIs1008) {
  serve_cases_process p({"--cases", "1.1.*", "--out", fresh_dir("sc-404").string()});
  const std::string base = p.url();
  EXPECT_EQ(ask(base, "nope").status, 404);
  EXPECT_EQ(ask(base, "").status, 404);
  const auto cases = client_cases({"1.1.*"});
  const exchange out_of_range = ask(base, "getCaseInfo?case=" + std::to_string(cases.size() + 1));
  EXPECT_EQ(out_of_range.status, 101);
  EXPECT_TRUE(out_of_range.texts.empty());
  EXPECT_EQ(out_of_range.close_code, 1008);
  EXPECT_EQ(out_of_range.close_reason,
            "case " + std::to_string(cases.size() + 1) + " is out of range: there are " +
                std::to_string(cases.size()) + " cases, numbered from 1");
  EXPECT_EQ(ask(base, "runCase?case=1").close_code, 1008);  // no agent
}

TEST(ServeCasesProgram, AHostileClientDoesNotStallTheOthers) {
  serve_cases_process p({"--cases", "1.1.1", "--out", fresh_dir("sc-hostile").string()});
  const std::string base = p.url();
  std::string error;
  const auto url = wsspec::parse_ws_url(base, error);
  ASSERT_TRUE(url);
  // One client that connects and says nothing, one that sends a header without end.
  auto silent = wsspec::connection::open(*url, {}, steady::now() + 5s, error);
  auto endless = wsspec::connection::open(*url, {}, steady::now() + 5s, error);
  ASSERT_TRUE(silent && endless) << error;
  const std::string start = "GET /getCaseCount HTTP/1.1\r\nX-Long: ";
  endless->write({reinterpret_cast<const std::uint8_t*>(start.data()), start.size()},
                 steady::now() + 1s);
  const std::string filler(4096, 'a');
  std::size_t sent = 0;
  for (int i = 0; i < 32; ++i) {  // 128 KiB, twice the head limit
    const auto r = endless->write(
        {reinterpret_cast<const std::uint8_t*>(filler.data()), filler.size()}, steady::now() + 1s);
    if (r.status != wsspec::io_status::ok) break;
    sent += r.bytes;
  }
  const auto before = steady::now();
  const exchange count = ask(base, "getCaseCount");
  EXPECT_EQ(count.texts, std::vector<std::string>{"1"});
  EXPECT_LT(steady::now() - before, 2s);
  // The endless head got its answer (431) or its connection closed; it did not make the server
  // buffer it.
  std::array<std::uint8_t, 256> buf{};
  const auto r = endless->read_some(buf, steady::now() + 5s);
  if (r.status == wsspec::io_status::ok)
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(buf.data()), 12), "HTTP/1.1 431");
  else
    EXPECT_TRUE(r.status == wsspec::io_status::eof || r.status == wsspec::io_status::reset);
  EXPECT_GT(sent, 0u);
}

TEST(ServeCasesProgram, RunCaseUpdateReportsAndARestartKeepsTheResult) {
  const fs::path out = fresh_dir("sc-restart");
  {
    serve_cases_process p({"--cases", "1.1.1,1.1.2", "--out", out.string()});
    const std::string base = p.url();
    EXPECT_EQ(run_echo_client(base + "runCase?case=1&agent=echo%2Fpy"), 0);
    EXPECT_EQ(ask(base, "getCaseStatus?case=1&agent=echo%2Fpy").texts,
              std::vector<std::string>{"{\"behavior\": \"OK\"}"});
    const exchange update = ask(base, "updateReports?agent=echo%2Fpy");
    EXPECT_EQ(update.close_code, 1000);
    const json results = read_json(out / "echo_py" / "results.json");
    ASSERT_TRUE(results.is_object()) << p.output() << p.errors();
    EXPECT_EQ(results["incomplete"], true);  // case 2 has not run
    EXPECT_EQ(results["target"]["agent"], "echo_py");
    EXPECT_EQ(results["target"]["role"], "client");
    EXPECT_EQ(results["target"]["url"], base);
    // The two cases, then the run-level judgement of the client's masking keys (5.3).
    ASSERT_EQ(results["cases"].size(), 3u);
    EXPECT_EQ(results["cases"][0]["id"], "framing/text-length-0");
    EXPECT_EQ(results["cases"][0]["verdict"], "pass") << results["cases"][0]["reason"];
    EXPECT_EQ(results["cases"][1]["not_run"], true);
    EXPECT_EQ(results["cases"][2]["id"], "client/masking-keys-of-the-run");
    EXPECT_EQ(results["cases"][2]["verdict"], "pass") << results["cases"][2]["reason"];
    EXPECT_TRUE(fs::exists(out / "echo_py" / "index.html"));
    EXPECT_TRUE(fs::exists(out / "echo_py" / "junit.xml"));
    EXPECT_EQ(p.stop(SIGTERM), 1) << p.output();  // case 2 never ran: not a passing run
  }
  // A restart: the result is back without the client running it again.
  serve_cases_process again({"--cases", "1.1.1,1.1.2", "--out", out.string(), "--once"});
  const std::string base = again.url();
  EXPECT_EQ(ask(base, "getCaseStatus?case=1&agent=echo_py").texts,
            std::vector<std::string>{"{\"behavior\": \"OK\"}"});
  EXPECT_EQ(run_echo_client(base + "runCase?case=2&agent=echo_py"), 0);
  ask(base, "updateReports?agent=echo_py");
  EXPECT_EQ(again.wait(15s), 0) << again.output() << again.errors();  // --once: all passed
  EXPECT_NE(again.output().find("loaded 1 result(s) of agent echo_py"), std::string::npos);
  const json results = read_json(out / "echo_py" / "results.json");
  EXPECT_FALSE(results.contains("incomplete"));
  EXPECT_EQ(results["summary"]["pass"], 3);  // 2 cases and the run's masking keys
  fs::remove_all(out);
}

TEST(ServeCasesProgram, ClientCmdRunsEachCaseWithTheRealClient) {
  const fs::path out = fresh_dir("sc-cmd");
  serve_cases_process p({"--cases", "1.1.1,1.1.2,2.1", "--out", out.string(), "--jobs", "2",
                         "--client-cmd", "/usr/bin/python3 " + echo_client + " {url}"});
  EXPECT_EQ(p.wait(60s), 0) << p.output() << p.errors();
  const json results = read_json(out / "python3" / "results.json");
  ASSERT_TRUE(results.is_object()) << p.output();
  // 3 cases and the run's masking keys (RFC 6455 5.3).
  EXPECT_EQ(results["summary"]["pass"], 4) << p.output();
  EXPECT_NE(p.output().find("4 passed, 0 failed"), std::string::npos) << p.output();
  fs::remove_all(out);
}

// --jobs bounds the clients *starting* at once: a client whose case is under way hands its slot
// to the next. With --jobs 1, client/idle-no-close (started first: it waits 2 s on the clock)
// is still running when 1.1.1's client starts, so 1.1.1 finishes first; one client at a time
// would finish them in the order they started.
TEST(ServeCasesProgram, AClientWhoseCaseIsUnderWayHandsItsStartSlotOn) {
  const fs::path out = fresh_dir("sc-slots");
  serve_cases_process p({"--cases", "1.1.1,client/idle-no-close", "--out", out.string(), "--jobs",
                         "1", "--client-cmd", "/usr/bin/python3 " + echo_client + " {url}"});
  EXPECT_EQ(p.wait(60s), 0) << p.output() << p.errors();
  const std::string o = p.output();
  const std::size_t echo = o.find("framing/text-length-0");
  const std::size_t idle = o.find("client/idle-no-close");
  ASSERT_NE(echo, std::string::npos) << o;
  ASSERT_NE(idle, std::string::npos) << o;
  EXPECT_LT(echo, idle) << o;
  fs::remove_all(out);
}

// A client that never connects, or exits first, is a broken setup: the case is `error`.
TEST(ServeCasesProgram, AClientThatNeverConnectsIsAnError) {
  const fs::path out = fresh_dir("sc-noconnect");
  serve_cases_process p({"--cases", "1.1.1,1.1.2", "--out", out.string(), "--client-timeout", "0.5",
                         "--agent", "sleeper", "--client-cmd", "/bin/sh -c 'sleep 30' {url}"});
  const auto start = steady::now();
  EXPECT_EQ(p.wait(30s), 1) << p.output() << p.errors();
  EXPECT_LT(steady::now() - start, 10s);  // sleep 30 was stopped, not waited for
  const json results = read_json(out / "sleeper" / "results.json");
  ASSERT_TRUE(results.is_object()) << p.output();
  ASSERT_EQ(results["cases"].size(), 2u);
  for (const json& c : results["cases"]) {
    EXPECT_EQ(c["verdict"], "error");
    EXPECT_EQ(c["reason"].get<std::string>().rfind("the client did not connect within 500 ms", 0),
              0u)
        << c["reason"];
  }
  fs::remove_all(out);
}

TEST(ServeCasesProgram, AClientThatExitsWithoutConnectingIsAnError) {
  const fs::path out = fresh_dir("sc-exits");
  // sleep refuses the URL as a duration and exits 1 at once.
  serve_cases_process p(
      {"--cases", "1.1.1", "--out", out.string(), "--client-cmd", "/bin/sleep {url}"});
  EXPECT_EQ(p.wait(30s), 1) << p.output() << p.errors();
  const json results = read_json(out / "sleep" / "results.json");
  ASSERT_TRUE(results.is_object()) << p.output();
  EXPECT_EQ(results["cases"][0]["verdict"], "error");
  EXPECT_EQ(results["cases"][0]["reason"].get<std::string>().rfind(
                "the client exited (exit code 1) without connecting to ws://127.0.0.1:", 0),
            0u)
      << results["cases"][0]["reason"];
  fs::remove_all(out);
}

TEST(ServeCasesProgram, UsageErrorsExit2) {
  serve_cases_process no_url({"--client-cmd", "node client.js"});
  EXPECT_EQ(no_url.wait(30s), 2) << no_url.errors();
  serve_cases_process only_server_cases({"--cases", "handshake/*"});
  EXPECT_EQ(only_server_cases.wait(30s), 2);
  EXPECT_NE(only_server_cases.errors().find("none of the selected cases applies to clients"),
            std::string::npos)
      << only_server_cases.errors();
}

}  // namespace
