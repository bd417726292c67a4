// frame_decoder_fuzzer's oracles: the one-byte-at-a-time and input-chosen-slices runs, on the
// uninstrumented copy of the decoder (common/oracle_codec.hpp). Declared with standard types
// only, so the fuzzer's own translation unit, which sees the instrumented codec, can call it.
#pragma once

#include <cstdint>
#include <span>

#include "frame_runs.hpp"

namespace wsspec::fuzz {

// Whether both re-runs of `stream` on a fresh uninstrumented decoder with the options
// decoder_for(b0, b1) picks, the second with slices seeded by `slice_seed`, give `whole`.
bool oracle_agrees(const summary& whole, std::uint8_t b0, std::uint8_t b1, std::uint8_t slice_seed,
                   std::span<const std::uint8_t> stream) noexcept;

}  // namespace wsspec::fuzz
