// The run-level masking-key result serve-cases adds to an agent's report (RFC 6455 5.3): every
// case's keys judged together, in case order.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "serve_cases/agent_reports.hpp"
#include "serve_cases/result_store.hpp"
#include "wsspec/reports/results_reader.hpp"

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

// A restart of serve-cases (same --out) reloads each agent's results.json into the store
// (load_saved_results, result_store::adopt): the cases run before it keep their masking keys.
class ServeCasesRunKeysReload : public ::testing::Test {
 protected:
  void SetUp() override {
    out_ = std::filesystem::temp_directory_path() /
           ("wsspec-run-keys-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(out_);
    settings_.out = out_;
  }
  void TearDown() override { std::filesystem::remove_all(out_); }

  // Saves `results` as the agent's results.json, then loads it into `store` (a new one), as a
  // restarted serve-cases does.
  void restart(const std::vector<test_case>& cases,
               const std::vector<std::optional<case_result>>& results, result_store& store) {
    std::string error;
    EXPECT_TRUE(save_results_json(agent_summary("agent", cases, results, settings_), "agent",
                                  settings_, error))
        << error;
    std::vector<std::string> problems;
    const auto saved = load_saved_results(out_, problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
    EXPECT_EQ(saved.size(), 1u);
    for (const auto& [agent, summary] : saved) store.adopt(agent, cases, summary);
  }

  std::filesystem::path out_;
  report_settings settings_;
};

std::vector<std::uint32_t> keys_of(const std::vector<std::optional<case_result>>& results) {
  std::vector<std::uint32_t> keys;
  for (const auto& r : results)
    if (r) keys.insert(keys.end(), r->client_mask_keys.begin(), r->client_mask_keys.end());
  return keys;
}

TEST_F(ServeCasesRunKeysReload, AReloadedStoreHasTheKeysOfBeforeTheRestart) {
  std::vector<test_case> cases;
  std::vector<std::optional<case_result>> results;
  std::mt19937 gen(7);
  for (int i = 0; i < 3; ++i) {
    cases.push_back(a_case("framing/case-" + std::to_string(i)));
    std::vector<std::uint32_t> keys;
    for (int k = 0; k < 16; ++k) keys.push_back(gen());
    if (i == 1) keys.front() = 0x0000000a;  // leading zeros survive the hex text
    results.push_back(passed(cases.back(), keys));
  }
  const run_summary before = agent_summary("agent", cases, results, {});
  result_store store(cases.size());
  restart(cases, results, store);
  const auto reloaded = store.results("agent");
  ASSERT_EQ(reloaded.size(), 3u);
  EXPECT_EQ(keys_of(reloaded), keys_of(results));
  const run_summary after = agent_summary("agent", cases, reloaded, {});
  ASSERT_NE(run_level(before), nullptr);
  ASSERT_NE(run_level(after), nullptr);
  EXPECT_EQ(run_level(after)->overall, run_level(before)->overall);
  EXPECT_EQ(run_level(after)->reason, run_level(before)->reason);
}

// A client that seeds one generator alike on every connection, with serve-cases restarted
// between its two cases: only the reloaded keys of the first case show the repeat.
TEST_F(ServeCasesRunKeysReload, KeysRepeatedAcrossARestartFailTheRun) {
  auto same_seed_keys = [] {
    std::mt19937 g(42);
    std::vector<std::uint32_t> keys;
    for (int k = 0; k < 16; ++k) keys.push_back(g());
    return keys;
  };
  std::vector<test_case> cases{a_case("framing/case-0"), a_case("framing/case-1")};
  std::vector<std::optional<case_result>> first{passed(cases[0], same_seed_keys()), std::nullopt};
  const run_summary before = agent_summary("agent", cases, first, {});
  ASSERT_NE(run_level(before), nullptr);
  EXPECT_EQ(run_level(before)->overall, verdict::pass) << run_level(before)->reason;

  result_store store(cases.size());
  restart(cases, first, store);
  store.begin("agent", 1);
  store.record("agent", 1, passed(cases[1], same_seed_keys()));
  const run_summary after = agent_summary("agent", cases, store.results("agent"), {});
  ASSERT_NE(run_level(after), nullptr);
  EXPECT_EQ(run_level(after)->overall, verdict::fail) << run_level(after)->reason;
}

// The field in results.json: lower-case 8-digit hex, only on cases with keys; a file without it
// (written before it existed, or by a server run) still loads, with no keys.
TEST(ServeCasesRunKeysFile, KeysAreWrittenAsHexAndOptionalWhenRead) {
  run_summary s;
  s.tool_version = "0";
  s.target_url = "ws://127.0.0.1:9001/";
  s.cases.push_back(passed(a_case("framing/a"), {0x0000000a, 0xdeadbeef}));
  s.cases.push_back(passed(a_case("framing/b"), {}));
  nlohmann::json j = to_json(s);
  EXPECT_EQ(j["cases"][0]["client_mask_keys"], nlohmann::json({"0000000a", "deadbeef"}));
  EXPECT_FALSE(j["cases"][1].contains("client_mask_keys"));
  run_summary back;
  results_error err;
  ASSERT_TRUE(parse_results_json(j.dump(), back, err)) << err.to_string();
  EXPECT_EQ(back.cases.at(0).client_mask_keys,
            (std::vector<std::uint32_t>{0x0000000a, 0xdeadbeef}));
  EXPECT_TRUE(back.cases.at(1).client_mask_keys.empty());
  j["cases"][0].erase("client_mask_keys");
  ASSERT_TRUE(parse_results_json(j.dump(), back, err)) << err.to_string();
  EXPECT_TRUE(back.cases.at(0).client_mask_keys.empty());
  for (const auto& [bad, pointer] : std::vector<std::pair<nlohmann::json, std::string>>{
           {"0000000a", "/cases/0/client_mask_keys"},
           {{"000000a"}, "/cases/0/client_mask_keys/0"},
           {{"0000000g"}, "/cases/0/client_mask_keys/0"},
           {{10}, "/cases/0/client_mask_keys/0"},
           {std::vector<std::string>(case_result::max_mask_keys + 1, "00000001"),
            "/cases/0/client_mask_keys"}}) {
    j["cases"][0]["client_mask_keys"] = bad;
    EXPECT_FALSE(parse_results_json(j.dump(), back, err)) << bad.dump();
    EXPECT_EQ(err.pointer, pointer) << bad.dump() << ": " << err.message;
  }
}

}  // namespace
}  // namespace wsspec::serve_cases
