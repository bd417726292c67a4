// `wsspec serve-cases --tls` (docs/serve-cases.md) and client/tls-sni (RFC 6455 4.1: a client
// given a wss:// URL sends SNI): the real program with real clients (npm ws trusting the
// self-signed certificate through NODE_EXTRA_CA_CERTS, python3-websockets through
// SSL_CERT_FILE), clients built on wsspec's own transport that send no SNI or another name,
// the case without --tls, and bad certificate options.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "program_paths.hpp"
#include "serve_cases_process.hpp"
#include "transport/connection.hpp"
#include "transport/url.hpp"
#include "wsspec/codec/handshake.hpp"
#include "wsspec/codec/http.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using nlohmann::json;

const std::string targets = std::string(WSSPEC_SOURCE_DIR) + "/tests/targets/";

fs::path fresh_dir(const std::string& name) {
  const fs::path d =
      fs::temp_directory_path() / ("wsspec-tls-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(d);
  return d;
}

std::string read_file(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

using serve_cases = wsspec::test::serve_cases_process;

json verdicts(const fs::path& results) {
  json out = json::object();
  std::ifstream f(results);
  if (!f) return out;
  const json j = json::parse(f, nullptr, false);
  if (j.is_discarded()) return out;
  for (const auto& c : j["cases"]) out[c["id"].get<std::string>()] = c;
  return out;
}

// A client on wsspec's own transport: TLS to `base` as `tls` says (SNI or not), the opening
// request for `path` with the Host field of the URL, then it reads until the server closes.
// Returns the HTTP status of the response (0 when there was none).
int visit(const std::string& base, const std::string& path, const wsspec::tls_options& tls) {
  std::string error;
  const auto url = wsspec::parse_ws_url(base, error);
  if (!url) return 0;
  const auto deadline = steady::now() + 10s;
  auto conn = wsspec::connection::open(*url, tls, deadline, error);
  if (!conn) {
    ADD_FAILURE() << error;
    return 0;
  }
  const std::string request =
      wsspec::codec::default_request(url->host + ":" + std::to_string(url->port), "/" + path,
                                     "dGhlIHNhbXBsZSBub25jZQ==")
          .serialize();
  conn->write({reinterpret_cast<const std::uint8_t*>(request.data()), request.size()}, deadline);
  std::string in;
  std::array<std::uint8_t, 4096> buf{};
  int status = 0;
  while (true) {
    const auto r = conn->read_some(buf, deadline);
    if (r.status != wsspec::io_status::ok) break;
    in.append(reinterpret_cast<const char*>(buf.data()), r.bytes);
    wsspec::codec::http_response response;
    if (status == 0 && wsspec::codec::parse_response(in, response).complete())
      status = response.status;
    // The server's close frame (0x88) ends what this client waits for.
    if (status == 101 && in.find("\x88") != std::string::npos) break;
  }
  return status;
}

TEST(ServeCasesTls, TheWsClientPassesOverTls) {
  const fs::path out = fresh_dir("ws");
  // client/transport-lost ends wsspec's sending over TLS: a close_notify, then the FIN.
  serve_cases s({"--tls", "--out", out.string(), "--cases",
                 "client/tls-sni,1.1.1,7.1.1,client/transport-lost", "--client-cmd",
                 "node " + targets + "ws_echo_client.js {url}", "--agent", "ws"},
                {"NODE_EXTRA_CA_CERTS=" + (out / "tls-cert.pem").string()});
  EXPECT_EQ(s.url().rfind("wss://localhost:", 0), 0u) << s.url();
  EXPECT_EQ(s.wait(120s), 0) << s.output() << s.errors();
  EXPECT_NE(read_file(out / "tls-cert.pem").find("BEGIN CERTIFICATE"), std::string::npos);
  const json v = verdicts(out / "ws" / "results.json");
  for (const char* id : {"client/tls-sni", "framing/text-length-0", "close/message-then-close",
                         "client/transport-lost"}) {
    ASSERT_TRUE(v.contains(id)) << id << "\n" << s.output();
    EXPECT_EQ(v[id]["verdict"], "pass") << id << ": " << v[id]["reason"];
  }
  // wsspec's end of sending (close_notify, then the FIN) is in the transport-lost transcript.
  const json& lost = v["client/transport-lost"]["events"];
  EXPECT_NE(
      std::find_if(lost.begin(), lost.end(), [](const json& e) { return e["what"] == "sent_fin"; }),
      lost.end())
      << lost;
  // The typed transcript has the ClientHello's server name.
  const json first = v["client/tls-sni"]["events"][0];
  EXPECT_EQ(first["what"], "tls_hello") << first;
  EXPECT_EQ(first["server_name"], "localhost") << first;
  fs::remove_all(out);
}

TEST(ServeCasesTls, PythonWebsocketsPassesOverTls) {
  const fs::path out = fresh_dir("python");
  // Python's default context loads OpenSSL's default paths, which SSL_CERT_FILE replaces.
  serve_cases s(
      {"--tls", "--out", out.string(), "--cases", "client/tls-sni,1.1.1,7.1.1", "--client-cmd",
       "/usr/bin/python3 " + targets + "serve_cases_echo_client.py {url}", "--agent", "python"},
      {"SSL_CERT_FILE=" + (out / "tls-cert.pem").string()});
  EXPECT_EQ(s.wait(120s), 0) << s.output() << s.errors();
  const json v = verdicts(out / "python" / "results.json");
  for (const char* id : {"client/tls-sni", "framing/text-length-0", "close/message-then-close"}) {
    ASSERT_TRUE(v.contains(id)) << id << "\n" << s.output();
    EXPECT_EQ(v[id]["verdict"], "pass") << id << ": " << v[id]["reason"];
  }
  fs::remove_all(out);
}

TEST(ServeCasesTls, AClientWithoutSniOrWithAnotherNameFails) {
  const fs::path out = fresh_dir("nosni");
  serve_cases s(
      {"--tls", "--once", "--timeout", "1", "--out", out.string(), "--cases", "client/tls-sni"});
  const std::string base = s.url();
  ASSERT_EQ(base.rfind("wss://localhost:", 0), 0u) << base;
  wsspec::tls_options none, other, right;
  none.verify = other.verify = right.verify = false;
  none.server_name = "127.0.0.1";  // an IP address goes unsent: no SNI at all
  other.server_name = "example.com";
  right.server_name = "localhost";
  EXPECT_EQ(visit(base, "runCase?case=1&agent=none", none), 101);
  EXPECT_EQ(visit(base, "runCase?case=1&agent=other", other), 101);
  EXPECT_EQ(visit(base, "runCase?case=1&agent=right", right), 101);
  EXPECT_EQ(visit(base, "updateReports", right), 101);
  EXPECT_EQ(s.wait(30s), 1) << s.output() << s.errors();

  const json none_v = verdicts(out / "none" / "results.json")["client/tls-sni"];
  EXPECT_EQ(none_v["verdict"], "fail") << none_v;
  EXPECT_NE(none_v["reason"].get<std::string>().find("no server name (SNI) for 'localhost'"),
            std::string::npos)
      << none_v["reason"];
  EXPECT_NE(none_v["reason"].get<std::string>().find("RFC 6455 4.1"), std::string::npos);
  EXPECT_EQ(none_v["events"][0]["what"], "tls_hello");
  EXPECT_EQ(none_v["events"][0]["server_name"], nullptr);

  const json other_v = verdicts(out / "other" / "results.json")["client/tls-sni"];
  EXPECT_EQ(other_v["verdict"], "fail") << other_v;
  EXPECT_NE(other_v["reason"].get<std::string>().find("'example.com'"), std::string::npos)
      << other_v["reason"];

  // The same client with the URL's host as SNI passes (it does not echo: the steps fail, but
  // the SNI check before them passed).
  const json right_v = verdicts(out / "right" / "results.json")["client/tls-sni"];
  EXPECT_EQ(right_v["events"][0]["server_name"], "localhost");
  EXPECT_EQ(right_v["reason"].get<std::string>().find("SNI"), std::string::npos)
      << right_v["reason"];
  fs::remove_all(out);
}

TEST(ServeCasesTls, WithoutTlsTheCaseIsUnimplemented) {
  const fs::path out = fresh_dir("plain");
  serve_cases s({"--out", out.string(), "--cases", "client/tls-sni", "--client-cmd",
                 "node " + targets + "ws_echo_client.js {url}", "--agent", "ws"});
  EXPECT_EQ(s.url().rfind("ws://127.0.0.1:", 0), 0u) << s.url();
  EXPECT_EQ(s.wait(60s), 0) << s.output() << s.errors();
  const json v = verdicts(out / "ws" / "results.json")["client/tls-sni"];
  EXPECT_EQ(v["verdict"], "unimplemented") << v;
  EXPECT_NE(v["reason"].get<std::string>().find("--tls"), std::string::npos) << v["reason"];
  EXPECT_FALSE(fs::exists(out / "tls-cert.pem"));
  fs::remove_all(out);
}

TEST(ServeCasesTls, BadCertificateOptionsExit2BeforeListening) {
  const fs::path dir = fresh_dir("bad");
  fs::create_directories(dir);
  const fs::path text = dir / "not.pem";
  std::ofstream(text) << "not a certificate\n";
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"--tls", "--tls-cert", (dir / "missing.pem").string(), "--tls-key", text.string()},
       "no such file"},
      {{"--tls", "--tls-cert", text.string(), "--tls-key", text.string()}, "not a PEM certificate"},
      // --tls-cert implies --tls, and needs its key.
      {{"--tls-cert", text.string()}, "--tls-cert and --tls-key go together"},
  };
  for (const auto& [args, message] : bad) {
    std::vector<std::string> a = args;
    a.insert(a.end(), {"--out", (dir / "out").string()});
    serve_cases s(a);
    EXPECT_EQ(s.wait(30s), 2) << message;
    EXPECT_EQ(s.output().find("listening"), std::string::npos) << s.output();
    EXPECT_NE(s.errors().find(message), std::string::npos) << s.errors();
  }
  fs::remove_all(dir);
}

}  // namespace
