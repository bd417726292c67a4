// One frame_decoder::next() call, compiled in its own translation unit with the codec's
// coverage instrumentation (fuzz/CMakeLists.txt), so that frame_decoder_fuzzer's own code can
// be left uninstrumented while the decoder's inline fast path (next(), fast_frame(),
// deliver() live in the header) still guides the fuzzer.
#pragma once

#include <cstdint>
#include <span>

#include "wsspec/codec/frame_decoder.hpp"

namespace wsspec::fuzz {

codec::decode_result decode_step(codec::frame_decoder& d,
                                 std::span<const std::uint8_t> in) noexcept;

}  // namespace wsspec::fuzz
