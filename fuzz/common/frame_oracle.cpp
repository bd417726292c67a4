// Compiled without coverage instrumentation, against the copy of the decoder's sources in
// wsspec::codec_oracle (fuzz/CMakeLists.txt): the re-runs check the whole-stream run, they do
// not guide the fuzzer, so their edges and comparisons would only be more counters for
// libFuzzer to clear and scan and more tracing callbacks on every execution.
#include "frame_oracle.hpp"

#include "frame_options.hpp"
#include "frame_runs.hpp"
// Last: from here on `codec` is codec_oracle, and only the codec's header should see that.
#include "oracle_codec.hpp"
#include "wsspec/codec/frame_decoder.hpp"

namespace wsspec::fuzz {

bool oracle_agrees(const summary& whole, std::uint8_t b0, std::uint8_t b1, std::uint8_t slice_seed,
                   std::span<const std::uint8_t> stream) noexcept {
  const auto& fresh = decoder_for<codec::frame_decoder>(b0, b1);
  const auto step = [](codec::frame_decoder& d, std::span<const std::uint8_t> in) {
    return d.next(in);
  };
  return run(fresh, stream, step, bytewise{}) == whole &&
         run(fresh, stream, step, chosen{slice_seed * 2654435761u}) == whole;
}

}  // namespace wsspec::fuzz
