// Decoder options chosen by two input bytes, shared by the frame decoder and frame round-trip
// targets so both exercise every rule the decoder can enforce:
//   b0: masking = b0 % 3 (any, required, forbidden), allowed RSV bits = b0 & 0x70,
//       minimal lengths required = b0 & 0x80
//   b1: max_frame_payload = b1 when b1 < 0x80 (small limits, so frame_too_large is reachable
//       with short inputs), else no limit
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace wsspec::fuzz {

// A fresh decoder (nothing decoded yet) for those options; copy it to use it. Decoder is
// codec::frame_decoder, or its uninstrumented copy in frame_decoder_fuzzer's oracle
// (common/oracle_codec.hpp): a template that names no codec type, so that each decoder gets its
// own table and the function means the same wherever it is included.
//
// Why a table: constructing a frame_decoder fills a 256-entry table from the options (one
// check_first_byte per byte value), and with the codec's coverage and comparison tracing that
// costs more than everything else a typical execution does. Copying a built decoder is a
// memcpy. The options above take 3 * 8 * 2 * 129 = 6192 distinct values, so one slot per value
// (built on first use, at most about 2 MiB) means no execution ever rebuilds one.
template <class Decoder>
const Decoder& decoder_for(std::uint8_t b0, std::uint8_t b1) {
  using options = std::remove_cvref_t<decltype(std::declval<const Decoder&>().options())>;
  constexpr unsigned limits = 129;  // 0..127 and "no limit"
  constexpr unsigned count = 3 * 8 * 2 * limits;
  // Empty slots construct nothing: building all 6192 up front would cost what the table
  // saves for the first few thousand executions.
  static const std::unique_ptr<std::optional<Decoder>[]> table(new std::optional<Decoder>[count]);
  const unsigned masking = b0 % 3u;
  const unsigned rsv = (b0 >> 4) & 7u;
  const unsigned minimal = b0 >> 7;
  const unsigned limit = (b1 & 0x80) ? limits - 1 : b1;
  std::optional<Decoder>& s = table[((masking * 8 + rsv) * 2 + minimal) * limits + limit];
  if (!s) {
    options o;
    o.masking = static_cast<decltype(o.masking)>(masking);
    o.allowed_rsv = static_cast<std::uint8_t>(rsv << 4);
    o.require_minimal_length = minimal != 0;
    if (!(b1 & 0x80)) o.max_frame_payload = b1;  // else the default: no limit
    s.emplace(o);
  }
  return *s;
}

}  // namespace wsspec::fuzz
