// One frame_decoder::next() call, compiled in its own translation unit with the decoder's
// coverage instrumentation (fuzz/CMakeLists.txt), so that frame_decoder_fuzzer's own code can
// be left uninstrumented while the decoder's inline fast path (next(), fast_frame(),
// deliver() live in the header) still guides the fuzzer. Only the whole-stream run calls it;
// the re-runs call the uninstrumented copy directly (common/frame_oracle.cpp).
#pragma once

#include <cstdint>
#include <span>

#include "wsspec/codec/frame_decoder.hpp"

namespace wsspec::fuzz {

codec::decode_result decode_step(codec::frame_decoder& d,
                                 std::span<const std::uint8_t> in) noexcept;

}  // namespace wsspec::fuzz
