// The network fuzzer's compressed inputs, for a target that agreed to permessage-deflate
// (RFC 7692): each negotiates the extension with the default handshake and sends compressed
// messages, then is mutated where inflaters break: RSV1 set where it means nothing (a
// continuation or control frame, 6.1) or on bytes that are not DEFLATE data, RSV1 cleared on
// compressed bytes, bits flipped inside the compressed data, streams cut short or ending in a
// kept or extra 00 00 ff ff tail or a final (BFINAL) block (7.2.2, 7.2.3), small messages that
// inflate to many MiB (a bomb: a receiver's limit must count inflated bytes), compressed
// fragments, and the same message again with the window kept.
//
// Deterministic like mutate(): the result depends on nothing but the arguments (and zlib's
// output for a fixed input, level and window, which a release does not change).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/mutator.hpp"

namespace wsspec::fuzz {

// The offer a compressed input sends when its seed has none of its own.
inline constexpr const char* default_deflate_offer = "permessage-deflate";

// Iteration `iteration` of a compressed input; `deflate_seeds` must not be empty.
fuzz_input mutate_compressed(const std::vector<traffic>& deflate_seeds, std::uint64_t seed,
                             std::uint64_t iteration);

// A message as a permessage-deflate sender without context takeover writes it (RFC 7692
// 7.2.1): deflated on its own with a 15-bit window, the 00 00 ff ff tail removed. They refer to
// nothing outside themselves, so they inflate whatever context takeover was agreed, and under
// a smaller agreed client window too while the message is no longer than that window.
std::string deflate_alone(const std::string& message);

// `mebibytes` MiB of zeros as the DEFLATE data of one permessage-deflate message (~1 KiB per
// MiB): a decompression bomb, valid for any agreed window (its matches are at distance 1).
std::string zero_bomb(std::uint64_t mebibytes);

}  // namespace wsspec::fuzz
