// Shrinks a fuzz input that shows a bug to one that still shows it, the way delta debugging
// does: leave out sends, then simplify each remaining field towards its default (no
// permessage-deflate offer or compressed messages, else the plain offer, no write splitting, one
// copy, no RSV bits, FIN set, minimal honest length, random mask, shorter payloads, the default
// handshake), keeping every change after which the bug still shows. Bounded by `budget` replays;
// what a replay shows is the caller's `still_fails`.
#pragma once

#include <cstdint>
#include <functional>

#include "fuzz/mutator.hpp"

namespace wsspec::fuzz {

struct minimized {
  fuzz_input input;
  std::uint32_t replays = 0;  // how many candidates were tried
};

minimized minimize(const fuzz_input& in, const std::function<bool(const fuzz_input&)>& still_fails,
                   std::uint32_t budget);

}  // namespace wsspec::fuzz
