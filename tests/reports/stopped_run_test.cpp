// A run the pre-flight stopped (the target answers, but with no usable 101): every report says
// why, once, marks each case not run, and lets none of the target's text run as markup.
#include <gtest/gtest.h>

#include <string>

#include "wsspec/reports/html_report.hpp"
#include "wsspec/reports/junit_xml.hpp"
#include "wsspec/reports/results_json.hpp"
#include "wsspec/reports/results_reader.hpp"

namespace wsspec {
namespace {

run_summary stopped_run() {
  run_summary r;
  r.tool_version = "0.1.0";
  r.target_url = "ws://127.0.0.1:9001/";
  r.stopped_because =
      "a well-formed opening request got an HTTP 101 response that breaks a rule: the "
      "Sec-WebSocket-Accept does not match the key sent: got \"<script>alert(1)</script>\" (RFC "
      "6455 4.1) instead of a valid 101, so no case ran";
  for (const char* id : {"framing/text-length-0", "close/code-only"}) {
    case_result c;
    c.id = id;
    c.area = std::string(id).substr(0, std::string(id).find('/'));
    c.title = "t";
    c.rfc = {"5.2"};
    c.data = c.overall = verdict::fail;
    c.closing = verdict::info;
    c.reason = "not run: " + r.stopped_because;
    c.not_run = true;
    r.cases.push_back(c);
  }
  return r;
}

TEST(StoppedRun, ResultsJsonSaysWhyAndMarksEveryCase) {
  const nlohmann::json j = to_json(stopped_run());
  EXPECT_EQ(j["stopped"], stopped_run().stopped_because);
  ASSERT_EQ(j["cases"].size(), 2u);
  for (const auto& c : j["cases"]) {
    EXPECT_EQ(c["verdict"], "fail");
    EXPECT_EQ(c["not_run"], true);
  }
  EXPECT_EQ(j["summary"]["fail"], 2);
}

TEST(StoppedRun, ReadBackKeepsTheStopAndTheMarks) {
  run_summary back;
  results_error err;
  ASSERT_TRUE(parse_results_json(to_json(stopped_run()).dump(), back, err)) << err.to_string();
  EXPECT_EQ(back.stopped_because, stopped_run().stopped_because);
  ASSERT_EQ(back.cases.size(), 2u);
  EXPECT_TRUE(back.cases[0].not_run);
  EXPECT_TRUE(back.cases[1].not_run);
}

TEST(StoppedRun, HtmlSaysWhyOnTopEscaped) {
  const std::string html = render_html(stopped_run());
  EXPECT_NE(html.find("The run stopped before its cases: a well-formed opening request got"),
            std::string::npos);
  EXPECT_EQ(html.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("<b>Not run</b>"), std::string::npos);
}

TEST(StoppedRun, JunitFailsEachCaseSayingItDidNotRun) {
  const std::string xml = render_junit(stopped_run());
  EXPECT_NE(xml.find("<failure"), std::string::npos);
  EXPECT_NE(xml.find("  not run: a well-formed opening request got"), std::string::npos);
  EXPECT_EQ(xml.find("<script>"), std::string::npos);
}

}  // namespace
}  // namespace wsspec
