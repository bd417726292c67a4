// How much of a target's time a case takes, from its steps alone, so the runner can keep cases
// that wait for a reaction away from cases that keep a single-threaded target busy.
#pragma once

#include <cstdint>

#include "cases/case_model.hpp"

namespace wsspec {

enum class case_weight : std::uint8_t {
  light,  // run --jobs at a time
  heavy,  // 1 MiB or 10 000 frames and more on the wire: run --jobs at a time, after the light
  huge,   // a single message of 8 MiB or more: run alone (memory: one at a time)
};

case_weight weight_of(const test_case& c);

// How much work a case gives the target, in payload bytes (a frame counting as 64): the runner
// starts the costliest heavy cases first, so the run does not end with one long case running
// alone while the other jobs have nothing left (longest-processing-time-first).
std::uint64_t wire_cost(const test_case& c);

// The case waits on the clock somewhere (a silence a ping cannot prove, writes spread out in
// time, a response held back): started first among its peers, so its waiting overlaps other
// cases' work.
bool waits_on_clock(const test_case& c);

}  // namespace wsspec
