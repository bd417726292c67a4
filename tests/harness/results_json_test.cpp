// results.json (reports/results_json.hpp) has every field DESIGN.md promises, with its type and
// value, survives target-controlled bytes that are not UTF-8, and the Autobahn index.json shape
// holds exactly the cases that carry an Autobahn id.
#include "wsspec/reports/results_json.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

using nlohmann::json;
using wsspec::case_result;
using wsspec::run_summary;
using wsspec::to_autobahn_json;
using wsspec::to_json;
using wsspec::verdict;

case_result make_result(std::string id, verdict data, verdict closing,
                        std::optional<std::string> autobahn = std::nullopt) {
  case_result r;
  r.id = std::move(id);
  r.area = r.id.substr(0, r.id.find('/'));
  r.title = "title of " + r.id;
  r.autobahn = std::move(autobahn);
  r.rfc = {"5.2", "7.4.1"};
  r.why = "because";
  r.tags = {"t1"};
  r.data = data;
  r.closing = closing;
  r.overall = wsspec::combine(data, closing);
  r.duration_ms = 12.75;
  r.transcript = {"   0.1ms > frame text", "   0.2ms < close 1000"};
  return r;
}

run_summary sample_run() {
  run_summary run;
  run.tool_version = "9.8.7";
  run.target_url = "ws://127.0.0.1:9001/";
  run.server_header = "TestServer/1.0";
  run.started_at = "2024-01-02T03:04:05Z";
  run.duration_ms = 99.5;
  run.command = "wsspec run ws://127.0.0.1:9001/";
  auto passing = make_result("framing/text-125", verdict::pass, verdict::pass, "1.1.2");
  passing.remote_close_code = 1000;
  auto failing = make_result("utf8/invalid-surrogate", verdict::fail, verdict::info, "6.19.1");
  failing.reason = "expected a fail; got an echo";
  failing.closing_reason = "not judged";
  auto closing_only = make_result("close/x", verdict::pass, verdict::non_strict);
  closing_only.closing_reason = "dropped TCP without a close frame";
  auto info = make_result("pingpong/y", verdict::info, verdict::pass, "2.10");
  info.reason = "recorded";
  auto unimpl = make_result("ext/z", verdict::unimplemented, verdict::pass);
  unimpl.reason = "no extension";
  auto error = make_result("framing/err", verdict::error, verdict::pass, "1.2.1");
  error.reason = "could not connect";
  run.cases = {passing, failing, closing_only, info, unimpl, error};
  return run;
}

TEST(ResultsJsonTop, ToolTargetSummary) {
  const json j = to_json(sample_run());
  ASSERT_TRUE(j.is_object());
  ASSERT_TRUE(j.contains("tool") && j["tool"].is_object());
  EXPECT_EQ(j["tool"]["name"], "wsspec");
  EXPECT_EQ(j["tool"]["version"], "9.8.7");
  ASSERT_TRUE(j.contains("target") && j["target"].is_object());
  EXPECT_EQ(j["target"]["url"], "ws://127.0.0.1:9001/");
  EXPECT_EQ(j["target"]["server"], "TestServer/1.0");
  ASSERT_TRUE(j.contains("summary") && j["summary"].is_object());
  const json& s = j["summary"];
  for (const char* k : {"pass", "non-strict", "info", "unimplemented", "fail", "error"}) {
    ASSERT_TRUE(s.contains(k)) << k;
    EXPECT_TRUE(s[k].is_number_integer()) << k;
  }
  EXPECT_EQ(s["pass"], 1);
  EXPECT_EQ(s["non-strict"], 1);
  EXPECT_EQ(s["info"], 1);
  EXPECT_EQ(s["unimplemented"], 1);
  EXPECT_EQ(s["fail"], 1);
  EXPECT_EQ(s["error"], 1);
  ASSERT_TRUE(j.contains("cases") && j["cases"].is_array());
  EXPECT_EQ(j["cases"].size(), 6u);
}

TEST(ResultsJsonTop, EmptyRunHasZeroCountsAndEmptyCases) {
  run_summary run;
  run.tool_version = "1";
  const json j = to_json(run);
  EXPECT_EQ(j["summary"], json::parse(R"({"pass": 0, "non-strict": 0, "info": 0,
                                          "unimplemented": 0, "fail": 0, "error": 0})"));
  ASSERT_TRUE(j["cases"].is_array());
  EXPECT_TRUE(j["cases"].empty());
  EXPECT_EQ(j["target"]["server"], "");
}

TEST(ResultsJsonCases, EveryRequiredFieldWithItsType) {
  const json j = to_json(sample_run());
  for (const json& c : j["cases"]) {
    SCOPED_TRACE(c.dump());
    ASSERT_TRUE(c.contains("id") && c["id"].is_string());
    ASSERT_TRUE(c.contains("autobahn"));
    EXPECT_TRUE(c["autobahn"].is_null() || c["autobahn"].is_string());
    ASSERT_TRUE(c.contains("rfc") && c["rfc"].is_array());
    for (const json& r : c["rfc"]) EXPECT_TRUE(r.is_string());
    ASSERT_TRUE(c.contains("title") && c["title"].is_string());
    ASSERT_TRUE(c.contains("verdict") && c["verdict"].is_string());
    ASSERT_TRUE(c.contains("reason") && c["reason"].is_string());
    ASSERT_TRUE(c.contains("duration_ms") && c["duration_ms"].is_number());
    ASSERT_TRUE(c.contains("transcript") && c["transcript"].is_array());
    for (const json& line : c["transcript"]) EXPECT_TRUE(line.is_string());
  }
}

TEST(ResultsJsonCases, ValuesInRunOrder) {
  const json j = to_json(sample_run());
  const json& c = j["cases"];
  ASSERT_EQ(c.size(), 6u);
  EXPECT_EQ(c[0]["id"], "framing/text-125");
  EXPECT_EQ(c[0]["autobahn"], "1.1.2");
  EXPECT_EQ(c[0]["rfc"], json::parse(R"(["5.2", "7.4.1"])"));
  EXPECT_EQ(c[0]["title"], "title of framing/text-125");
  EXPECT_EQ(c[0]["verdict"], "pass");
  EXPECT_EQ(c[0]["reason"], "");
  EXPECT_DOUBLE_EQ(c[0]["duration_ms"].get<double>(), 12.75);
  EXPECT_EQ(c[0]["transcript"],
            json::parse(R"(["   0.1ms > frame text", "   0.2ms < close 1000"])"));

  EXPECT_EQ(c[1]["id"], "utf8/invalid-surrogate");
  EXPECT_EQ(c[1]["verdict"], "fail");
  // The data exchange failed: its reason is the case's reason.
  EXPECT_EQ(c[1]["reason"], "expected a fail; got an echo");

  EXPECT_EQ(c[2]["id"], "close/x");
  EXPECT_TRUE(c[2]["autobahn"].is_null());
  EXPECT_EQ(c[2]["verdict"], "non-strict");
  // Only the closing behaviour was graded down: its reason is the case's reason.
  EXPECT_EQ(c[2]["reason"], "dropped TCP without a close frame");

  EXPECT_EQ(c[3]["verdict"], "info");
  EXPECT_EQ(c[3]["reason"], "recorded");
  EXPECT_EQ(c[4]["verdict"], "unimplemented");
  EXPECT_TRUE(c[4]["autobahn"].is_null());
  EXPECT_EQ(c[5]["verdict"], "error");
  EXPECT_EQ(c[5]["reason"], "could not connect");
}

TEST(ResultsJsonCases, DumpsAndParsesBack) {
  const json j = to_json(sample_run());
  const json back = json::parse(j.dump(2));
  EXPECT_EQ(back, j);
}

TEST(ResultsJsonUtf8, TargetControlledInvalidUtf8IsReplacedNotThrown) {
  run_summary run = sample_run();
  run.server_header = "Evil\xff";
  run.cases[1].reason = "got a close frame with reason \xc0\xaf and \xed\xa0\x80";
  run.cases[1].transcript.push_back(std::string("< raw \xfe\x00\xff", 9));
  json j;
  ASSERT_NO_THROW(j = to_json(run));
  // The default (strict) dump refuses invalid UTF-8 ...
  EXPECT_THROW((void)j.dump(), json::type_error);
  // ... which is why results.json is written with error_handler_t::replace.
  std::string text;
  ASSERT_NO_THROW(text = j.dump(2, ' ', false, json::error_handler_t::replace));
  json back;
  ASSERT_NO_THROW(back = json::parse(text));
  const std::string reason = back["cases"][1]["reason"];
  EXPECT_EQ(reason.rfind("got a close frame with reason \xef\xbf\xbd", 0), 0u) << reason;
  EXPECT_EQ(reason.find('\xc0'), std::string::npos);
  EXPECT_EQ(reason.find('\xed'), std::string::npos);
  EXPECT_EQ(back["target"]["server"], "Evil\xef\xbf\xbd");
  const std::string line = back["cases"][1]["transcript"].back();
  EXPECT_EQ(line.find('\xfe'), std::string::npos);
  EXPECT_EQ(line.rfind("< raw \xef\xbf\xbd", 0), 0u) << line;
  // The dump is valid JSON with the original valid text intact.
  EXPECT_EQ(back["cases"][0]["id"], "framing/text-125");
  // Also with ASCII-only output (what a strict CI log might want).
  ASSERT_NO_THROW((void)j.dump(-1, ' ', true, json::error_handler_t::replace));
}

// ---- Autobahn index.json shape ---------------------------------------------------------------

TEST(ResultsJsonAutobahn, ShapeAndOnlyCasesWithAnAutobahnId) {
  const json j = to_autobahn_json(sample_run(), "TestServer/1.0");
  ASSERT_TRUE(j.is_object());
  ASSERT_EQ(j.size(), 1u);
  ASSERT_TRUE(j.contains("TestServer/1.0"));
  const json& by_id = j["TestServer/1.0"];
  ASSERT_TRUE(by_id.is_object());
  std::vector<std::string> keys;
  for (const auto& [k, v] : by_id.items()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"1.1.2", "1.2.1", "2.10", "6.19.1"}));
  for (const auto& [k, v] : by_id.items()) {
    SCOPED_TRACE(k);
    ASSERT_TRUE(v.is_object());
    EXPECT_EQ(v.size(), 4u);
    EXPECT_TRUE(v["behavior"].is_string());
    EXPECT_TRUE(v["behaviorClose"].is_string());
    EXPECT_TRUE(v["duration"].is_number_integer());
    EXPECT_TRUE(v["remoteCloseCode"].is_null() || v["remoteCloseCode"].is_number_integer());
  }
  EXPECT_EQ(by_id["1.1.2"], json::parse(R"({"behavior": "OK", "behaviorClose": "OK",
                                            "duration": 12, "remoteCloseCode": 1000})"));
  EXPECT_EQ(by_id["6.19.1"], json::parse(R"({"behavior": "FAILED", "behaviorClose": "INFORMATIONAL",
                            "duration": 12, "remoteCloseCode": null})"));
  EXPECT_EQ(by_id["2.10"]["behavior"], "INFORMATIONAL");
  EXPECT_EQ(by_id["1.2.1"]["behavior"], "FAILED");  // error: Autobahn has no such word
}

TEST(ResultsJsonAutobahn, VerdictWords) {
  run_summary run;
  const std::pair<verdict, const char*> words[] = {
      {verdict::pass, "OK"},
      {verdict::non_strict, "NON-STRICT"},
      {verdict::info, "INFORMATIONAL"},
      {verdict::unimplemented, "UNIMPLEMENTED"},
      {verdict::fail, "FAILED"},
      {verdict::error, "FAILED"},
  };
  int n = 0;
  for (const auto& [v, word] : words) {
    run.cases.push_back(
        make_result("a/" + std::to_string(n), v, verdict::pass, "9." + std::to_string(n)));
    run.cases.push_back(
        make_result("b/" + std::to_string(n), verdict::pass, v, "10." + std::to_string(n)));
    ++n;
  }
  const json j = to_autobahn_json(run, "agent");
  n = 0;
  for (const auto& [v, word] : words) {
    EXPECT_EQ(j["agent"]["9." + std::to_string(n)]["behavior"], word);
    EXPECT_EQ(j["agent"]["9." + std::to_string(n)]["behaviorClose"], "OK");
    EXPECT_EQ(j["agent"]["10." + std::to_string(n)]["behavior"], "OK");
    EXPECT_EQ(j["agent"]["10." + std::to_string(n)]["behaviorClose"], word);
    ++n;
  }
}

TEST(ResultsJsonAutobahn, NoAutobahnCasesGivesAnEmptyAgentObject) {
  run_summary run;
  run.cases.push_back(make_result("x/y", verdict::pass, verdict::pass));
  const json j = to_autobahn_json(run, "agent");
  EXPECT_EQ(j, json::parse(R"({"agent": {}})"));
}

}  // namespace
