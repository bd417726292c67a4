// A plain UTF-8 validator written from Unicode 15 Table 3-7 ("well-formed UTF-8 byte
// sequences"), independent of the codec, for the differential fuzz targets. Deliberately
// naive (one byte at a time, no tables, no SIMD) so it is obviously right by reading it next to
// the table; the codec's fast paths and its own reference are checked against it.
//
// Offsets follow the codec's contract (codec/include/wsspec/codec/utf8.hpp): the first byte
// that cannot continue well-formed UTF-8 given what came before it, and for a stream that ends
// inside a code point, the stream's length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace wsspec::fuzz {

class utf8_model {
 public:
  // Feeds one byte; returns false once the stream is invalid (and then stays false).
  bool feed(std::uint8_t b) noexcept {
    if (failed_) return false;
    if (remaining_ == 0) {
      if (b <= 0x7F) {
        ++seen_;
        return true;
      }
      // Lead byte: how many continuation bytes follow, and the range of the first one.
      if (b >= 0xC2 && b <= 0xDF) {
        start(1, 0x80, 0xBF);
      } else if (b == 0xE0) {
        start(2, 0xA0, 0xBF);
      } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
        start(2, 0x80, 0xBF);
      } else if (b == 0xED) {
        start(2, 0x80, 0x9F);  // no surrogates
      } else if (b == 0xF0) {
        start(3, 0x90, 0xBF);
      } else if (b >= 0xF1 && b <= 0xF3) {
        start(3, 0x80, 0xBF);
      } else if (b == 0xF4) {
        start(3, 0x80, 0x8F);  // nothing above U+10FFFF
      } else {
        return fail();  // 80..C1, F5..FF never start a sequence
      }
      ++seen_;
      return true;
    }
    if (b < lo_ || b > hi_) return fail();
    --remaining_;
    lo_ = 0x80;  // only the first continuation byte has a narrowed range
    hi_ = 0xBF;
    ++seen_;
    return true;
  }

  bool feed(std::span<const std::uint8_t> bytes) noexcept {
    for (const std::uint8_t b : bytes)
      if (!feed(b)) return false;
    return !failed_;
  }

  // Ends the stream: a truncated code point is invalid at offset == length.
  bool finish() noexcept {
    if (!failed_ && remaining_ != 0) {
      failed_ = true;
      error_offset_ = seen_;
    }
    return !failed_;
  }

  bool failed() const noexcept { return failed_; }
  std::uint64_t error_offset() const noexcept { return error_offset_; }
  bool at_boundary() const noexcept { return remaining_ == 0; }

 private:
  void start(int n, std::uint8_t lo, std::uint8_t hi) noexcept {
    remaining_ = n;
    lo_ = lo;
    hi_ = hi;
  }
  bool fail() noexcept {
    failed_ = true;
    error_offset_ = seen_;
    return false;
  }

  int remaining_ = 0;
  std::uint8_t lo_ = 0x80, hi_ = 0xBF;
  bool failed_ = false;
  std::uint64_t seen_ = 0;
  std::uint64_t error_offset_ = 0;
};

struct utf8_model_result {
  bool valid;
  std::uint64_t error_offset;
};

inline utf8_model_result validate_utf8_model(std::span<const std::uint8_t> bytes) noexcept {
  utf8_model m;
  m.feed(bytes);
  const bool ok = m.finish();
  return {ok, ok ? 0 : m.error_offset()};
}

}  // namespace wsspec::fuzz
