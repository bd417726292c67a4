// Frame encoder -> decoder round trip (RFC 6455 5.2), split from frame_decoder_fuzzer so that
// target stays a fast decoder-only differential check. One property, a crash when broken:
// a header built from the input (any FIN/RSV/opcode/mask/key, any 64-bit length, any length
// form) is encoded with encode_header, decoded, and compared field by field; where the header
// breaks a rule the decoder's options enforce, the decoder must report exactly the error (and
// offset) a small model of RFC 6455 5.2 predicts. Then the same header with the input's
// remaining bytes as payload goes through encode_frame and must come back with the payload
// unmasked byte for byte.
//
// Input layout: bytes 0 and 1 pick the decoder options (common/frame_options.hpp); then the
// header description (see header_from), then the payload.
#include <array>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "../common/frame_options.hpp"
#include "wsspec/codec/frame_decoder.hpp"

namespace {

using namespace wsspec::codec;

[[noreturn]] void mismatch() { std::abort(); }

// The length form encode_header writes, restated from RFC 6455 5.2 rather than taken from
// effective_length_form, so the two are checked against each other.
int length_bytes(std::uint64_t length, length_form wanted) {
  if (length > 0xFFFF || wanted == length_form::bits64) return 8;
  if (length > 125 || wanted == length_form::bits16) return 2;
  return 0;
}

struct predicted {
  protocol_error error = protocol_error::none;
  std::uint64_t offset = 0;
};

// What a decoder with options `o` must say about header `h`, checks in the byte order the
// decoder documents (first byte, second byte, then the length once its last byte is in) and,
// within one byte, in the order of RFC 6455 5.2 / 5.5 as the decoder applies them.
predicted predict(const decoder_options& o, const frame_header& h, length_form form) {
  const auto op = static_cast<std::uint8_t>(h.op);
  const bool control = (op & 0x08) != 0;
  const bool reserved = (op >= 3 && op <= 7) || op >= 0xB;
  if (reserved) return {protocol_error::reserved_opcode, 0};
  if ((h.rsv & 0x70 & ~o.allowed_rsv) != 0) return {protocol_error::reserved_bits_set, 0};
  if (control && !h.fin) return {protocol_error::control_frame_fragmented, 0};
  if (o.masking == mask_rule::required && !h.masked) return {protocol_error::frame_not_masked, 1};
  if (o.masking == mask_rule::forbidden && h.masked) return {protocol_error::frame_masked, 1};
  const int ext = length_bytes(h.payload_length, form);
  const std::uint64_t at = 1 + static_cast<std::uint64_t>(ext);
  const std::uint64_t len = h.payload_length;
  if (len > (std::uint64_t{1} << 63) - 1) return {protocol_error::length_high_bit_set, at};
  if (control && len > 125) return {protocol_error::control_frame_too_long, at};
  if (o.require_minimal_length && ((ext == 2 && len < 126) || (ext == 8 && len <= 0xFFFF)))
    return {protocol_error::length_not_minimal, at};
  if (len > o.max_frame_payload) return {protocol_error::frame_too_large, at};
  return {};
}

// Builds a header from the first bytes of `in` (missing bytes read as zero): b0 is the first
// header byte as is; b1 holds MASK (bit 7), the length form (bits 0-1) and how many bytes of
// length follow (bits 2-3: 1, 2, 4 or 8, so short lengths are common), then the length, then
// the key.
frame_header header_from(std::span<const std::uint8_t> in, length_form& form, std::size_t& used) {
  std::array<std::uint8_t, 2 + 8 + 4> b{};
  std::memcpy(b.data(), in.data(), std::min(in.size(), b.size()));
  frame_header h;
  h.fin = (b[0] & 0x80) != 0;
  h.rsv = b[0] & 0x70;
  h.op = make_opcode(b[0]);
  h.masked = (b[1] & 0x80) != 0;
  form = static_cast<length_form>((b[1] & 3) % 3);
  static constexpr std::size_t widths[] = {1, 2, 4, 8};
  const std::size_t w = widths[(b[1] >> 2) & 3];
  std::uint64_t len = 0;
  for (std::size_t i = 0; i < w; ++i) len = (len << 8) | b[2 + i];
  h.payload_length = len;
  if (h.masked) h.key = {b[2 + w], b[3 + w], b[4 + w], b[5 + w]};
  used = std::min(in.size(), 2 + w + (h.masked ? 4 : 0));
  return h;
}

void round_trip(const frame_decoder& fresh, std::span<const std::uint8_t> in) {
  const decoder_options& o = fresh.options();
  length_form form{};
  std::size_t used = 0;
  frame_header h = header_from(in, form, used);

  // Header alone, any length (up to 2^64-1, which must be rejected).
  std::array<std::uint8_t, max_header_size> buf{};
  const std::size_t n = encode_header(h, buf, form);
  const int ext = length_bytes(h.payload_length, form);
  if (n != 2 + static_cast<std::size_t>(ext) + (h.masked ? 4 : 0)) mismatch();
  if (n != header_size(h, form)) mismatch();
  if (effective_length_form(h.payload_length, form) != (ext == 0   ? length_form::minimal
                                                        : ext == 2 ? length_form::bits16
                                                                   : length_form::bits64))
    mismatch();
  const predicted want = predict(o, h, form);
  {
    frame_decoder d = fresh;
    const decode_result r = d.next(std::span<const std::uint8_t>(buf.data(), n));
    if (want.error != protocol_error::none) {
      if (r.status != decode_status::error || r.error != want.error ||
          r.error_offset != want.offset)
        mismatch();
    } else {
      if (r.status != decode_status::frame || r.consumed != n || !(r.header == h) ||
          !r.payload.empty() || r.payload_offset != 0 ||
          r.frame_complete != (h.payload_length == 0))
        mismatch();
    }
  }

  // Header plus payload: the rest of the input, so payload_length is what it really is.
  const std::span<const std::uint8_t> payload = in.subspan(used);
  h.payload_length = payload.size();
  const predicted want_frame = predict(o, h, form);
  if (want_frame.error != protocol_error::none) return;
  const std::vector<std::uint8_t> wire = encode_frame(h, payload, form);
  if (wire.size() != header_size(h, form) + payload.size()) mismatch();
  frame_decoder d = fresh;
  const decode_result r = d.next(wire);
  if (r.status != decode_status::frame || r.consumed != wire.size() || !(r.header == h) ||
      !r.frame_complete || r.payload.size() != payload.size() || !d.at_frame_boundary())
    mismatch();
  // Unmask byte by byte (RFC 6455 5.3), independent of apply_mask.
  for (std::size_t i = 0; i < payload.size(); ++i) {
    const std::uint8_t k = h.masked ? h.key[i % 4] : 0;
    if (static_cast<std::uint8_t>(r.payload[i] ^ k) != payload[i]) mismatch();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  round_trip(wsspec::fuzz::decoder_for<frame_decoder>(data[0], data[1]),
             std::span<const std::uint8_t>(data + 2, size - 2));
  return 0;
}
