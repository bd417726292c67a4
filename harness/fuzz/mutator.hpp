// The inputs of `wsspec fuzz`: the traffic of the catalogue's cases, mutated where WebSocket
// parsers break: the header fields of RFC 6455 5.2 (FIN, RSV, opcode, mask, the three length
// forms and lengths that lie), fragmentation (5.4), control frames between fragments and over
// 125 bytes (5.5), close codes and reasons (5.5.1, 7.4), UTF-8 (8.1), writes split across
// reads, and the opening handshake's request line and headers (4.1, 4.2.1).
//
// Deterministic: mutate(seeds, seed, i) depends on nothing but its arguments, so a run can be
// repeated input for input with the same --seed, and iteration i replayed alone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cases/case_model.hpp"

namespace wsspec::fuzz {

// What one case sends: its own handshake (if it has one) and its frames, messages and raw
// bytes. Expectations are dropped; what a conforming peer answers to a mutant is unknown.
struct traffic {
  std::string from_case;
  std::optional<handshake_spec> handshake;
  std::vector<step> sends;
  // The permessage-deflate offer of the default handshake (a compressed input's, see
  // deflate_mutator.hpp); the seeds of plain inputs have none.
  std::optional<std::string> deflate;

  bool operator==(const traffic&) const = default;
};

// Seeds: the traffic of each case, small enough to send many times a second (cases whose
// payloads add up to more than 256 KiB, or that flood, are left out; delays are dropped).
std::vector<traffic> seed_traffic(const std::vector<test_case>& cases);
// Seeds of compressed inputs: the compression cases' traffic with their offer, and the traffic
// of every other case that sends data without a handshake of its own (the same size limits).
std::vector<traffic> deflate_seed_traffic(const std::vector<test_case>& cases);

struct fuzz_input {
  traffic what;
  // What the mutations did, in order, for people: "opcode text -> 11 (send 2)".
  std::vector<std::string> mutations;
};

// Iteration `iteration` of the run with seed `seed`: one seed picked and mutated 1-3 times.
// `seeds` must not be empty.
fuzz_input mutate(const std::vector<traffic>& seeds, std::uint64_t seed, std::uint64_t iteration);
// The same for a target that agreed to permessage-deflate: about one iteration in three is a
// compressed input made from `deflate_seeds` (deflate_mutator.hpp); every other one is exactly
// mutate(seeds, seed, iteration), so a run's plain inputs do not depend on compression. With
// `deflate_seeds` empty, always mutate(seeds, seed, iteration).
fuzz_input mutate(const std::vector<traffic>& seeds, const std::vector<traffic>& deflate_seeds,
                  std::uint64_t seed, std::uint64_t iteration);

}  // namespace wsspec::fuzz
