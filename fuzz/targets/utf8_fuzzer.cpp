// UTF-8 validator: the fast path (SIMD where available) and the incremental validator agree
// with the plain reference on validity and on the offset of the first invalid byte.
#include <cstdlib>

#include "wsspec/codec/utf8.hpp"

using namespace wsspec::codec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t slice = 1 + data[0] % 37;
  const std::span<const std::uint8_t> text(data + 1, size - 1);
  const utf8_result ref = validate_utf8_reference(text);
  const utf8_result fast = validate_utf8(text);
  if (fast.valid != ref.valid || (!ref.valid && fast.error_offset != ref.error_offset)) std::abort();

  utf8_validator v;
  for (std::size_t pos = 0; pos < text.size(); pos += slice) {
    if (!v.feed(text.subspan(pos, std::min(slice, text.size() - pos)))) break;
  }
  const bool ok = v.finish();
  if (ok != ref.valid || (!ok && v.error_offset() != ref.error_offset)) std::abort();
  return 0;
}
