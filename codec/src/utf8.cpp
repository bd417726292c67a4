// UTF-8 validation for text messages and close reasons (RFC 6455 5.6, 7.4, 8.1).
//
// Well-formed UTF-8 is defined by RFC 3629 section 4 and, byte range by byte range, by
// Unicode 15.0 section 3.9, Table 3-7. Three implementations live here:
//   * validate_utf8_reference: byte at a time, Table 3-7 written out as code. The definition.
//   * a table-driven DFA with an ASCII fast path: the portable implementation, and the one
//     that locates errors exactly and carries state across slices.
//   * an AVX2 implementation of the "lookup" algorithm of Keiser & Lemire, "Validating UTF-8
//     In Less Than One Instruction Per Byte" (Software: Practice and Experience, 2021). It only
//     answers "is this 64-byte chunk clean?"; when a chunk is not, the DFA rescans from the
//     last code-point boundary before it, so the reported offset is always the DFA's.
#include "wsspec/codec/utf8.hpp"

#include <array>
#include <cstring>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define WSSPEC_UTF8_AVX2 1
#include <immintrin.h>
#else
#define WSSPEC_UTF8_AVX2 0
#endif

namespace wsspec::codec {
namespace {

constexpr std::size_t kNoError = static_cast<std::size_t>(-1);

constexpr bool is_continuation(std::uint8_t b) noexcept { return (b & 0xC0) == 0x80; }

// ---------------------------------------------------------------------------------------------
// Reference: Table 3-7 as code.

// One row of Table 3-7, selected by the first byte: how many bytes follow and the range the
// second byte must fall in. Third and fourth bytes are always 80..BF.
struct table_3_7_row {
  int trailing = -1;  // -1: the byte can never start a sequence (80..BF, C0, C1, F5..FF)
  std::uint8_t second_lo = 0x80;
  std::uint8_t second_hi = 0xBF;
};

constexpr table_3_7_row row_for(std::uint8_t b) noexcept {
  if (b <= 0x7F) return {0, 0, 0};
  if (b >= 0xC2 && b <= 0xDF) return {1, 0x80, 0xBF};
  if (b == 0xE0) return {2, 0xA0, 0xBF};  // A0: anything lower is an overlong 3-byte form
  if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) return {2, 0x80, 0xBF};
  if (b == 0xED) return {2, 0x80, 0x9F};  // A0..BF would encode surrogates D800..DFFF
  if (b == 0xF0) return {3, 0x90, 0xBF};  // 90: anything lower is an overlong 4-byte form
  if (b >= 0xF1 && b <= 0xF3) return {3, 0x80, 0xBF};
  if (b == 0xF4) return {3, 0x80, 0x8F};  // 90..BF would be above U+10FFFF
  return {};
}

// ---------------------------------------------------------------------------------------------
// DFA. States say what the next byte must be; byte classes group the bytes Table 3-7 treats
// alike. After a reject the byte that caused it is the first one that cannot belong to
// well-formed UTF-8, which is exactly the "maximal subpart" offset the header promises.

enum dfa_state : std::uint8_t {
  kAccept,   // on a code point boundary
  kNeed1,    // one more 80..BF
  kNeed2,    // two more 80..BF
  kNeed3,    // three more 80..BF
  kAfterE0,  // A0..BF, then one more
  kAfterED,  // 80..9F, then one more
  kAfterF0,  // 90..BF, then two more
  kAfterF4,  // 80..8F, then two more
  kReject,   // absorbing
  kStateCount,
};

enum byte_class : std::uint8_t {
  kAscii,   // 00..7F
  kCont8,   // 80..8F
  kCont9,   // 90..9F
  kContAB,  // A0..BF
  kLead2,   // C2..DF
  kLeadE0,  // E0
  kLead3,   // E1..EC, EE..EF
  kLeadED,  // ED
  kLeadF0,  // F0
  kLead4,   // F1..F3
  kLeadF4,  // F4
  kNever,   // C0, C1, F5..FF
  kClassCount,
};

constexpr byte_class class_of(std::uint8_t b) noexcept {
  if (b <= 0x7F) return kAscii;
  if (b <= 0x8F) return kCont8;
  if (b <= 0x9F) return kCont9;
  if (b <= 0xBF) return kContAB;
  if (b <= 0xC1) return kNever;
  if (b <= 0xDF) return kLead2;
  if (b == 0xE0) return kLeadE0;
  if (b == 0xED) return kLeadED;
  if (b <= 0xEF) return kLead3;
  if (b == 0xF0) return kLeadF0;
  if (b <= 0xF3) return kLead4;
  if (b == 0xF4) return kLeadF4;
  return kNever;
}

constexpr dfa_state A = kAccept, N1 = kNeed1, N2 = kNeed2, N3 = kNeed3, E0 = kAfterE0,
                    ED = kAfterED, F0 = kAfterF0, F4 = kAfterF4, R = kReject;

// Table 3-7 as transitions. Columns follow byte_class; E1.. is E1..EC and EE..EF.
// clang-format off
constexpr dfa_state kTransitions[kStateCount][kClassCount] = {
    //        00-7F 80-8F 90-9F A0-BF C2-DF  E0  E1..  ED   F0  F1-F3  F4  never
    /* A  */ {A,    R,    R,    R,    N1,    E0, N2,   ED,  F0, N3,    F4, R},
    /* N1 */ {R,    A,    A,    A,    R,     R,  R,    R,   R,  R,     R,  R},
    /* N2 */ {R,    N1,   N1,   N1,   R,     R,  R,    R,   R,  R,     R,  R},
    /* N3 */ {R,    N2,   N2,   N2,   R,     R,  R,    R,   R,  R,     R,  R},
    /* E0 */ {R,    R,    R,    N1,   R,     R,  R,    R,   R,  R,     R,  R},
    /* ED */ {R,    N1,   N1,   R,    R,     R,  R,    R,   R,  R,     R,  R},
    /* F0 */ {R,    R,    N2,   N2,   R,     R,  R,    R,   R,  R,     R,  R},
    /* F4 */ {R,    N2,   R,    R,    R,     R,  R,    R,   R,  R,     R,  R},
    /* R  */ {R,    R,    R,    R,    R,     R,  R,    R,   R,  R,     R,  R},
};
// clang-format on

// The hot loop uses a "shift DFA": a state is stored as 6 * index, and rows[b] packs the
// successor of every state for byte b, each in its own 6-bit field. One load, one shift and
// one mask per byte, with no dependent load on the state. Derived from kTransitions at
// compile time so the readable table stays the single source of truth.
constexpr unsigned kStateBits = 6;
constexpr std::uint8_t kAcceptPacked = 0;
constexpr std::uint8_t kRejectPacked = kReject * kStateBits;

constexpr std::array<std::uint64_t, 256> make_rows() noexcept {
  std::array<std::uint64_t, 256> rows{};
  for (unsigned b = 0; b < 256; ++b) {
    const byte_class c = class_of(static_cast<std::uint8_t>(b));
    for (unsigned s = 0; s < kStateCount; ++s) {
      const std::uint64_t next = std::uint64_t{kTransitions[s][c]} * kStateBits;
      rows[b] |= next << (s * kStateBits);
    }
  }
  return rows;
}
constexpr std::array<std::uint64_t, 256> kRows = make_rows();
static_assert(kStateCount * kStateBits <= 64, "packed rows must fit in 64 bits");

inline std::uint8_t step(std::uint8_t state, std::uint8_t byte) noexcept {
  return static_cast<std::uint8_t>((kRows[byte] >> state) & ((1u << kStateBits) - 1));
}

inline bool is_ascii16(const std::uint8_t* p) noexcept {
  std::uint64_t a;
  std::uint64_t b;
  std::memcpy(&a, p, 8);  // memcpy: p need not be 8-byte aligned
  std::memcpy(&b, p + 8, 8);
  return ((a | b) & 0x8080808080808080ULL) == 0;
}

// Runs the DFA over p[i..n) from `state`. Returns the index of the rejected byte, or kNoError
// with `state` describing where the stream stands.
std::size_t dfa_run(const std::uint8_t* p, std::size_t i, std::size_t n,
                    std::uint8_t& state) noexcept {
  while (i < n) {
    // Text frames are mostly ASCII (JSON, logs): skip 16 bytes per test while on a boundary.
    if (state == kAcceptPacked) {
      while (n - i >= 16 && is_ascii16(p + i)) i += 16;
    }
    const std::size_t stop = (n - i > 16) ? i + 16 : n;
    for (; i < stop; ++i) {
      state = step(state, p[i]);
      if (state == kRejectPacked) return i;
    }
  }
  return kNoError;
}

// Start of the code point that contains p[end - 1], not before `begin` (itself a boundary).
// Only valid when p[begin..end) is well-formed except perhaps for a truncated last code
// point, which is what the SIMD pass guarantees. (Unused when AVX2 is not compiled in.)
[[maybe_unused]] std::size_t last_code_point_start(const std::uint8_t* p, std::size_t begin,
                                                   std::size_t end) noexcept {
  std::size_t i = end;
  for (int k = 0; k < 3 && i > begin && is_continuation(p[i - 1]); ++k) --i;
  if (i > begin && p[i - 1] >= 0xC0) --i;  // step onto the lead byte
  return i;
}

// ---------------------------------------------------------------------------------------------
// AVX2: Keiser & Lemire "lookup" algorithm. Every byte is classified by three 16-entry tables
// indexed by the high nibble of the previous byte, the low nibble of the previous byte and
// the high nibble of the current byte. Each table entry is a set of error kinds that the
// nibble is compatible with; an error kind survives the AND of all three only if the byte
// pair really forms that error. What two bytes cannot see (a continuation that must be the
// 2nd/3rd one of a 3/4-byte sequence) is checked against the bytes 2 and 3 positions back.

#if WSSPEC_UTF8_AVX2

constexpr std::uint8_t kTooShort = 1 << 0;      // lead followed by ASCII or another lead
constexpr std::uint8_t kTooLong = 1 << 1;       // ASCII followed by a continuation
constexpr std::uint8_t kOverlong3 = 1 << 2;     // E0 80..9F
constexpr std::uint8_t kTooLarge = 1 << 3;      // F4 90..BF, F5..FF 90..BF
constexpr std::uint8_t kSurrogate = 1 << 4;     // ED A0..BF
constexpr std::uint8_t kOverlong2 = 1 << 5;     // C0..C1 80..BF
constexpr std::uint8_t kTooLarge1000 = 1 << 6;  // F5..FF 80..8F
constexpr std::uint8_t kOverlong4 = 1 << 6;     // F0 80..8F (shares the bit: disjoint leads)
constexpr std::uint8_t kTwoConts = 1 << 7;      // continuation followed by continuation
// Errors that depend only on the high nibble of the first byte: every low nibble allows them.
constexpr std::uint8_t kCarry = kTooShort | kTooLong | kTwoConts;

// clang-format off
// Indexed by the high nibble of the previous byte.
constexpr std::array<std::uint8_t, 16> kPrev1High = {
    kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong,  // 0x..7x
    kTwoConts, kTwoConts, kTwoConts, kTwoConts,                                      // 8x..Bx
    kTooShort | kOverlong2,                                                          // Cx
    kTooShort,                                                                       // Dx
    kTooShort | kOverlong3 | kSurrogate,                                             // Ex
    kTooShort | kTooLarge | kTooLarge1000 | kOverlong4,                              // Fx
};

// Indexed by the low nibble of the previous byte.
constexpr std::array<std::uint8_t, 16> kPrev1Low = {
    kCarry | kOverlong3 | kOverlong2 | kOverlong4,     // x0: C0, E0, F0
    kCarry | kOverlong2,                               // x1: C1
    kCarry,                                            // x2
    kCarry,                                            // x3
    kCarry | kTooLarge,                                // x4: F4
    kCarry | kTooLarge | kTooLarge1000,                // x5: F5
    kCarry | kTooLarge | kTooLarge1000,                // x6
    kCarry | kTooLarge | kTooLarge1000,                // x7
    kCarry | kTooLarge | kTooLarge1000,                // x8
    kCarry | kTooLarge | kTooLarge1000,                // x9
    kCarry | kTooLarge | kTooLarge1000,                // xA
    kCarry | kTooLarge | kTooLarge1000,                // xB
    kCarry | kTooLarge | kTooLarge1000,                // xC
    kCarry | kTooLarge | kTooLarge1000 | kSurrogate,   // xD: ED
    kCarry | kTooLarge | kTooLarge1000,                // xE
    kCarry | kTooLarge | kTooLarge1000,                // xF
};

// Indexed by the high nibble of the current byte.
constexpr std::uint8_t kAnyCont = kTooLong | kOverlong2 | kTwoConts;
constexpr std::array<std::uint8_t, 16> kCurHigh = {
    // 00..7F
    kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort,
    kAnyCont | kOverlong3 | kTooLarge1000 | kOverlong4,  // 80..8F
    kAnyCont | kOverlong3 | kTooLarge,                   // 90..9F
    kAnyCont | kSurrogate | kTooLarge,                   // A0..AF
    kAnyCont | kSurrogate | kTooLarge,                   // B0..BF
    kTooShort, kTooShort, kTooShort, kTooShort,          // C0..FF
};
// clang-format on

#define WSSPEC_AVX2_FN __attribute__((target("avx2")))

struct avx2_tables {
  __m256i prev1_high;
  __m256i prev1_low;
  __m256i cur_high;
  __m256i incomplete_max;
};

WSSPEC_AVX2_FN inline __m256i broadcast16(const std::array<std::uint8_t, 16>& t) noexcept {
  return _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data())));
}

WSSPEC_AVX2_FN inline __m256i load32(const std::uint8_t* p) noexcept {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));  // unaligned load intrinsic
}

// The 32 bytes that end N bytes before the end of `in`, taking the first N from `prev`.
// alignr works per 128-bit lane, so first build [prev.high lane, in.low lane].
template <int N>
WSSPEC_AVX2_FN inline __m256i shifted_in(__m256i in, __m256i prev) noexcept {
  const __m256i straddle = _mm256_permute2x128_si256(prev, in, 0x21);
  return _mm256_alignr_epi8(in, straddle, 16 - N);
}

WSSPEC_AVX2_FN inline __m256i high_nibbles(__m256i v) noexcept {
  return _mm256_and_si256(_mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0F));
}

// Non-zero lanes mark bytes that cannot follow the three bytes before them.
WSSPEC_AVX2_FN inline __m256i block_errors(const avx2_tables& t, __m256i in,
                                           __m256i prev) noexcept {
  const __m256i prev1 = shifted_in<1>(in, prev);
  const __m256i low = _mm256_and_si256(prev1, _mm256_set1_epi8(0x0F));
  const __m256i special =
      _mm256_and_si256(_mm256_and_si256(_mm256_shuffle_epi8(t.prev1_high, high_nibbles(prev1)),
                                        _mm256_shuffle_epi8(t.prev1_low, low)),
                       _mm256_shuffle_epi8(t.cur_high, high_nibbles(in)));
  // A byte 2 back >= E0 or 3 back >= F0 means this byte must be a continuation that follows
  // another continuation: exactly when kTwoConts (bit 7) is set. XOR flags both mismatches.
  const __m256i third = _mm256_subs_epu8(shifted_in<2>(in, prev), _mm256_set1_epi8(0xE0 - 0x80));
  const __m256i fourth =
      _mm256_subs_epu8(shifted_in<3>(in, prev), _mm256_set1_epi8(static_cast<char>(0xF0 - 0x80)));
  const __m256i must_be_cont =
      _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8(static_cast<char>(0x80)));
  return _mm256_xor_si256(must_be_cont, special);
}

// Non-zero when the block ends inside a code point (the next block must continue it).
WSSPEC_AVX2_FN inline __m256i block_incomplete(const avx2_tables& t, __m256i in) noexcept {
  return _mm256_subs_epu8(in, t.incomplete_max);
}

// Length of the longest prefix of p[0..n), a multiple of 64, that contains no error other
// than a code point truncated at its end. p must start on a code point boundary.
WSSPEC_AVX2_FN std::size_t avx2_clean_prefix(const std::uint8_t* p, std::size_t n) noexcept {
  const avx2_tables t{
      broadcast16(kPrev1High),
      broadcast16(kPrev1Low),
      broadcast16(kCurHigh),
      // Byte 31 must be < C0, byte 30 < E0, byte 29 < F0, or a code point is still open.
      _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                       -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, static_cast<char>(0xEF),
                       static_cast<char>(0xDF), static_cast<char>(0xBF)),
  };
  __m256i prev = _mm256_setzero_si256();  // p starts on a boundary: as if ASCII came before
  __m256i prev_incomplete = _mm256_setzero_si256();
  std::size_t i = 0;
  for (; n - i >= 64; i += 64) {
    const __m256i a = load32(p + i);
    const __m256i b = load32(p + i + 32);
    __m256i errors;
    if (_mm256_movemask_epi8(_mm256_or_si256(a, b)) == 0) {
      // All ASCII: the only possible error is a code point the previous chunk left open.
      errors = prev_incomplete;
      prev_incomplete = _mm256_setzero_si256();
    } else {
      errors = _mm256_or_si256(block_errors(t, a, prev), block_errors(t, b, a));
      prev_incomplete = block_incomplete(t, b);
    }
    prev = b;
    if (!_mm256_testz_si256(errors, errors)) break;
  }
  return i;
}

bool detect_avx2() noexcept {
  __builtin_cpu_init();  // needed if called before libgcc's own constructor has run
  return __builtin_cpu_supports("avx2") != 0;
}

bool have_avx2() noexcept {
  static const bool has = detect_avx2();
  return has;
}

#else

bool have_avx2() noexcept { return false; }

#endif  // WSSPEC_UTF8_AVX2

// The SIMD pass works in whole 64-byte chunks; shorter slices go straight to the DFA.
constexpr std::size_t kSimdMinBytes = 64;

// Validates p[0..n) as the continuation of a stream in `state`. Returns the index of the first
// invalid byte or kNoError, leaving in `state` the DFA state after p[n - 1].
std::size_t scan(const std::uint8_t* p, std::size_t n, std::uint8_t& state,
                 bool use_simd) noexcept {
  std::size_t i = 0;
  // Finish a code point left open by the previous slice (at most 3 bytes), so SIMD starts on
  // a boundary.
  for (; i < n && state != kAcceptPacked; ++i) {
    state = step(state, p[i]);
    if (state == kRejectPacked) return i;
  }
#if WSSPEC_UTF8_AVX2
  if (use_simd && n - i >= kSimdMinBytes) {
    const std::size_t clean_end = i + avx2_clean_prefix(p + i, n - i);
    // Resume the DFA at the start of the last code point SIMD saw: it locates an error in the
    // next chunk exactly, validates the tail, and leaves the state for the next slice.
    i = last_code_point_start(p, i, clean_end);
  }
#else
  (void)use_simd;
#endif
  return dfa_run(p, i, n, state);
}

utf8_result whole_buffer(std::span<const std::uint8_t> bytes, bool use_simd) noexcept {
  std::uint8_t state = kAcceptPacked;
  const std::size_t error = scan(bytes.data(), bytes.size(), state, use_simd);
  if (error != kNoError) return {.valid = false, .error_offset = error};
  // Ended inside a code point: the missing byte is the first one that is not there.
  if (state != kAcceptPacked) return {.valid = false, .error_offset = bytes.size()};
  return {};
}

}  // namespace

utf8_result validate_utf8_reference(std::span<const std::uint8_t> bytes) noexcept {
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i < n) {
    const table_3_7_row row = row_for(bytes[i]);
    if (row.trailing < 0) return {.valid = false, .error_offset = i};
    for (int k = 1; k <= row.trailing; ++k) {
      const std::size_t at = i + static_cast<std::size_t>(k);
      if (at == n) return {.valid = false, .error_offset = n};
      const std::uint8_t lo = k == 1 ? row.second_lo : 0x80;
      const std::uint8_t hi = k == 1 ? row.second_hi : 0xBF;
      if (bytes[at] < lo || bytes[at] > hi) return {.valid = false, .error_offset = at};
    }
    i += 1 + static_cast<std::size_t>(row.trailing);
  }
  return {};
}

utf8_result validate_utf8(std::span<const std::uint8_t> bytes) noexcept {
  return whole_buffer(bytes, have_avx2());
}

namespace detail {

utf8_result validate_utf8_scalar(std::span<const std::uint8_t> bytes) noexcept {
  return whole_buffer(bytes, false);
}

bool utf8_uses_avx2() noexcept { return have_avx2(); }

}  // namespace detail

bool utf8_validator::feed(std::span<const std::uint8_t> bytes) noexcept {
  const std::uint64_t start = seen_;
  seen_ += bytes.size();  // counts every byte offered, also after a failure
  if (failed_) return false;
  const std::size_t error = scan(bytes.data(), bytes.size(), state_, have_avx2());
  if (error != kNoError) {
    failed_ = true;
    error_offset_ = start + error;
  }
  return !failed_;
}

bool utf8_validator::finish() noexcept {
  if (failed_) return false;
  if (state_ != kAcceptPacked) {
    failed_ = true;
    error_offset_ = seen_;
  }
  return !failed_;
}

}  // namespace wsspec::codec
