// How the runner sizes a case (harness/run/case_weight.hpp): which built-in cases run beside
// others, which run after the light ones, which run alone, and the cost order that starts the
// longest heavy cases first so a run does not end with one long case and idle jobs.
#include "run/case_weight.hpp"

#include <gtest/gtest.h>

#include "client_under_test.hpp"  // builtin(): the catalogue, loaded once

namespace wsspec {
namespace {

using test::builtin;

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

// Cases that wait on the clock start first (the runner and serve-cases --client-cmd), so their
// waiting overlaps other cases' work.
TEST(CaseWeight, TellsCasesThatWaitOnTheClock) {
  EXPECT_TRUE(waits_on_clock(builtin("client/idle-no-close")));       // 2 s of quiet
  EXPECT_TRUE(waits_on_clock(builtin("client/waits-for-response")));  // a response held back
  EXPECT_TRUE(waits_on_clock(builtin("utf8/fail-fast-chops-byte")));  // writes spread out
  EXPECT_FALSE(waits_on_clock(builtin("client/valid-request")));
  EXPECT_FALSE(waits_on_clock(builtin("framing/text-length-0")));
}

}  // namespace
}  // namespace wsspec
