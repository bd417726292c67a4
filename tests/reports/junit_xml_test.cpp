#include "wsspec/reports/junit_xml.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "markup_scan.hpp"
#include "sample_runs.hpp"
#include "wsspec/codec/utf8.hpp"
#include "wsspec/reports/html_report.hpp"

namespace wsspec {
namespace {

using test::scan_tags;
using test::tag;

std::string attr(const tag& t, std::string_view name) {
  for (const auto& [n, v] : t.attributes) {
    if (n == name) return v;
  }
  return "<missing>";
}

// The <testcase> start tags, each with the elements inside it.
struct testcase_view {
  tag start;
  std::vector<tag> children;
};

std::map<std::string, testcase_view> testcases(const std::vector<tag>& tags) {
  std::map<std::string, testcase_view> out;
  testcase_view* open = nullptr;
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const tag& t = tags[i];
    if (t.name == "testcase") {
      open = &out[attr(t, "name")];
      open->start = t;
    } else if (t.name == "/testcase") {
      open = nullptr;
    } else if (open) {
      open->children.push_back(t);
    }
  }
  return out;
}

// The whole document for a small run, byte for byte: the root is the one <testsuite> that
// Surefire's schema declares, the areas are the cases' classnames, cases come area by area.
TEST(JunitXml, SmallRunExactly) {
  const verdict P = verdict::pass, I = verdict::info, U = verdict::unimplemented, F = verdict::fail,
                E = verdict::error;
  run_summary run;
  run.tool_version = "0.1.0";
  run.target_url = "ws://127.0.0.1:9001/";
  run.server_header = "Example/1";
  run.started_at = "2026-11-24T07:48:24Z";
  run.duration_ms = 1234;
  run.command = "wsspec run ws://127.0.0.1:9001/ --out r";
  using sample::make_case;
  run.cases.push_back(
      make_case("framing/text-125", "framing", "t1", nullptr, {}, "", P, P, "", "", 12, {}));
  run.cases.push_back(make_case("close/reason-123", "close", "t2", nullptr, {"7.4.1"}, "w", F, P,
                                "expected close 1000; got 1002", "", 3, {"   0.1ms > close 1000"}));
  run.cases.push_back(make_case("framing/rsv1", "framing", "t3", nullptr, {}, "", E, P,
                                "could not connect", "", 0, {}));
  run.cases.back().connect_failed = true;
  run.cases.push_back(make_case("x/info", "", "t4", nullptr, {}, "", I, P, "recorded", "", 5, {}));
  run.cases.push_back(make_case("deflate/offer", "deflate", "t5", "12.1.1", {}, "", U, P,
                                "the target offers no permessage-deflate", "", 0, {}));

  const std::string want = R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="wsspec" tests="5" failures="1" errors="1" skipped="1" time="1.234">
  <properties>
    <property name="wsspec.version" value="0.1.0"/>
    <property name="target.url" value="ws://127.0.0.1:9001/"/>
    <property name="target.server" value="Example/1"/>
    <property name="started_at" value="2026-11-24T07:48:24Z"/>
    <property name="command" value="wsspec run ws://127.0.0.1:9001/ --out r"/>
  </properties>
  <testcase name="framing/text-125" classname="wsspec.framing" time="0.012"/>
  <testcase name="framing/rsv1" classname="wsspec.framing" time="0.000">
    <error message="could not connect" type="error">framing/rsv1: error
t3

Expected vs. actual
  data exchange: error - could not connect
  closing behaviour: pass - as expected
  no TCP connection

Rerun: wsspec run ws://127.0.0.1:9001/ --cases &apos;framing/rsv1&apos;
</error>
  </testcase>
  <testcase name="close/reason-123" classname="wsspec.close" time="0.003">
    <failure message="expected close 1000; got 1002" type="fail">close/reason-123: fail
t2
RFC sections: 7.4.1
Why: w

Expected vs. actual
  data exchange: fail - expected close 1000; got 1002
  closing behaviour: pass - as expected

Rerun: wsspec run ws://127.0.0.1:9001/ --cases &apos;close/reason-123&apos;

Transcript (1 lines):
   0.1ms &gt; close 1000
</failure>
  </testcase>
  <testcase name="x/info" classname="wsspec.default" time="0.005">
    <system-out>x/info: info
t4

Expected vs. actual
  data exchange: info - recorded
  closing behaviour: pass - as expected

Rerun: wsspec run ws://127.0.0.1:9001/ --cases &apos;x/info&apos;
</system-out>
  </testcase>
  <testcase name="deflate/offer" classname="wsspec.deflate" time="0.000">
    <skipped message="the target offers no permessage-deflate"/>
    <system-out>deflate/offer: unimplemented (Autobahn 12.1.1)
t5

Expected vs. actual
  data exchange: unimplemented - the target offers no permessage-deflate
  closing behaviour: pass - as expected

Rerun: wsspec run ws://127.0.0.1:9001/ --cases &apos;deflate/offer&apos;
</system-out>
  </testcase>
</testsuite>
)";
  EXPECT_EQ(render_junit(run), want);
}

TEST(JunitXml, OneSuiteWithTheRunsCountsAreasAsClassnames) {
  const run_summary run = sample::realistic_run();
  const std::string xml = render_junit(run);
  ASSERT_TRUE(xml.starts_with(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"wsspec\" tests=\""));
  EXPECT_TRUE(xml.ends_with("\n</testsuite>\n"));
  EXPECT_EQ(xml.find("testsuites"), std::string::npos);

  int failures = 0, errors = 0, skipped = 0;
  std::set<std::string> areas;
  for (const auto& c : run.cases) {
    failures += c.overall == verdict::fail;
    errors += c.overall == verdict::error;
    skipped += c.overall == verdict::unimplemented;
    areas.insert("wsspec." + c.area);
  }
  int suites = 0;
  std::vector<std::string> classnames;  // in document order
  std::map<std::string, std::string> properties;
  for (const auto& t : scan_tags(xml, false)) {
    if (t.name == "testsuite") {
      ++suites;
      EXPECT_EQ(attr(t, "name"), "wsspec");
      EXPECT_EQ(attr(t, "tests"), std::to_string(run.cases.size()));
      EXPECT_EQ(attr(t, "failures"), std::to_string(failures));
      EXPECT_EQ(attr(t, "errors"), std::to_string(errors));
      EXPECT_EQ(attr(t, "skipped"), std::to_string(skipped));
      // Not an attribute: surefire-test-report 3.0 has none on <testsuite>.
      EXPECT_EQ(attr(t, "timestamp"), "<missing>");
    }
    if (t.name == "property") properties[attr(t, "name")] = attr(t, "value");
    if (t.name == "testcase") classnames.push_back(attr(t, "classname"));
  }
  EXPECT_EQ(suites, 1);
  EXPECT_EQ(properties, (std::map<std::string, std::string>{
                            {"wsspec.version", "0.1.0"},
                            {"target.url", "ws://127.0.0.1:9001/"},
                            {"target.server", "ExampleWS/2.4 (Linux)"},
                            {"started_at", "2026-11-24T07:48:24Z"},
                            {"command", "wsspec run ws://127.0.0.1:9001/ --out report"},
                        }));
  // Every area is a classname, and each one's cases are together.
  EXPECT_EQ(std::set<std::string>(classnames.begin(), classnames.end()), areas);
  std::set<std::string> done;
  for (std::size_t i = 0; i < classnames.size(); ++i) {
    if (i > 0 && classnames[i] != classnames[i - 1]) {
      EXPECT_TRUE(done.insert(classnames[i - 1]).second) << classnames[i - 1] << " split";
    }
    EXPECT_FALSE(done.count(classnames[i])) << classnames[i] << " split";
  }
  EXPECT_GT(failures, 0);
  EXPECT_GT(errors, 0);
  EXPECT_GT(skipped, 0);
}

TEST(JunitXml, VerdictsMapToFailureErrorSkippedAndPassed) {
  const run_summary run = sample::realistic_run();
  const auto tcs = testcases(scan_tags(render_junit(run), false));
  ASSERT_EQ(tcs.size(), run.cases.size());
  for (const auto& c : run.cases) {
    ASSERT_TRUE(tcs.count(c.id)) << c.id;
    const testcase_view& tc = tcs.at(c.id);
    EXPECT_EQ(attr(tc.start, "classname"), "wsspec." + c.area);
    const std::string time = attr(tc.start, "time");
    EXPECT_EQ(time.size() - time.find('.'), 4u) << time;  // seconds, 3 decimals
    std::set<std::string> kids;
    for (const auto& k : tc.children) {
      if (!k.name.starts_with("/")) kids.insert(k.name);
    }
    switch (c.overall) {
      case verdict::fail:
        EXPECT_EQ(kids, std::set<std::string>{"failure"}) << c.id;
        for (const auto& k : tc.children) {
          if (k.name == "failure") {
            EXPECT_EQ(attr(k, "type"), "fail");
          }
        }
        break;
      case verdict::error:
        EXPECT_EQ(kids, std::set<std::string>{"error"}) << c.id;
        break;
      case verdict::unimplemented:
        EXPECT_EQ(kids, (std::set<std::string>{"skipped", "system-out"})) << c.id;
        break;
      case verdict::non_strict:
      case verdict::info:
        EXPECT_EQ(kids, std::set<std::string>{"system-out"}) << c.id;
        break;
      case verdict::pass:
        EXPECT_TRUE(kids.empty()) << c.id;
        break;
    }
  }
}

TEST(JunitXml, FailureCarriesShortReasonExpectedActualAndTranscript) {
  const std::string xml = render_junit(sample::realistic_run());
  const auto at = xml.find("<testcase name=\"handshake/unknown-version-14\"");
  ASSERT_NE(at, std::string::npos);
  const std::string tc = xml.substr(at, xml.find("</testcase>", at) - at);
  EXPECT_NE(tc.find("<failure message=\"expected HTTP 426 with a Sec-WebSocket-Version header "
                    "listing 13; got HTTP 400"),
            std::string::npos);
  EXPECT_NE(tc.find("type=\"fail\""), std::string::npos);
  EXPECT_NE(tc.find("data exchange: fail - expected HTTP 426"), std::string::npos);
  EXPECT_NE(tc.find("closing behaviour: pass - as expected"), std::string::npos);
  EXPECT_NE(tc.find("Transcript (3 lines):"), std::string::npos);
  EXPECT_NE(tc.find("&lt; HTTP 400 62 bytes"), std::string::npos);
  EXPECT_NE(tc.find("Rerun: wsspec run ws://127.0.0.1:9001/ --cases &apos;handshake/"
                    "unknown-version-14&apos;"),
            std::string::npos);

  const auto ns = xml.find("<testcase name=\"pingpong/ping-126\"");
  ASSERT_NE(ns, std::string::npos);
  const std::string nstc = xml.substr(ns, xml.find("</testcase>", ns) - ns);
  EXPECT_NE(nstc.find("<system-out>pingpong/ping-126: non-strict"), std::string::npos);
}

TEST(JunitXml, HostileTextIsEscapedAndXmlSafe) {
  const std::string xml = render_junit(sample::hostile_run());
  EXPECT_TRUE(
      codec::validate_utf8(std::span(reinterpret_cast<const std::uint8_t*>(xml.data()), xml.size()))
          .valid);
  // No character XML 1.0 forbids: C0 controls other than TAB, LF, CR.
  for (char c : xml) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_FALSE(u < 0x20 && u != '\t' && u != '\n' && u != '\r') << static_cast<int>(u);
    if (u < 0x20 && u != '\t' && u != '\n' && u != '\r') break;
  }
  for (const auto& p : sample::hostile_payloads()) {
    EXPECT_EQ(xml.find(p), std::string::npos) << p;
  }
  const std::set<std::string> elements = {"?",        "testsuite", "properties",
                                          "property", "testcase",  "failure",
                                          "error",    "skipped",   "system-out"};
  for (const auto& t : scan_tags(xml, false)) {
    const std::string name = t.name.starts_with("/") ? t.name.substr(1) : t.name;
    EXPECT_TRUE(elements.count(name)) << "unexpected element <" << t.name << ">";
    for (const auto& [a, v] : t.attributes) {
      EXPECT_TRUE(a == "name" || a == "classname" || a == "time" || a == "tests" ||
                  a == "failures" || a == "errors" || a == "skipped" || a == "message" ||
                  a == "type" || a == "value" || a == "version" || a == "encoding")
          << a;
    }
  }
  EXPECT_EQ(xml.find("]]>"), std::string::npos);
  EXPECT_EQ(xml.find(std::string(report_text::max_field_bytes + 1, 'A')), std::string::npos);
}

}  // namespace
}  // namespace wsspec
