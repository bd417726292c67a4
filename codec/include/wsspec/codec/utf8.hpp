// UTF-8 validation for text messages and close reasons (RFC 6455 5.6, 8.1; RFC 3629).
//
// A receiver must fail the connection as soon as it sees bytes that cannot be UTF-8
// (RFC 6455 8.1), and a text message may be split anywhere, even inside a code point,
// across frames. So the validator is incremental and reports the offset, counted from the
// start of the stream, of the first byte that cannot belong to well-formed UTF-8 given
// what came before it ("maximal subpart" rule of Unicode 3.9 / Table 3-7):
//   E0 80        -> offset 1 (E0 needs A0..BF next)
//   C0 or F5..FF -> offset of that byte (can never appear)
//   E2 82 41     -> offset 2 (41 cannot continue the sequence)
// A stream that ends inside a code point is invalid at offset == total length: the byte
// that was missing. finish() reports that case.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace wsspec::codec {

struct utf8_result {
  bool valid = true;
  // Offset of the first invalid byte when !valid (see the header comment).
  std::size_t error_offset = 0;
};

// Whole-buffer validation: the buffer must be complete (a truncated final code point is an
// error at offset == size). Uses the fastest implementation this CPU supports.
utf8_result validate_utf8(std::span<const std::uint8_t> bytes) noexcept;

// Plain byte-at-a-time reference: the definition the fast paths are tested against.
utf8_result validate_utf8_reference(std::span<const std::uint8_t> bytes) noexcept;

namespace detail {
// The portable table-driven DFA (with its ASCII fast path) alone: what validate_utf8 runs on
// CPUs without AVX2. Exposed so tests and benchmarks can exercise it on any machine.
utf8_result validate_utf8_scalar(std::span<const std::uint8_t> bytes) noexcept;
// True when validate_utf8 and utf8_validator use the AVX2 path for large inputs on this CPU.
bool utf8_uses_avx2() noexcept;
}  // namespace detail

class utf8_validator {
 public:
  // Validates the next slice of the stream. Returns false once the stream so far is invalid;
  // later calls keep returning false and do not move error_offset().
  bool feed(std::span<const std::uint8_t> bytes) noexcept;

  // Ends the stream: returns false if it was invalid or stopped inside a code point.
  bool finish() noexcept;

  bool failed() const noexcept { return failed_; }
  // Offset from the start of the stream of the first invalid byte; meaningful once failed().
  std::uint64_t error_offset() const noexcept { return error_offset_; }
  // True when the bytes so far end on a code point boundary.
  bool at_boundary() const noexcept { return state_ == 0; }
  std::uint64_t bytes_seen() const noexcept { return seen_; }
  void reset() noexcept { *this = utf8_validator{}; }

 private:
  std::uint8_t state_ = 0;  // DFA state: 0 = on a boundary; implementation-defined otherwise
  bool failed_ = false;
  std::uint64_t seen_ = 0;
  std::uint64_t error_offset_ = 0;
};

}  // namespace wsspec::codec
