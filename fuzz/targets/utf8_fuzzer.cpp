// UTF-8 validator: every implementation the codec has (the dispatching fast path, which uses
// AVX2 on large inputs where the CPU has it; the portable scalar DFA; the codec's own
// reference; the incremental validator fed in slices chosen by the input) agrees with an
// independent plain model written from Unicode Table 3-7 (fuzz/common/utf8_model.hpp) on
// validity and on the offset of the first invalid byte. Two references, because a shared
// misreading of the table would make the codec's reference and its fast path agree on a bug.
#include <cstdlib>
#include <span>

#include "../common/utf8_model.hpp"
#include "wsspec/codec/utf8.hpp"

using namespace wsspec::codec;

namespace {

void check(const utf8_result& r, const wsspec::fuzz::utf8_model_result& want) {
  if (r.valid != want.valid) std::abort();
  if (!want.valid && r.error_offset != want.error_offset) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // Slices of 1..64 bytes: small ones cut code points, larger ones reach the fast paths.
  const std::size_t slice = 1 + data[0] % 64;
  const std::span<const std::uint8_t> text(data + 1, size - 1);

  const wsspec::fuzz::utf8_model_result want = wsspec::fuzz::validate_utf8_model(text);
  check(validate_utf8(text), want);
  check(validate_utf8_reference(text), want);
  check(detail::validate_utf8_scalar(text), want);

  // Incremental: the verdict after each slice must match the model at the same point (so an
  // error is reported in the slice that contains the bad byte, not later), and a failed
  // validator stays failed with the same offset.
  utf8_validator v;
  wsspec::fuzz::utf8_model m;
  for (std::size_t pos = 0; pos < text.size(); pos += slice) {
    const auto part = text.subspan(pos, std::min(slice, text.size() - pos));
    const bool ok = v.feed(part);
    const bool model_ok = m.feed(part);
    if (ok != model_ok || v.failed() != m.failed()) std::abort();
    if (!ok) {
      if (v.error_offset() != m.error_offset()) std::abort();
      if (v.feed(part) || v.error_offset() != m.error_offset()) std::abort();
      break;
    }
    if (v.at_boundary() != m.at_boundary()) std::abort();
    if (v.bytes_seen() != pos + part.size()) std::abort();
  }
  const bool ok = v.finish();
  if (ok != want.valid || (!ok && v.error_offset() != want.error_offset)) std::abort();
  return 0;
}
