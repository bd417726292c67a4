// Frame decoder (RFC 6455 5.2), decoder only; frame_roundtrip_fuzzer checks the encoder
// against it. Two properties, each a crash when broken:
// 1. Any bytes give frames or an error, never a crash or an out-of-bounds read, and every
//    step keeps the decoder's contract (consumed within the input, payload slices taken from
//    the input right after the header and contiguous within their frame, frame_complete
//    exactly at the frame's last byte, need_more only once every byte is used, errors final).
// 2. Slicing does not matter: the whole stream at once, one byte at a time, and slices of
//    lengths chosen by the input give the same frames (headers and where each starts in the
//    stream), the same error at the same offset, and end in the same state.
//
// Input layout: bytes 0 and 1 pick the decoder options (common/frame_options.hpp), byte 2
// seeds the slice lengths of the third run, the rest is the stream.
//
// Speed: libFuzzer clears and scans every coverage counter of the binary on every execution,
// and calls back on every traced comparison, so only what should guide the fuzzer is
// instrumented (fuzz/CMakeLists.txt). The binary holds the decoder's own sources only, not the
// whole codec, twice: an instrumented copy for the whole-stream run, which is what guides the
// fuzzer (called through decode_step, common/frame_step.hpp), and an uninstrumented copy in
// its own namespace for the two re-runs, which are oracles (common/frame_oracle.hpp,
// common/oracle_codec.hpp). This file's bookkeeping is not instrumented either. Each run
// reduces what it saw to a fixed-size summary (common/frame_runs.hpp), so comparing runs
// allocates nothing and costs nothing per frame; decoders come ready-built from a table.
// fuzz/options/frame_decoder.options caps the input length: the one-byte-at-a-time run costs one
// decoder call per byte, and a few frames with short payloads (well under the cap) already reach
// every state of the decoder.
#include <cstdint>
#include <span>

#include "../common/frame_options.hpp"
#include "../common/frame_oracle.hpp"
#include "../common/frame_runs.hpp"
#include "../common/frame_step.hpp"
#include "wsspec/codec/frame_decoder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wsspec::fuzz;
  // An input shorter than the three leading bytes is an empty stream, the missing bytes zero:
  // not skipped, because this file is not instrumented, and libFuzzer started without a corpus
  // stops at once if its first input (the empty one) reaches no instrumented code.
  std::uint8_t head[3] = {};
  for (std::size_t i = 0; i < 3 && i < size; ++i) head[i] = data[i];
  const std::span<const std::uint8_t> stream =
      size > 3 ? std::span<const std::uint8_t>(data + 3, size - 3)
               : std::span<const std::uint8_t>();
  const auto& fresh = decoder_for<wsspec::codec::frame_decoder>(head[0], head[1]);
  const summary all = run(fresh, stream, decode_step, whole{});
  if (!oracle_agrees(all, head[0], head[1], head[2], stream)) broken();
  return 0;
}
