// The run-level masking-key result serve-cases adds to an agent's report (RFC 6455 5.3): every
// case's keys judged together, in case order.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "serve_cases/agent_reports.hpp"

namespace wsspec::serve_cases {
namespace {

test_case a_case(const std::string& id) {
  test_case c;
  c.id = id;
  c.area = "framing";
  return c;
}

case_result passed(const test_case& c, std::vector<std::uint32_t> keys) {
  case_result r;
  r.id = c.id;
  r.area = c.area;
  r.data = r.closing = r.overall = verdict::pass;
  r.client_mask_keys = std::move(keys);
  return r;
}

const case_result* run_level(const run_summary& s) {
  const auto it = std::find_if(s.cases.begin(), s.cases.end(),
                               [](const case_result& r) { return r.id == run_level_mask_keys_id; });
  return it == s.cases.end() ? nullptr : &*it;
}

// A client that seeds the same generator on every connection: each case's keys look random,
// the run's repeat.
TEST(ServeCasesRunKeys, AGeneratorRestartedPerConnectionFailsTheRun) {
  std::vector<test_case> cases;
  std::vector<std::optional<case_result>> results;
  for (int i = 0; i < 4; ++i) {
    cases.push_back(a_case("framing/case-" + std::to_string(i)));
    std::mt19937 same_seed(42);
    std::vector<std::uint32_t> keys;
    for (int k = 0; k < 16; ++k) keys.push_back(same_seed());
    results.push_back(passed(cases.back(), keys));
  }
  const run_summary s = agent_summary("agent", cases, results, {});
  const case_result* r = run_level(s);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->overall, verdict::fail) << r->reason;
  EXPECT_EQ(s.cases.size(), 5u);
}

TEST(ServeCasesRunKeys, FreshKeysPass) {
  std::vector<test_case> cases;
  std::vector<std::optional<case_result>> results;
  std::random_device entropy;
  for (int i = 0; i < 4; ++i) {
    cases.push_back(a_case("framing/case-" + std::to_string(i)));
    std::vector<std::uint32_t> keys;
    for (int k = 0; k < 16; ++k) keys.push_back(entropy());
    results.push_back(passed(cases.back(), keys));
  }
  const run_summary s = agent_summary("agent", cases, results, {});  // r points into it
  const case_result* r = run_level(s);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->overall, verdict::pass) << r->reason;
}

// No frames from the client, no keys: nothing to judge, no result added.
TEST(ServeCasesRunKeys, NoKeysNoResult) {
  std::vector<test_case> cases{a_case("framing/case-0")};
  std::vector<std::optional<case_result>> results{passed(cases[0], {})};
  const run_summary s = agent_summary("agent", cases, results, {});
  EXPECT_EQ(run_level(s), nullptr);
}

}  // namespace
}  // namespace wsspec::serve_cases
