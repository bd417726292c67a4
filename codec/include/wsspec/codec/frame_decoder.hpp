// An incremental push decoder for the base framing protocol (RFC 6455 5.2).
//
// Feed it any slice of the byte stream (one byte at a time works, so do megabytes); each call
// to next() takes what it can and reports one step: a frame header (with whatever payload came
// with it), more payload of the current frame, a need for more bytes, or a protocol error.
// Payload is handed out as slices of the caller's buffer, still masked: unmask with
// apply_mask(slice, header.key, payload_offset). Nothing is copied except a partial header
// (at most 14 bytes), so memory stays bounded whatever the peer announces.
//
// Errors are detected at the first byte that proves them and are final: once next() has
// reported an error it reports the same one again without consuming anything.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "wsspec/codec/frame_header.hpp"
#include "wsspec/codec/protocol_error.hpp"

namespace wsspec::codec {

// Which masking the receiver requires (RFC 6455 5.1): a server receives masked frames only,
// a client unmasked frames only. `any` turns the check off (for tools that watch both sides).
enum class mask_rule : std::uint8_t { any, required, forbidden };

struct decoder_options {
  mask_rule masking = mask_rule::any;
  // RSV bits that negotiated extensions have given a meaning (e.g. rsv1_bit for
  // permessage-deflate). Any other RSV bit set is a protocol error (RFC 6455 5.2).
  std::uint8_t allowed_rsv = 0;
  // RFC 6455 5.2 says the minimal length encoding MUST be used; it does not say a receiver
  // must reject the others, so the check can be turned off.
  bool require_minimal_length = true;
  // Frames announcing more than this fail with frame_too_large (RFC 6455 10.4).
  std::uint64_t max_frame_payload = max_payload_length;

  // A server receiving from a client, and a client receiving from a server.
  static decoder_options server() noexcept {
    decoder_options o;
    o.masking = mask_rule::required;
    return o;
  }
  static decoder_options client() noexcept {
    decoder_options o;
    o.masking = mask_rule::forbidden;
    return o;
  }
};

enum class decode_status : std::uint8_t {
  need_more,  // every byte given was used (or none were given); call again with more
  frame,      // a complete header; `payload` holds the first payload bytes that came with it
  payload,    // more payload of the current frame
  error,      // the stream broke a rule; see `error` and `error_offset`
};

struct decode_result {
  decode_status status = decode_status::need_more;
  // Bytes of the input this step used; the caller passes the rest to the next call.
  std::size_t consumed = 0;
  // The current frame's header (status frame or payload).
  frame_header header{};
  // Payload bytes delivered by this step, still masked when header.masked.
  std::span<const std::uint8_t> payload{};
  // Position of payload[0] within the frame's payload (for unmasking and for reassembly).
  std::uint64_t payload_offset = 0;
  // True when this step delivered the frame's last payload byte (or the frame is empty).
  bool frame_complete = false;
  protocol_error error = protocol_error::none;
  // Offset, from the start of the stream, of the byte that revealed the error.
  std::uint64_t error_offset = 0;
};

class frame_decoder {
 public:
  explicit frame_decoder(decoder_options options = {}) noexcept;

  // Inline fast path for the common case (a whole, valid header at the start of `in`);
  // everything else, including every error, goes through the byte-at-a-time path.
  decode_result next(std::span<const std::uint8_t> in) noexcept {
    if (state_ == state::header && have_ == 0 && in.size() >= 2) {
      const std::uint8_t b0 = in[0], b1 = in[1];
      const std::uint8_t len7 = b1 & 0x7F;
      const std::size_t ext = len7 < 126 ? 0 : len7 == 126 ? 2 : 8;
      const std::size_t hn = 2 + ext + ((b1 & 0x80) ? 4 : 0);
      if (in.size() >= hn && first_byte_ok(b0) && (mask_ok_ >> (b1 >> 7) & 1)) {
        std::uint64_t length = len7;
        if (ext == 2) length = (std::uint64_t{in[2]} << 8) | in[3];
        if (ext == 8) length = load_be64(in.data() + 2);
        if (length_ok(b0, len7, length)) return fast_frame(in, b0, b1, ext, hn, length);
      }
    }
    return next_slow(in);
  }

  // Forget everything (a new connection), keeping the options.
  void reset() noexcept { *this = frame_decoder(options_); }

  const decoder_options& options() const noexcept { return options_; }
  // Bytes consumed since construction or reset().
  std::uint64_t stream_offset() const noexcept { return offset_; }
  // True between frames: no header bytes buffered and no payload owed.
  bool at_frame_boundary() const noexcept { return state_ == state::header && have_ == 0; }
  bool failed() const noexcept { return state_ == state::failed; }

 private:
  enum class state : std::uint8_t { header, payload, failed };

  static std::uint64_t load_be64(const std::uint8_t* p) noexcept {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];  // compilers emit one load + bswap
    return v;
  }
  bool first_byte_ok(std::uint8_t b0) const noexcept {
    return (first_byte_ok_[b0 >> 6] >> (b0 & 63)) & 1;
  }
  bool length_ok(std::uint8_t b0, std::uint8_t len7, std::uint64_t length) const noexcept {
    if (length > max_length_ || ((b0 & 0x08) && length > max_control_payload)) return false;
    if (!options_.require_minimal_length || len7 < 126) return true;
    return len7 == 126 ? length >= 126 : length > 0xFFFF;
  }
  decode_result fast_frame(std::span<const std::uint8_t> in, std::uint8_t b0, std::uint8_t b1,
                           std::size_t ext, std::size_t hn, std::uint64_t length) noexcept {
    frame_header& h = current_;
    h.fin = (b0 & 0x80) != 0;
    h.rsv = b0 & 0x70;
    h.op = make_opcode(b0);
    h.masked = (b1 & 0x80) != 0;
    h.key = {};
    if (h.masked) h.key = {in[2 + ext], in[3 + ext], in[4 + ext], in[5 + ext]};
    h.payload_length = length;
    delivered_ = 0;
    offset_ += hn;
    return deliver(in.subspan(hn), hn, decode_status::frame);
  }
  decode_result next_slow(std::span<const std::uint8_t> in) noexcept;

  decode_result fail(protocol_error e, std::uint64_t at, std::size_t consumed) noexcept;
  protocol_error check_first_byte(std::uint8_t b0) const noexcept;
  protocol_error check_second_byte(std::uint8_t b1) const noexcept;
  protocol_error check_length(std::uint8_t b0, std::uint8_t b1,
                              std::uint64_t length) const noexcept;
  decode_result header_parsed(const std::uint8_t* head, std::size_t header_bytes_from_input,
                              std::span<const std::uint8_t> rest) noexcept;
  decode_result deliver(std::span<const std::uint8_t> in, std::size_t already_consumed,
                        decode_status status) noexcept {
    const std::uint64_t remaining = current_.payload_length - delivered_;
    const std::size_t n = remaining < in.size() ? static_cast<std::size_t>(remaining) : in.size();
    decode_result r;
    r.status = status;
    r.consumed = already_consumed + n;
    r.header = current_;
    r.payload = in.first(n);
    r.payload_offset = delivered_;
    delivered_ += n;
    offset_ += n;
    r.frame_complete = delivered_ == current_.payload_length;
    state_ = r.frame_complete ? state::header : state::payload;
    if (r.frame_complete) have_ = need_ = 0;
    return r;
  }
  decode_result parse_header_slow(std::span<const std::uint8_t> in) noexcept;

  decoder_options options_;
  // Precomputed from options_ so the fast path is a table lookup (picohttpparser-style):
  // bit b0 of first_byte_ok_ is set when check_first_byte(b0) finds nothing; bit m of mask_ok_
  // is set when a MASK bit of m is acceptable. Bits, not a bool per byte value: a decoder is
  // then about 100 bytes, not 350, which matters to whoever copies a ready-built one instead
  // of building it (frame_decoder_fuzzer does, three times per input).
  std::array<std::uint64_t, 4> first_byte_ok_{};
  std::uint8_t mask_ok_ = 0;
  std::uint64_t max_length_ = 0;  // min(max_frame_payload, max_payload_length)
  state state_ = state::header;
  std::uint8_t have_ = 0;  // header bytes buffered in head_
  std::uint8_t need_ = 0;  // header size once the second byte is known, else 0
  std::array<std::uint8_t, max_header_size> head_{};
  frame_header current_{};
  std::uint64_t delivered_ = 0;  // payload bytes of current_ handed out so far
  std::uint64_t offset_ = 0;     // stream offset of the next byte to consume
  protocol_error error_ = protocol_error::none;
  std::uint64_t error_offset_ = 0;
};

}  // namespace wsspec::codec
