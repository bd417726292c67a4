// A fuzz input as a test case, and what running it found. The case sends the input, then a
// ping with a unique payload: its pong proves the target has dealt with everything before it
// (TCP keeps the order), so a run ends as soon as the target has answered, not after a fixed
// wait. Whatever the target answers is accepted as long as every frame it sends is valid and
// it keeps serving other connections (the "any" event and check_alive, cases/README.md).
#pragma once

#include <cstdint>
#include <string>

#include "cases/case_model.hpp"
#include "fuzz/mutator.hpp"
#include "wsspec/reports/case_result.hpp"

namespace wsspec::fuzz {

// What the fuzzer looks for, in the order it reports them.
enum class finding_kind : std::uint8_t {
  none,
  crash,      // after the input, the target refuses or drops new connections
  hang,       // after the input, new connections get no handshake and echo in time
  violation,  // the target sent something RFC 6455 forbids (an invalid frame, close, 101)
};

const char* to_string(finding_kind k);

struct outcome {
  finding_kind kind = finding_kind::none;
  // What identifies the bug: "crash", "hang", or the violated rule, without the bytes that
  // showed it ("a text message is not valid UTF-8 (RFC 6455 8.1)"). Findings with the same
  // signature are the same bug.
  std::string signature;
  std::string detail;  // the reason, for people
  violation rule;      // a violation's rule, typed
};

outcome judge(const case_result& r);

// `wait_ms` bounds each wait for the target's answer; a case that is a finding's reproducer
// (`reproducer`) also checks liveness unconditionally and waits longer, since it is run
// against other servers, slower or behind a network.
test_case fuzz_case(const fuzz_input& in, const std::string& id, std::uint32_t wait_ms,
                    bool reproducer);

}  // namespace wsspec::fuzz
