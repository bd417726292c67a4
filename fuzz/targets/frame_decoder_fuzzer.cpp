// Frame decoder (RFC 6455 5.2). Three properties, each a crash when broken:
// 1. Any bytes give frames or an error, never a crash or an out-of-bounds read.
// 2. Slicing does not matter: the whole stream at once, one byte at a time, and slices of a
//    length chosen by the input give the same headers, payload bytes, error and error offset.
// 3. Encoder -> decoder round trip: a header built from the input (any FIN/RSV/opcode/mask/key,
//    any 64-bit length, any length form) is encoded with encode_header, decoded, and compared
//    field by field; where the header breaks a rule the decoder's options enforce, the decoder
//    must report exactly the error (and offset) a small model of RFC 6455 5.2 predicts. Then
//    the same header with the input's remaining bytes as payload goes through encode_frame and
//    must come back with the payload unmasked byte for byte.
//
// Input layout: byte 0 and 1 pick the decoder options (so every rule is exercised), the rest
// is the stream. The round trip reads its header description from the start of the stream,
// so both halves mutate the same bytes.
//
// Speed: this target is meant to run at over a million executions a second. Constructing a
// frame_decoder fills a 256-entry table from the options (check_first_byte per byte value),
// which with coverage instrumentation costs thousands of comparison callbacks; so decoders
// are built once per distinct options, kept in a small cache, and copied for each run. Only
// the whole-stream run records what it saw (in a static vector that keeps its capacity); the
// sliced runs compare step by step against it without copying payload, and nothing else
// allocates except encode_frame's result.
#include <array>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "wsspec/codec/frame_decoder.hpp"

namespace {

using namespace wsspec::codec;

[[noreturn]] void mismatch() { std::abort(); }

// What the whole-stream run saw. Payload bytes need not be stored: the decoder hands out
// slices of the caller's buffer, so once the headers and the stream offset at which each one
// ended agree, and every payload slice is checked to sit exactly at the next unread stream
// position, the payload bytes (masked or not) are the same bytes in every run. Unmasking is
// checked by the round trip below.
struct frame_seen {
  frame_header header;
  std::uint64_t header_end = 0;  // stream offset of the frame's first payload byte
};
struct outcome {
  std::vector<frame_seen> frames;
  protocol_error error = protocol_error::none;
  std::uint64_t error_offset = 0;
};

// Runs `data` through a copy of `fresh` in slices of `slice` bytes (0 = all at once). With
// `record`, fills `out`; otherwise compares each step with `out` as it goes.
void run(const frame_decoder& fresh, std::span<const std::uint8_t> data, std::size_t slice,
         outcome& out, bool record) {
  if (record) {
    out.frames.clear();
    out.error = protocol_error::none;
    out.error_offset = 0;
  }
  frame_decoder d = fresh;
  std::size_t frame_index = 0;
  std::uint64_t expect_offset = 0;  // payload_offset the next slice of the frame must carry
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::size_t n = slice == 0 ? data.size() - pos : std::min(slice, data.size() - pos);
    std::span<const std::uint8_t> in = data.subspan(pos, n);
    pos += n;
    while (!in.empty()) {
      const std::uint64_t at = static_cast<std::uint64_t>(in.data() - data.data());
      const decode_result r = d.next(in);
      if (r.consumed > in.size()) mismatch();
      in = in.subspan(r.consumed);
      if (r.status == decode_status::error) {
        // Errors are final: asking again reports the same one and consumes nothing.
        const decode_result again = d.next(in);
        if (again.status != decode_status::error || again.error != r.error ||
            again.error_offset != r.error_offset || again.consumed != 0 || !d.failed())
          mismatch();
        if (record) {
          out.error = r.error;
          out.error_offset = r.error_offset;
        } else if (r.error != out.error || r.error_offset != out.error_offset ||
                   frame_index != out.frames.size()) {
          mismatch();
        }
        return;
      }
      if (r.status == decode_status::need_more) {
        if (!in.empty()) mismatch();  // need_more means every byte was used
        break;
      }
      const std::uint64_t payload_at = at + r.consumed - r.payload.size();
      if (r.status == decode_status::frame) {
        if (record) {
          out.frames.push_back({r.header, payload_at});
        } else if (frame_index >= out.frames.size() ||
                   !(out.frames[frame_index].header == r.header) ||
                   out.frames[frame_index].header_end != payload_at) {
          mismatch();
        }
        ++frame_index;
        expect_offset = 0;
      }
      // Payload slices are contiguous within the frame, come straight from the input right
      // after what was consumed before, and never run past the frame's length.
      if (!r.payload.empty() && r.payload.data() != data.data() + payload_at) mismatch();
      if (r.payload_offset != expect_offset) mismatch();
      expect_offset += r.payload.size();
      if (expect_offset > r.header.payload_length) mismatch();
      if (r.frame_complete != (expect_offset == r.header.payload_length)) mismatch();
    }
  }
  if (d.stream_offset() != data.size()) mismatch();
  if (!record && (frame_index != out.frames.size() || out.error != protocol_error::none))
    mismatch();
}

// --- Round trip -------------------------------------------------------------------------------

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

// WSSPEC_FUZZ_DIFFERENTIAL=0 skips the two sliced re-runs: only for measuring what the decoder
// alone costs (fuzz/README text, exec/s table); CI and real fuzzing always run them.
bool differential = true;

// A fresh decoder for the options the input's first two bytes select (see "Speed" above).
// Direct-mapped: a slot holds the decoder of the last key that mapped to it.
const frame_decoder& fresh_decoder(std::uint8_t b0, std::uint8_t b1) {
  struct slot {
    std::uint32_t key = ~std::uint32_t{0};
    frame_decoder decoder;
  };
  static std::vector<slot> cache(4096);
  // Only 129 values of max_frame_payload are reachable: 0..127 and "no limit".
  const std::uint32_t key = b0 | (std::uint32_t{(b1 & 0x80) ? 0x80u : b1} << 8);
  slot& s = cache[(key * 2654435761u >> 20) & 4095];
  if (s.key != key) {
    decoder_options o;
    o.masking = static_cast<mask_rule>(b0 % 3);
    o.allowed_rsv = b0 & 0x70;
    o.require_minimal_length = (b0 & 0x80) != 0;
    o.max_frame_payload = (b1 & 0x80) ? max_payload_length : b1;
    s.decoder = frame_decoder(o);
    s.key = key;
  }
  return s.decoder;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* v = std::getenv("WSSPEC_FUZZ_DIFFERENTIAL");
  differential = v == nullptr || std::string_view(v) != "0";
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const frame_decoder& fresh = fresh_decoder(data[0], data[1]);
  const std::span<const std::uint8_t> stream(data + 2, size - 2);

  static outcome whole;
  run(fresh, stream, 0, whole, true);
  if (differential) {
    run(fresh, stream, 1, whole, false);
    run(fresh, stream, 1 + data[1] % 17, whole, false);
  }

  round_trip(fresh, stream);
  return 0;
}
