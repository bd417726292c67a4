#include "wsspec/reports/junit_xml.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>

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
    } else if (t.name == "/testcase" || t.name == "/testsuite") {
      open = nullptr;
    } else if (open) {
      open->children.push_back(t);
    }
  }
  return out;
}

TEST(JunitXml, OneSuitePerAreaWithItsCounts) {
  const run_summary run = sample::realistic_run();
  const std::string xml = render_junit(run);
  ASSERT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));

  struct counts {
    int tests = 0, failures = 0, errors = 0, skipped = 0;
  };
  std::map<std::string, counts> want;
  counts all;
  for (const auto& c : run.cases) {
    for (counts* k : {&want[c.area], &all}) {
      ++k->tests;
      k->failures += c.overall == verdict::fail;
      k->errors += c.overall == verdict::error;
      k->skipped += c.overall == verdict::unimplemented;
    }
  }
  std::set<std::string> seen;
  for (const auto& t : scan_tags(xml, false)) {
    if (t.name == "testsuites") {
      EXPECT_EQ(attr(t, "tests"), std::to_string(all.tests));
      EXPECT_EQ(attr(t, "failures"), std::to_string(all.failures));
      EXPECT_EQ(attr(t, "errors"), std::to_string(all.errors));
      EXPECT_EQ(attr(t, "skipped"), std::to_string(all.skipped));
      EXPECT_EQ(attr(t, "timestamp"), "2026-11-24T07:48:24");
    }
    if (t.name != "testsuite") continue;
    const std::string name = attr(t, "name");
    ASSERT_TRUE(want.count(name)) << name;
    EXPECT_TRUE(seen.insert(name).second) << "two suites for " << name;
    EXPECT_EQ(attr(t, "tests"), std::to_string(want[name].tests)) << name;
    EXPECT_EQ(attr(t, "failures"), std::to_string(want[name].failures)) << name;
    EXPECT_EQ(attr(t, "errors"), std::to_string(want[name].errors)) << name;
    EXPECT_EQ(attr(t, "skipped"), std::to_string(want[name].skipped)) << name;
    EXPECT_EQ(attr(t, "timestamp"), "2026-11-24T07:48:24");
  }
  EXPECT_EQ(seen.size(), want.size());
  EXPECT_GT(all.failures, 0);
  EXPECT_GT(all.errors, 0);
  EXPECT_GT(all.skipped, 0);
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
  const std::set<std::string> elements = {"?",        "testsuites", "testsuite", "properties",
                                          "property", "testcase",   "failure",   "error",
                                          "skipped",  "system-out"};
  for (const auto& t : scan_tags(xml, false)) {
    const std::string name = t.name.starts_with("/") ? t.name.substr(1) : t.name;
    EXPECT_TRUE(elements.count(name)) << "unexpected element <" << t.name << ">";
    for (const auto& [a, v] : t.attributes) {
      EXPECT_TRUE(a == "name" || a == "classname" || a == "time" || a == "tests" ||
                  a == "failures" || a == "errors" || a == "skipped" || a == "timestamp" ||
                  a == "message" || a == "type" || a == "value" || a == "version" ||
                  a == "encoding")
          << a;
    }
  }
  EXPECT_EQ(xml.find("]]>"), std::string::npos);
  EXPECT_EQ(xml.find(std::string(report_text::max_field_bytes + 1, 'A')), std::string::npos);
}

}  // namespace
}  // namespace wsspec
