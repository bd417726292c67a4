// The progress line of a case (run/suite_runner.hpp case_line): verdict, id, what accepted it,
// its Autobahn id and duration, and for anything but pass the deciding reason below it.
#include <gtest/gtest.h>

#include "run/suite_runner.hpp"

namespace wsspec {
namespace {

case_result result(verdict v, std::string id) {
  case_result r;
  r.id = std::move(id);
  r.overall = r.data = v;
  r.duration_ms = 12;
  return r;
}

TEST(CaseLine, EveryVerdictIsSeparatedFromTheId) {
  for (const verdict v : {verdict::pass, verdict::non_strict, verdict::info, verdict::unimplemented,
                          verdict::fail, verdict::error}) {
    const std::string line = case_line(result(v, "client/tls-sni"), false);
    const std::string word(to_string(v));
    ASSERT_EQ(line.substr(0, word.size()), word) << line;
    EXPECT_EQ(line[word.size()], ' ') << line;
    EXPECT_EQ(line.find("client/tls-sni"), 14u) << line;  // one column for every verdict
  }
}

TEST(CaseLine, SaysWhatAcceptedItAndItsAutobahnId) {
  case_result r = result(verdict::non_strict, "utf8/fail-fast-chops-byte");
  r.autobahn = "6.4.4";
  r.reason = "the target did not fail fast";
  EXPECT_EQ(case_line(r, true),
            "non-strict    utf8/fail-fast-chops-byte (accepted by the baseline) [6.4.4] (12 ms)\n"
            "    the target did not fail fast");
}

}  // namespace
}  // namespace wsspec
