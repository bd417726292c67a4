// Turns a payload_spec into bytes. Generated payloads are deterministic, so a failing case
// sends the same bytes when it is rerun.
#pragma once

#include <span>
#include <string>

#include "cases/case_model.hpp"

namespace wsspec {

// `round` is the round of a repeated case (test_case::repeat): only data-set payloads depend on
// it, each round sending the next slice.
std::string materialize(const payload_spec& p, std::uint32_t round = 0);
// The same bytes written into `out` (payload_size(p) of them): a 16 MiB message is generated
// straight into the frame that carries it.
void materialize_into(const payload_spec& p, std::span<char> out, std::uint32_t round = 0);
std::uint64_t payload_size(const payload_spec& p);

// A short, safe preview of bytes for transcripts and reasons: hex of the first `max` bytes and
// the printable ASCII rendering, with the total length. Never returns more than ~4*max chars.
std::string preview(std::string_view bytes, std::size_t max = 24);

}  // namespace wsspec
