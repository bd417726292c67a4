// Are a client's masking keys unpredictable (RFC 6455 5.3: "MUST be derived from a strong
// source of entropy", a fresh key per frame; 10.3)? No finite sample proves a key source
// strong, but the ways weak sources show up on the wire can be tested: one key for every
// frame, keys of 0 (masking that changes nothing), keys that repeat far more often than 32
// random bits do, a counter or other fixed step between keys, and key bits that never change.
// A pure function: the keys in (as case_result::client_mask_keys records them, big-endian, in
// the order the frames came), a verdict and the numbers that decided it out.
//
// Each test fails a source of uniformly random 32-bit keys with a probability below 1e-9, so a
// `fail` is the client's, not chance. Fewer than 2 keys are not judged (info), unless the one
// key is 0.
//
// wsspec serve-cases calls it once per run on every case's keys concatenated in the order the
// cases ran (a client that restarts the same generator on each connection repeats its keys
// across cases, which only the run shows).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "wsspec/reports/case_result.hpp"

namespace wsspec {

struct mask_key_judgement {
  verdict grade = verdict::info;
  std::string reason;  // what was found, with the figures (keys, distinct, repeats, expected)
};

mask_key_judgement judge_mask_keys(std::span<const std::uint32_t> keys);

}  // namespace wsspec
