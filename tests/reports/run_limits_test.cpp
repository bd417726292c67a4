// The limits a run was held to, as reports write them and read them back.
#include "wsspec/reports/run_limits.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include "wsspec/reports/results_json.hpp"
#include "wsspec/reports/results_reader.hpp"

namespace wsspec {
namespace {

run_summary parsed(const nlohmann::json& j, results_error& err) {
  run_summary r;
  EXPECT_TRUE(parse_results_json(j.dump(), r, err)) << err.to_string();
  return r;
}

bool refused(const nlohmann::json& j, results_error& err) {
  run_summary r;
  return !parse_results_json(j.dump(), r, err);
}

TEST(SizeText, LargestBinaryUnitThatDividesExactly) {
  EXPECT_EQ(size_text(0), "0 bytes");
  EXPECT_EQ(size_text(1), "1 byte");
  EXPECT_EQ(size_text(1000), "1000 bytes");
  EXPECT_EQ(size_text(1024), "1 KiB");
  EXPECT_EQ(size_text(1536), "1536 bytes");  // not exact in KiB: said in bytes
  EXPECT_EQ(size_text(256 << 10), "256 KiB");
  EXPECT_EQ(size_text(std::uint64_t{64} << 20), "64 MiB");
  EXPECT_EQ(size_text(std::uint64_t{3} << 40), "3 TiB");
  EXPECT_EQ(size_text(std::uint64_t{1} << 60), "1048576 TiB");
}

TEST(DurationText, MinutesSecondsAndFractions) {
  EXPECT_EQ(duration_text(1800000), "30 min");
  EXPECT_EQ(duration_text(90000), "90 s");
  EXPECT_EQ(duration_text(5000), "5 s");
  EXPECT_EQ(duration_text(1500), "1.5 s");
  EXPECT_EQ(duration_text(200), "0.2 s");
}

TEST(LimitsText, SaysEachLimitAndWhatADefaultMeans) {
  run_limits l;
  l.head_bytes = 256 << 10;
  l.frame_bytes = l.message_bytes = std::uint64_t{64} << 20;
  l.default_case_timeout_ms = 5000;
  l.total_timeout_ms = 1800000;
  EXPECT_EQ(limits_text(l),
            "head 256 KiB, frame 64 MiB, message 64 MiB, case time-out each case's own (5 s "
            "unless it names one), total time-out 30 min");
  l.case_timeout_ms = 2000;
  l.total_timeout_ms = 0;
  EXPECT_EQ(limits_text(l),
            "head 256 KiB, frame 64 MiB, message 64 MiB, case time-out 2 s, total time-out none");
}

TEST(LimitsJson, WrittenAndReadBack) {
  run_summary run;
  run.tool_version = "1";
  run.target_url = "ws://127.0.0.1:1/";
  run.limits.head_bytes = 65536;
  run.limits.frame_bytes = 1 << 20;
  run.limits.message_bytes = 2 << 20;
  run.limits.default_case_timeout_ms = 5000;
  run.limits.total_timeout_ms = 600000;
  const nlohmann::json j = to_json(run);
  EXPECT_EQ(j["limits"], nlohmann::json::parse(R"({"head_bytes": 65536, "frame_bytes": 1048576,
      "message_bytes": 2097152, "case_timeout_ms": null, "default_case_timeout_ms": 5000,
      "total_timeout_ms": 600000})"));
  results_error err;
  const run_summary back = parsed(j, err);
  EXPECT_EQ(limits_text(back.limits), limits_text(run.limits));
}

TEST(LimitsJson, AbsentWhenUnknownAndRefusedWhenMalformed) {
  run_summary run;
  run.tool_version = "1";
  run.target_url = "ws://127.0.0.1:1/";
  nlohmann::json j = to_json(run);
  EXPECT_FALSE(j.contains("limits"));
  results_error err;
  EXPECT_FALSE(parsed(j, err).limits.known());
  j["limits"] = {{"head_bytes", -1}};
  ASSERT_TRUE(refused(j, err));
  EXPECT_EQ(err.pointer, "/limits/head_bytes");
  j["limits"] = {{"case_timeout_ms", 1e12}};
  ASSERT_TRUE(refused(j, err));
  EXPECT_EQ(err.pointer, "/limits/case_timeout_ms");
  j["limits"] = {{"total_timeout_ms", 5000000000}};  // beyond 32 bits of milliseconds
  ASSERT_TRUE(refused(j, err));
  EXPECT_EQ(err.pointer, "/limits/total_timeout_ms");
  j["limits"] = "64 MiB";
  ASSERT_TRUE(refused(j, err));
  EXPECT_EQ(err.pointer, "/limits");
}

}  // namespace
}  // namespace wsspec
