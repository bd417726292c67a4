// UTF-8 validation (RFC 6455 5.6 and 8.1, RFC 3629, Unicode 15.0 section 3.9 Table 3-7).
//
// Every expectation is an exact error offset: the first byte that cannot belong to well-formed
// UTF-8 given what precedes it (Unicode 3.9, "maximal subpart"), or the stream length when the
// stream stops inside a code point. Each case goes through every implementation: the AVX2
// dispatching validate_utf8, the scalar DFA, the byte-at-a-time reference, the incremental
// validator fed whole, cut in two at every position and fed one byte at a time, and an oracle
// built only from the RFC 3629 encoding of every Unicode scalar value.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "wsspec/codec/utf8.hpp"

namespace wsspec::codec {
namespace {

using bytes = std::vector<std::uint8_t>;
// std::nullopt: valid; otherwise the offset of the first invalid byte.
using expected = std::optional<std::size_t>;

constexpr expected kValid = std::nullopt;
constexpr expected at(std::size_t offset) { return offset; }

expected outcome(utf8_result r) { return r.valid ? kValid : at(r.error_offset); }

bytes text(std::u8string_view s) { return bytes(s.begin(), s.end()); }

bytes concat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::string hex(const bytes& b, std::size_t limit = 48) {
  std::ostringstream out;
  out << b.size() << " bytes:";
  for (std::size_t i = 0; i < b.size() && i < limit; ++i) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    out << ' ' << kDigits[b[i] >> 4] << kDigits[b[i] & 0xF];
  }
  if (b.size() > limit) out << " ...";
  return out.str();
}

std::string show(expected e) { return e ? "error at " + std::to_string(*e) : "valid"; }

// --- An oracle independent of Table 3-7 ---------------------------------------------------
// RFC 3629 section 3 encodes a scalar value from its bit pattern; the well-formed byte strings
// are exactly the concatenations of these encodings, and the first invalid byte is where the
// longest prefix that can still be completed to such a concatenation ends.

bytes encode(char32_t cp) {
  auto u8 = [](char32_t v) { return static_cast<std::uint8_t>(v); };
  if (cp < 0x80) return {u8(cp)};
  if (cp < 0x800) return {u8(0xC0 | (cp >> 6)), u8(0x80 | (cp & 0x3F))};
  if (cp < 0x10000) {
    return {u8(0xE0 | (cp >> 12)), u8(0x80 | ((cp >> 6) & 0x3F)), u8(0x80 | (cp & 0x3F))};
  }
  return {u8(0xF0 | (cp >> 18)), u8(0x80 | ((cp >> 12) & 0x3F)), u8(0x80 | ((cp >> 6) & 0x3F)),
          u8(0x80 | (cp & 0x3F))};
}

bool is_scalar_value(char32_t cp) { return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF); }

class oracle {
 public:
  static const oracle& get() {
    static const oracle o;
    return o;
  }

  expected judge(const bytes& b) const {
    std::size_t i = 0;
    while (i < b.size()) {
      const std::size_t len = complete_at(b, i);
      if (len != 0) {
        i += len;
        continue;
      }
      // No code point starts here: extend the longest proper prefix of an encoding.
      std::size_t m = 0;
      while (m < 3 && i + m < b.size() && partial_.count(key(b, i, m + 1)) != 0) ++m;
      return at(i + m);  // i + m == size: the stream stopped inside a code point
    }
    return kValid;
  }

 private:
  oracle() {
    for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
      if (!is_scalar_value(cp)) continue;
      const bytes e = encode(cp);
      complete_.insert(key(e, 0, e.size()));
      for (std::size_t n = 1; n < e.size(); ++n) partial_.insert(key(e, 0, n));
    }
  }

  static std::uint64_t key(const bytes& b, std::size_t from, std::size_t n) {
    std::uint64_t k = n;
    for (std::size_t i = 0; i < n; ++i) k = (k << 8) | b[from + i];
    return k;
  }

  std::size_t complete_at(const bytes& b, std::size_t i) const {
    for (std::size_t n = 1; n <= 4 && i + n <= b.size(); ++n) {
      if (complete_.count(key(b, i, n)) != 0) return n;
    }
    return 0;
  }

  std::unordered_set<std::uint64_t> complete_;
  std::unordered_set<std::uint64_t> partial_;
};

// --- Checking one input through every path --------------------------------------------------

// Feeds `in` cut at `ends` (ascending slice ends; the last must be in.size()), checking after
// every slice that the validator has failed exactly when the error byte has been fed.
void check_stream(const bytes& in, const std::vector<std::size_t>& ends, expected want,
                  bool check_boundary) {
  utf8_validator v;
  std::size_t from = 0;
  for (const std::size_t end : ends) {
    const std::span<const std::uint8_t> slice(in.data() + from, end - from);
    const bool should_fail = want && *want < end;
    ASSERT_EQ(v.feed(slice), !should_fail) << "slice [" << from << ", " << end << ")";
    ASSERT_EQ(v.failed(), should_fail);
    ASSERT_EQ(v.bytes_seen(), end);
    if (should_fail) {
      ASSERT_EQ(v.error_offset(), *want) << "slice [" << from << ", " << end << ")";
    } else if (check_boundary) {
      const bytes prefix(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(end));
      ASSERT_EQ(v.at_boundary(), validate_utf8_reference(prefix).valid) << "after " << end;
    }
    from = end;
  }
  ASSERT_EQ(v.finish(), !want);
  if (want) {
    ASSERT_EQ(v.error_offset(), *want);
    // A failed stream stays failed, and its error offset does not move.
    const bytes more = {'a', 0xC3, 0xA9};
    EXPECT_FALSE(v.feed(more));
    EXPECT_FALSE(v.finish());
    EXPECT_EQ(v.error_offset(), *want);
  } else {
    EXPECT_TRUE(v.at_boundary());
  }
}

// Whole-buffer implementations and the validator fed in one slice.
void expect_whole(const bytes& in, expected want) {
  SCOPED_TRACE(hex(in));
  EXPECT_EQ(outcome(validate_utf8(in)), want) << "validate_utf8";
  EXPECT_EQ(outcome(detail::validate_utf8_scalar(in)), want) << "scalar DFA";
  EXPECT_EQ(outcome(validate_utf8_reference(in)), want) << "reference";
  check_stream(in, {in.size()}, want, false);
}

// Everything, including every two-slice split and one byte at a time; for short inputs.
void expect_everywhere(const bytes& in, expected want) {
  SCOPED_TRACE(hex(in) + " -> " + show(want));
  EXPECT_EQ(oracle::get().judge(in), want) << "oracle disagrees with the expectation";
  expect_whole(in, want);
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    check_stream(in, {cut, in.size()}, want, true);
  }
  std::vector<std::size_t> each;
  for (std::size_t i = 1; i <= in.size(); ++i) each.push_back(i);
  SCOPED_TRACE("one byte at a time");
  check_stream(in, each, want, true);
}

struct utf8_case {
  const char* what;
  bytes seq;
  expected want;
};

void expect_cases(const std::vector<utf8_case>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    expect_everywhere(c.seq, c.want);
  }
}

// --- The cases (Markus Kuhn's UTF-8 decoder capability and stress test, by section) ---------

std::vector<utf8_case> valid_cases() {
  return {
      {"1 kosme", {0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5}, kValid},
      {"empty", {}, kValid},
      {"2.1 U+0000", {0x00}, kValid},
      {"2.2 U+007F", {0x7F}, kValid},
      {"2.1 U+0080", {0xC2, 0x80}, kValid},
      {"2.2 U+07FF", {0xDF, 0xBF}, kValid},
      {"2.1 U+0800", {0xE0, 0xA0, 0x80}, kValid},
      {"2.2 U+FFFF", {0xEF, 0xBF, 0xBF}, kValid},
      {"2.1 U+10000", {0xF0, 0x90, 0x80, 0x80}, kValid},
      {"2.3 U+10FFFF", {0xF4, 0x8F, 0xBF, 0xBF}, kValid},
      {"2.3 U+D7FF", {0xED, 0x9F, 0xBF}, kValid},
      {"2.3 U+E000", {0xEE, 0x80, 0x80}, kValid},
      {"2.3 U+FFFD", {0xEF, 0xBF, 0xBD}, kValid},
      {"5.3 U+FFFE noncharacter", {0xEF, 0xBF, 0xBE}, kValid},
      {"5.3 U+FDD0 noncharacter", {0xEF, 0xB7, 0x90}, kValid},
      {"5.3 U+1FFFE noncharacter", {0xF0, 0x9F, 0xBF, 0xBE}, kValid},
      {"5.3 U+10FFFE noncharacter", {0xF4, 0x8F, 0xBF, 0xBE}, kValid},
      {"U+3FFFF", {0xF0, 0xBF, 0xBF, 0xBF}, kValid},
      {"U+40000", {0xF1, 0x80, 0x80, 0x80}, kValid},
      {"U+FFFFF", {0xF3, 0xBF, 0xBF, 0xBF}, kValid},
      {"U+100000", {0xF4, 0x80, 0x80, 0x80}, kValid},
      {"U+1000", {0xE1, 0x80, 0x80}, kValid},
      {"U+CFFF", {0xEC, 0xBF, 0xBF}, kValid},
      {"U+D000", {0xED, 0x80, 0x80}, kValid},
      {"all boundaries in a row",
       {0x00, 0x7F, 0xC2, 0x80, 0xDF, 0xBF, 0xE0, 0xA0, 0x80, 0xEF, 0xBF, 0xBF, 0xF0, 0x90, 0x80,
        0x80, 0xF4, 0x8F, 0xBF, 0xBF, 0xED, 0x9F, 0xBF, 0xEE, 0x80, 0x80, 0xEF, 0xBF, 0xBD},
       kValid},
      {"mixed text", text(u8"Größe 日本語 😀 ok"), kValid},
  };
}

std::vector<utf8_case> unexpected_continuation_cases() {
  std::vector<utf8_case> cases = {
      {"3.1.1 first continuation 80", {0x80}, at(0)},
      {"3.1.2 last continuation BF", {0xBF}, at(0)},
      {"3.1.3 2 continuations", {0x80, 0xBF}, at(0)},
      {"3.1.4 3 continuations", {0x80, 0xBF, 0x80}, at(0)},
      {"3.1.5 4 continuations", {0x80, 0xBF, 0x80, 0xBF}, at(0)},
      {"3.1.8 7 continuations", {0x80, 0xBF, 0x80, 0xBF, 0x80, 0xBF, 0x80}, at(0)},
      {"after ASCII", {'a', 0x80}, at(1)},
      {"after a complete 2-byte", {0xC2, 0x80, 0x80}, at(2)},
      {"after a complete 3-byte", {0xE2, 0x82, 0xAC, 0xBF}, at(3)},
      {"after a complete 4-byte", {0xF0, 0x9F, 0x98, 0x80, 0x80}, at(4)},
      {"after a complete U+10FFFF", {0xF4, 0x8F, 0xBF, 0xBF, 0x8F}, at(4)},
  };
  bytes all;  // 3.1.9: all 64 possible continuation bytes in a row
  for (int b = 0x80; b <= 0xBF; ++b) {
    all.push_back(static_cast<std::uint8_t>(b));
    cases.push_back({"3.1 lone continuation", {static_cast<std::uint8_t>(b)}, at(0)});
  }
  cases.push_back({"3.1.9 all 64 continuation bytes", all, at(0)});
  return cases;
}

std::vector<utf8_case> lonely_start_cases() {
  std::vector<utf8_case> cases;
  // 3.2: every first byte followed by a space. A byte that can start a sequence is fine by
  // itself; the space after it is what cannot belong (offset 1). C0, C1 and F5..FF can
  // never appear (offset 0).
  for (int b = 0xC0; b <= 0xFF; ++b) {
    const auto lead = static_cast<std::uint8_t>(b);
    const bool can_start = (b >= 0xC2 && b <= 0xF4);
    cases.push_back({"3.2 lonely start byte + space", {lead, 0x20}, at(can_start ? 1 : 0)});
  }
  bytes run;  // 3.2.1: all 32 two-byte leads, each followed by a space; C0 fails at once
  for (int b = 0xC0; b <= 0xDF; ++b) run.insert(run.end(), {static_cast<std::uint8_t>(b), 0x20});
  cases.push_back({"3.2.1 C0..DF each + space", run, at(0)});
  cases.push_back({"3.2.1 from C2", bytes(run.begin() + 4, run.end()), at(1)});
  return cases;
}

std::vector<utf8_case> truncated_cases() {
  return {
      // 3.3 as Kuhn wrote them (his 2-, 3- and 4-byte examples are overlong forms of U+0000).
      {"3.3.1 C0", {0xC0}, at(0)},
      {"3.3.2 E0 80", {0xE0, 0x80}, at(1)},
      {"3.3.3 F0 80 80", {0xF0, 0x80, 0x80}, at(1)},
      {"3.3.4 F8 80 80 80", {0xF8, 0x80, 0x80, 0x80}, at(0)},
      {"3.3.5 FC 80 80 80 80", {0xFC, 0x80, 0x80, 0x80, 0x80}, at(0)},
      {"3.3.6 DF", {0xDF}, at(1)},
      {"3.3.7 EF BF", {0xEF, 0xBF}, at(2)},
      {"3.3.8 F7 BF BF", {0xF7, 0xBF, 0xBF}, at(0)},
      {"3.3.9 FB BF BF BF", {0xFB, 0xBF, 0xBF, 0xBF}, at(0)},
      {"3.3.10 FD BF BF BF BF", {0xFD, 0xBF, 0xBF, 0xBF, 0xBF}, at(0)},
      // Valid beginnings cut short: the missing byte is at offset == length.
      {"C2", {0xC2}, at(1)},
      {"E0 A0", {0xE0, 0xA0}, at(2)},
      {"E1 80", {0xE1, 0x80}, at(2)},
      {"E2", {0xE2}, at(1)},
      {"ED 9F", {0xED, 0x9F}, at(2)},
      {"F0 90", {0xF0, 0x90}, at(2)},
      {"F0 90 80", {0xF0, 0x90, 0x80}, at(3)},
      {"F1", {0xF1}, at(1)},
      {"F3 BF BF", {0xF3, 0xBF, 0xBF}, at(3)},
      {"F4 8F BF", {0xF4, 0x8F, 0xBF}, at(3)},
      {"text then E2 82", {'a', 'b', 0xE2, 0x82}, at(4)},
      // Cut short by the next character: that character is the first byte that cannot belong.
      {"C3 then ASCII", {0xC3, 'A'}, at(1)},
      {"E2 82 then ASCII", {0xE2, 0x82, 0x41}, at(2)},
      {"F0 9F 98 then ASCII", {0xF0, 0x9F, 0x98, 0x41}, at(3)},
      {"C3 then C3 A9", {0xC3, 0xC3, 0xA9}, at(1)},
      {"E2 82 then E2 82 AC", {0xE2, 0x82, 0xE2, 0x82, 0xAC}, at(2)},
      {"F4 8F then F4 8F BF BF", {0xF4, 0x8F, 0xF4, 0x8F, 0xBF, 0xBF}, at(2)},
      // 3.4: concatenation of the 3.3 sequences; the first one already fails.
      {"3.4 concatenation",
       {0xC0, 0xE0, 0x80, 0xF0, 0x80, 0x80, 0xF8, 0x80, 0x80, 0x80, 0xFC, 0x80, 0x80, 0x80, 0x80,
        0xDF, 0xEF, 0xBF, 0xF7, 0xBF, 0xBF, 0xFB, 0xBF, 0xBF, 0xBF, 0xFD, 0xBF, 0xBF, 0xBF, 0xBF},
       at(0)},
      {"3.4 concatenation of valid beginnings", {0xC2, 0xE0, 0xA0, 0xF0, 0x90, 0x80}, at(1)},
      // Unicode 3.9, the maximal subpart example (D93b): F1 80 80 is cut by E1.
      {"Unicode 3.9 example",
       {0x61, 0xF1, 0x80, 0x80, 0xE1, 0x80, 0xC2, 0x62, 0x80, 0x63, 0x80, 0xBF, 0x64},
       at(4)},
  };
}

std::vector<utf8_case> impossible_byte_cases() {
  return {
      {"3.5.1 FE", {0xFE}, at(0)},
      {"3.5.2 FF", {0xFF}, at(0)},
      {"3.5.3 FE FE FF FF", {0xFE, 0xFE, 0xFF, 0xFF}, at(0)},
      {"FE after text", {'a', 'b', 0xFE}, at(2)},
      {"FF between text", {'a', 'b', 0xFF, 'c', 'd'}, at(2)},
      {"FE after a 2-byte", {0xC2, 0xA9, 0xFE}, at(2)},
      {"FE inside a 3-byte", {0xE2, 0x82, 0xFE}, at(2)},
      {"FF inside a 4-byte", {0xF0, 0x9F, 0xFF, 0x80}, at(2)},
  };
}

std::vector<utf8_case> overlong_cases() {
  return {
      // 4.1 '/' (U+002F), the classic path traversal disguise.
      {"4.1.1 C0 AF", {0xC0, 0xAF}, at(0)},
      {"4.1.2 E0 80 AF", {0xE0, 0x80, 0xAF}, at(1)},
      {"4.1.3 F0 80 80 AF", {0xF0, 0x80, 0x80, 0xAF}, at(1)},
      {"4.1.4 F8 80 80 80 AF", {0xF8, 0x80, 0x80, 0x80, 0xAF}, at(0)},
      {"4.1.5 FC 80 80 80 80 AF", {0xFC, 0x80, 0x80, 0x80, 0x80, 0xAF}, at(0)},
      // 4.2 the largest code point of each length that is still overlong.
      {"4.2.1 C1 BF", {0xC1, 0xBF}, at(0)},
      {"4.2.2 E0 9F BF", {0xE0, 0x9F, 0xBF}, at(1)},
      {"4.2.3 F0 8F BF BF", {0xF0, 0x8F, 0xBF, 0xBF}, at(1)},
      {"4.2.4 F8 87 BF BF BF", {0xF8, 0x87, 0xBF, 0xBF, 0xBF}, at(0)},
      {"4.2.5 FC 83 BF BF BF BF", {0xFC, 0x83, 0xBF, 0xBF, 0xBF, 0xBF}, at(0)},
      // 4.3 U+0000.
      {"4.3.1 C0 80", {0xC0, 0x80}, at(0)},
      {"4.3.2 E0 80 80", {0xE0, 0x80, 0x80}, at(1)},
      {"4.3.3 F0 80 80 80", {0xF0, 0x80, 0x80, 0x80}, at(1)},
      {"4.3.4 F8 80 80 80 80", {0xF8, 0x80, 0x80, 0x80, 0x80}, at(0)},
      {"4.3.5 FC 80 80 80 80 80", {0xFC, 0x80, 0x80, 0x80, 0x80, 0x80}, at(0)},
      {"overlong after text", {'x', 'y', 0xE0, 0x9F, 0xBF}, at(3)},
  };
}

std::vector<utf8_case> surrogate_cases() {
  return {
      // 5.1 single UTF-16 surrogates: ED may only be followed by 80..9F.
      {"5.1.1 U+D800", {0xED, 0xA0, 0x80}, at(1)},
      {"5.1.2 U+DB7F", {0xED, 0xAD, 0xBF}, at(1)},
      {"5.1.3 U+DB80", {0xED, 0xAE, 0x80}, at(1)},
      {"5.1.4 U+DBFF", {0xED, 0xAF, 0xBF}, at(1)},
      {"5.1.5 U+DC00", {0xED, 0xB0, 0x80}, at(1)},
      {"5.1.6 U+DF80", {0xED, 0xBE, 0x80}, at(1)},
      {"5.1.7 U+DFFF", {0xED, 0xBF, 0xBF}, at(1)},
      // 5.2 paired surrogates (CESU-8): the first one already fails.
      {"5.2.1 U+D800 U+DC00", {0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80}, at(1)},
      {"5.2.2 U+D800 U+DFFF", {0xED, 0xA0, 0x80, 0xED, 0xBF, 0xBF}, at(1)},
      {"5.2.3 U+DB7F U+DC00", {0xED, 0xAD, 0xBF, 0xED, 0xB0, 0x80}, at(1)},
      {"5.2.4 U+DB7F U+DFFF", {0xED, 0xAD, 0xBF, 0xED, 0xBF, 0xBF}, at(1)},
      {"5.2.5 U+DB80 U+DC00", {0xED, 0xAE, 0x80, 0xED, 0xB0, 0x80}, at(1)},
      {"5.2.6 U+DB80 U+DFFF", {0xED, 0xAE, 0x80, 0xED, 0xBF, 0xBF}, at(1)},
      {"5.2.7 U+DBFF U+DC00", {0xED, 0xAF, 0xBF, 0xED, 0xB0, 0x80}, at(1)},
      {"5.2.8 U+DBFF U+DFFF", {0xED, 0xAF, 0xBF, 0xED, 0xBF, 0xBF}, at(1)},
      {"CESU-8 U+1F600", {0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80}, at(1)},
      {"surrogate after valid text", concat({text(u8"é€"), {0xED, 0xB2, 0x80}}), at(6)},
  };
}

std::vector<utf8_case> too_large_cases() {
  return {
      {"U+110000", {0xF4, 0x90, 0x80, 0x80}, at(1)},
      {"F4 BF BF BF", {0xF4, 0xBF, 0xBF, 0xBF}, at(1)},
      {"F5 80 80 80", {0xF5, 0x80, 0x80, 0x80}, at(0)},
      {"F6 80 80 80", {0xF6, 0x80, 0x80, 0x80}, at(0)},
      {"U+1FFFFF F7 BF BF BF", {0xF7, 0xBF, 0xBF, 0xBF}, at(0)},
      // 5- and 6-byte forms of the original UTF-8 (RFC 2279), removed by RFC 3629.
      {"2.1.5 U+200000", {0xF8, 0x88, 0x80, 0x80, 0x80}, at(0)},
      {"2.2.5 U+3FFFFFF", {0xFB, 0xBF, 0xBF, 0xBF, 0xBF}, at(0)},
      {"2.1.6 U+4000000", {0xFC, 0x84, 0x80, 0x80, 0x80, 0x80}, at(0)},
      {"2.2.6 U+7FFFFFFF", {0xFD, 0xBF, 0xBF, 0xBF, 0xBF, 0xBF}, at(0)},
      {"too large after text", {'o', 'k', 0xF4, 0x90, 0x80, 0x80}, at(3)},
  };
}

std::vector<utf8_case> all_cases() {
  std::vector<utf8_case> all;
  for (auto part :
       {valid_cases(), unexpected_continuation_cases(), lonely_start_cases(), truncated_cases(),
        impossible_byte_cases(), overlong_cases(), surrogate_cases(), too_large_cases()}) {
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

TEST(Utf8Kuhn, ValidBoundaryCodePoints) { expect_cases(valid_cases()); }
TEST(Utf8Kuhn, UnexpectedContinuationBytes) { expect_cases(unexpected_continuation_cases()); }
TEST(Utf8Kuhn, LonelyStartBytes) { expect_cases(lonely_start_cases()); }
TEST(Utf8Kuhn, TruncatedSequences) { expect_cases(truncated_cases()); }
TEST(Utf8Kuhn, ImpossibleBytes) { expect_cases(impossible_byte_cases()); }
TEST(Utf8Kuhn, OverlongEncodings) { expect_cases(overlong_cases()); }
TEST(Utf8Kuhn, Utf16Surrogates) { expect_cases(surrogate_cases()); }
TEST(Utf8Kuhn, AboveU10FFFFAndFiveSixByteForms) { expect_cases(too_large_cases()); }

// The header's own examples.
TEST(Utf8Kuhn, HeaderExamples) {
  expect_everywhere({0xE0, 0x80}, at(1));
  expect_everywhere({0xC0}, at(0));
  expect_everywhere({0xF5}, at(0));
  expect_everywhere({0xFF}, at(0));
  expect_everywhere({0xE2, 0x82, 0x41}, at(2));
}

// --- Errors at every position of long inputs (AVX2 blocks are 32 bytes, chunks 64) ----------

// Latin, CJK and emoji: 1- to 4-byte code points, so block edges fall inside code points.
const bytes& mixed_text() {
  static const bytes m = [] {
    const bytes unit = text(u8"Grüße, 世界! Ünïcödé 日本語のテキスト 😀🎉 naïve café — 中文 🚀x ");
    bytes out;
    while (out.size() < 9000) out.insert(out.end(), unit.begin(), unit.end());
    return out;
  }();
  return m;
}

// Exactly k bytes of valid text ending on a boundary: ASCII padding, then a piece of mixed
// text, so the bytes right before position k are usually multi-byte code points.
bytes mixed_prefix(std::size_t k) {
  const bytes& m = mixed_text();
  std::size_t t = std::min(k, m.size());
  while (t > 0 && (m[t] & 0xC0) == 0x80) --t;  // m[t] starts a code point: cut before it
  bytes out(k - t, 'a');
  out.insert(out.end(), m.begin(), m.begin() + static_cast<std::ptrdiff_t>(t));
  return out;
}

bytes mixed_suffix(std::size_t n) {
  const bytes& m = mixed_text();
  std::size_t t = n;
  while ((m[t] & 0xC0) == 0x80) --t;
  return bytes(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(t));
}

std::vector<std::size_t> embedding_offsets() {
  std::vector<std::size_t> ks;
  for (std::size_t k = 0; k <= 200; ++k) ks.push_back(k);
  for (std::size_t base : {255u, 1023u, 4095u}) {
    for (std::size_t d = 0; d < 4; ++d) ks.push_back(base + d);
  }
  return ks;
}

TEST(Utf8Embedded, EveryCaseAtEveryOffsetInsideLongText) {
  std::mt19937 rng(6455);
  std::size_t checked = 0;
  for (const auto& c : all_cases()) {
    SCOPED_TRACE(c.what);
    for (const std::size_t k : embedding_offsets()) {
      for (const bool mixed : {false, true}) {
        // Both surroundings start with a byte that cannot continue a code point, so a
        // truncated sequence fails where the suffix begins: k + length, as when alone.
        const bytes prefix = mixed ? mixed_prefix(k) : bytes(k, 'a');
        const bytes suffix = mixed ? mixed_suffix(120) : bytes(120, 'z');
        const bytes in = concat({prefix, c.seq, suffix});
        const expected want = c.want ? at(k + *c.want) : kValid;
        SCOPED_TRACE("k=" + std::to_string(k) + (mixed ? " mixed" : " ascii"));
        expect_whole(in, want);
        // Cuts next to the error, and three random slices.
        for (std::size_t d = 0; d < 3 && want; ++d) {
          const std::size_t cut = *want + d > 0 ? *want + d - 1 : 0;
          if (cut <= in.size()) check_stream(in, {cut, in.size()}, want, false);
        }
        std::uniform_int_distribution<std::size_t> pos(0, in.size());
        std::vector<std::size_t> ends = {pos(rng), pos(rng), in.size()};
        std::sort(ends.begin(), ends.end());
        check_stream(in, ends, want, false);
        ++checked;
        if (HasFailure()) return;
      }
    }
  }
  EXPECT_GT(checked, 50000u);
}

// --- Exhaustive short sequences against the oracle ---------------------------------------

// Every byte value at the edges of a Table 3-7 range, plus a few ordinary ones.
const std::vector<std::uint8_t> kEdgeBytes = {0x00, 0x20, 0x41, 0x7F, 0x80, 0x81, 0x8F, 0x90, 0x9F,
                                              0xA0, 0xAF, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
                                              0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5,
                                              0xF7, 0xF8, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF};

void expect_matches_oracle(const bytes& in) {
  const expected want = oracle::get().judge(in);
  const expected got = outcome(validate_utf8_reference(in));
  if (got != want) FAIL() << hex(in) << ": reference " << show(got) << ", oracle " << show(want);
  const expected dfa = outcome(detail::validate_utf8_scalar(in));
  if (dfa != want) FAIL() << hex(in) << ": scalar " << show(dfa) << ", oracle " << show(want);
}

TEST(Utf8Oracle, AllSequencesOfUpToTwoBytes) {
  for (int a = 0; a < 256; ++a) {
    expect_matches_oracle({static_cast<std::uint8_t>(a)});
    for (int b = 0; b < 256; ++b) {
      expect_matches_oracle({static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)});
      if (HasFailure()) return;
    }
  }
}

TEST(Utf8Oracle, ThreeBytesWithEdgeThirdByte) {
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      for (const std::uint8_t c : kEdgeBytes) {
        expect_matches_oracle({static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b), c});
      }
      if (HasFailure()) return;
    }
  }
}

// Four edge bytes, placed across a 64-byte SIMD chunk edge inside ASCII so that every error
// kind is seen by the AVX2 path and by the validator split at the chunk edge.
TEST(Utf8Oracle, FourEdgeBytesAcrossAChunkEdgeThroughEveryPath) {
  bytes in(128, 'a');
  const std::size_t k = 62;
  for (const std::uint8_t a : kEdgeBytes) {
    for (const std::uint8_t b : kEdgeBytes) {
      for (const std::uint8_t c : kEdgeBytes) {
        for (const std::uint8_t d : kEdgeBytes) {
          const bytes seq = {a, b, c, d};
          const expected alone = oracle::get().judge(seq);
          in[k] = a;
          in[k + 1] = b;
          in[k + 2] = c;
          in[k + 3] = d;
          const expected want = alone ? at(k + *alone) : kValid;
          ASSERT_EQ(outcome(validate_utf8_reference(in)), want) << hex(seq);
          ASSERT_EQ(outcome(validate_utf8(in)), want) << hex(seq);
          ASSERT_EQ(outcome(detail::validate_utf8_scalar(in)), want) << hex(seq);
          utf8_validator v;
          v.feed(std::span(in).first(64));
          v.feed(std::span(in).subspan(64));
          ASSERT_EQ(v.finish() ? kValid : at(v.error_offset()), want) << hex(seq);
        }
      }
    }
  }
}

// --- Randomized differential tests -------------------------------------------------------

class random_text {
 public:
  explicit random_text(std::uint64_t seed) : rng_(seed) {}

  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

  char32_t scalar() {
    static constexpr char32_t kBoundaries[] = {0x0,    0x7F,    0x80,    0x7FF,   0x800,
                                               0xFFF,  0x1000,  0xD7FF,  0xE000,  0xFFFD,
                                               0xFFFF, 0x10000, 0x3FFFF, 0x40000, 0x10FFFF};
    const std::size_t kind = below(20);
    if (kind < 8) return static_cast<char32_t>(0x20 + below(0x5F));    // printable ASCII
    if (kind < 11) return static_cast<char32_t>(0x80 + below(0x780));  // 2 bytes
    if (kind < 15) {                                                   // 3 bytes, no surrogate
      const auto cp = static_cast<char32_t>(0x800 + below(0xF800 - 0x800));
      return cp >= 0xD800 ? cp + 0x800 : cp;
    }
    if (kind < 18) return static_cast<char32_t>(0x10000 + below(0x100000));  // 4 bytes
    return kBoundaries[below(std::size(kBoundaries))];
  }

  bytes valid(std::size_t max_len) {
    bytes out;
    for (;;) {
      const bytes e = encode(scalar());
      if (out.size() + e.size() > max_len) return out;
      out.insert(out.end(), e.begin(), e.end());
    }
  }

  // One random damage: the kinds of mistakes real encoders and truncating proxies make.
  void corrupt(bytes& b) {
    static constexpr std::uint8_t kBad[] = {0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1,
                                            0xC2, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
    static const bytes kBadSequences[] = {{0xED, 0xA0, 0x80},
                                          {0xE0, 0x80, 0x80},
                                          {0xF4, 0x90, 0x80, 0x80},
                                          {0xC0, 0xAF},
                                          {0xE2, 0x82}};
    const auto pos = static_cast<std::ptrdiff_t>(below(b.size() + 1));
    const bool has_byte = pos < static_cast<std::ptrdiff_t>(b.size());
    switch (below(6)) {
      case 0:
        if (has_byte) b[static_cast<std::size_t>(pos)] = static_cast<std::uint8_t>(below(256));
        break;
      case 1:
        if (has_byte) b[static_cast<std::size_t>(pos)] = kBad[below(std::size(kBad))];
        break;
      case 2:
        if (has_byte) b.erase(b.begin() + pos);
        break;
      case 3:
        b.insert(b.begin() + pos, kBad[below(std::size(kBad))]);
        break;
      case 4:
        b.resize(static_cast<std::size_t>(pos));
        break;
      default: {
        const bytes& s = kBadSequences[below(std::size(kBadSequences))];
        b.insert(b.begin() + pos, s.begin(), s.end());
      }
    }
  }

  std::vector<std::size_t> random_ends(std::size_t size, std::size_t cuts) {
    std::vector<std::size_t> ends;
    for (std::size_t i = 0; i < cuts; ++i) ends.push_back(below(size + 1));
    ends.push_back(size);
    std::sort(ends.begin(), ends.end());
    return ends;
  }

 private:
  std::mt19937_64 rng_;
};

expected stream_outcome(const bytes& in, const std::vector<std::size_t>& ends) {
  utf8_validator v;
  std::size_t from = 0;
  for (const std::size_t end : ends) {
    v.feed(std::span(in).subspan(from, end - from));
    from = end;
  }
  return v.finish() ? kValid : at(v.error_offset());
}

TEST(Utf8Random, TwentyThousandShortBuffersAgreeWithReference) {
  random_text gen(0x5eed6455);
  std::size_t valid = 0;
  std::size_t invalid = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    bytes in = gen.valid(gen.below(301));
    if (gen.below(4) != 0) {
      const std::size_t damages = 1 + gen.below(3);
      for (std::size_t d = 0; d < damages; ++d) gen.corrupt(in);
      if (in.size() > 300) in.resize(300);
    }
    const expected want = outcome(validate_utf8_reference(in));
    (want ? invalid : valid) += 1;
    ASSERT_EQ(outcome(validate_utf8(in)), want) << "iteration " << iter << ", " << hex(in, 300);
    ASSERT_EQ(outcome(detail::validate_utf8_scalar(in)), want) << "iteration " << iter;
    ASSERT_EQ(oracle::get().judge(in), want) << "iteration " << iter << ", " << hex(in, 300);
    const auto ends = gen.random_ends(in.size(), gen.below(6));
    ASSERT_EQ(stream_outcome(in, ends), want) << "iteration " << iter << ", " << hex(in, 300);
  }
  // Both outcomes must be well represented, or the comparison proves little.
  EXPECT_GT(valid, 5000u);
  EXPECT_GT(invalid, 10000u);
}

TEST(Utf8Random, LongBuffersWithOneDamageAgreeWithReference) {
  random_text gen(20210906);
  std::size_t invalid = 0;
  for (int iter = 0; iter < 400; ++iter) {
    bytes in = gen.valid(gen.below(20000));
    if (iter % 4 != 0) gen.corrupt(in);
    const expected want = outcome(validate_utf8_reference(in));
    invalid += want ? 1 : 0;
    ASSERT_EQ(outcome(validate_utf8(in)), want) << "iteration " << iter;
    ASSERT_EQ(outcome(detail::validate_utf8_scalar(in)), want) << "iteration " << iter;
    ASSERT_EQ(stream_outcome(in, gen.random_ends(in.size(), gen.below(8))), want)
        << "iteration " << iter;
  }
  EXPECT_GT(invalid, 150u);
}

// --- The incremental validator's own contract ---------------------------------------------

TEST(Utf8Validator, EmptyStreamIsValid) {
  utf8_validator v;
  EXPECT_TRUE(v.feed({}));
  EXPECT_TRUE(v.at_boundary());
  EXPECT_TRUE(v.finish());
  EXPECT_FALSE(v.failed());
  EXPECT_EQ(v.bytes_seen(), 0u);
}

TEST(Utf8Validator, CodePointSplitAcrossFragments) {
  // RFC 6455 5.6: a text message may be fragmented anywhere, even inside a code point.
  utf8_validator v;
  const bytes a = {'x', 0xF0, 0x9F};
  const bytes b = {0x98};
  const bytes c = {0x80, 'y'};
  EXPECT_TRUE(v.feed(a));
  EXPECT_FALSE(v.at_boundary());
  EXPECT_TRUE(v.feed(b));
  EXPECT_FALSE(v.at_boundary());
  EXPECT_TRUE(v.feed(c));
  EXPECT_TRUE(v.at_boundary());
  EXPECT_EQ(v.bytes_seen(), 6u);
  EXPECT_TRUE(v.finish());
}

TEST(Utf8Validator, TruncatedStreamFailsAtFinishWithOffsetEqualToLength) {
  utf8_validator v;
  const bytes a = {'h', 'i', 0xE2, 0x82};
  EXPECT_TRUE(v.feed(a));
  EXPECT_FALSE(v.failed());
  EXPECT_FALSE(v.finish());
  EXPECT_TRUE(v.failed());
  EXPECT_EQ(v.error_offset(), 4u);
  EXPECT_FALSE(v.finish());
  EXPECT_EQ(v.error_offset(), 4u);
}

TEST(Utf8Validator, ErrorInLaterSliceCountsFromStreamStart) {
  utf8_validator v;
  const bytes a(100, 'a');
  const bytes b = {'b', 'c', 0xED, 0xA0, 0x80};
  EXPECT_TRUE(v.feed(a));
  EXPECT_FALSE(v.feed(b));
  EXPECT_EQ(v.error_offset(), 103u);
  // Later slices are refused and counted, the error offset stays.
  EXPECT_FALSE(v.feed(a));
  EXPECT_EQ(v.error_offset(), 103u);
  EXPECT_EQ(v.bytes_seen(), 205u);
}

TEST(Utf8Validator, ResetStartsAFreshStream) {
  utf8_validator v;
  const bytes bad = {0xC0, 0x80};
  const bytes good = text(u8"ok ✓");
  EXPECT_FALSE(v.feed(bad));
  v.reset();
  EXPECT_FALSE(v.failed());
  EXPECT_EQ(v.bytes_seen(), 0u);
  EXPECT_TRUE(v.feed(good));
  EXPECT_TRUE(v.finish());
}

TEST(Utf8Validator, LargeSlicesKeepStateBetweenSlices) {
  // Slices big enough for the SIMD path, cut inside code points.
  const bytes& m = mixed_text();
  for (const std::size_t slice : {64u, 65u, 100u, 127u, 1000u, 4093u}) {
    utf8_validator v;
    for (std::size_t from = 0; from < m.size(); from += slice) {
      ASSERT_TRUE(v.feed(std::span(m).subspan(from, std::min(slice, m.size() - from))))
          << "slice " << slice << " at " << from;
    }
    EXPECT_TRUE(v.finish()) << "slice " << slice;
  }
}

TEST(Utf8Large, SixteenMiBMixedIsValidAndOneBadByteIsFound) {
  const bytes& m = mixed_text();
  bytes big;
  while (big.size() < (16u << 20)) big.insert(big.end(), m.begin(), m.end());
  EXPECT_TRUE(validate_utf8(big).valid);
  EXPECT_TRUE(detail::validate_utf8_scalar(big).valid);
  std::size_t where = 10'000'003;
  while ((big[where] & 0xC0) == 0x80) ++where;  // replace a first byte: no code point is cut
  big[where] = 0xFF;
  const expected want = outcome(validate_utf8_reference(big));
  ASSERT_EQ(want, at(where));
  EXPECT_EQ(outcome(validate_utf8(big)), want);
  EXPECT_EQ(outcome(detail::validate_utf8_scalar(big)), want);
}

}  // namespace
}  // namespace wsspec::codec
