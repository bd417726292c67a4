// How the runner sizes a case (harness/run/case_weight.hpp): which built-in cases run beside
// others, which run after the light ones, which run alone, and the cost order that starts the
// longest heavy cases first so a run does not end with one long case and idle jobs.
#include "run/case_weight.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cases/case_loader.hpp"

namespace wsspec {
namespace {

const test_case& builtin(const std::string& id) {
  static const std::vector<test_case> cases = [] {
    std::vector<test_case> c;
    case_error e;
    EXPECT_TRUE(load_builtin_cases(c, e)) << e.to_string();
    return c;
  }();
  for (const auto& c : cases)
    if (c.id == id) return c;
  ADD_FAILURE() << "no built-in case " << id;
  static const test_case none;
  return none;
}

TEST(CaseWeight, SizesBuiltInCases) {
  EXPECT_EQ(weight_of(builtin("framing/text-length-0")), case_weight::light);
  // 1000 messages of 16 bytes: 16 kB, light.
  EXPECT_EQ(weight_of(builtin("compression/1000x16-json")), case_weight::light);
  // 1000 messages of 128 KiB: 128 MiB on the wire before compression.
  EXPECT_EQ(weight_of(builtin("compression/1000x131072-json")), case_weight::heavy);
  // 100 000 frames, few bytes.
  EXPECT_EQ(weight_of(builtin("limits/fragment-flood-100000")), case_weight::heavy);
  // A 16 MiB message runs alone.
  EXPECT_EQ(weight_of(builtin("limits/binary-message-16m")), case_weight::huge);
}

TEST(CaseWeight, CostGrowsWithBytesAndFrames) {
  const auto k32 = wire_cost(builtin("compression/1000x32768-json"));
  const auto k128 = wire_cost(builtin("compression/1000x131072-json"));
  EXPECT_EQ(k128, 4 * k32 - 3 * 64 * 1000)  // the same 1000 frames, four times the bytes
      << k32 << " " << k128;
  // Fragmenting the same message adds frames, not bytes.
  EXPECT_GT(wire_cost(builtin("compression/1000x131072-json-in-256-byte-frames")), k128);
  EXPECT_LT(wire_cost(builtin("framing/text-length-0")), k32);
}

}  // namespace
}  // namespace wsspec
