// Frame decoder (RFC 6455 5.2), decoder only; frame_roundtrip_fuzzer checks the encoder
// against it. Two properties, each a crash when broken:
// 1. Any bytes give frames or an error, never a crash or an out-of-bounds read, and every
//    step keeps the decoder's contract (consumed within the input, payload slices taken from
//    the input right after the header and contiguous within their frame, frame_complete
//    exactly at the frame's last byte, need_more only once every byte is used, errors final).
// 2. Slicing does not matter: the whole stream at once, one byte at a time, and slices of
//    lengths chosen by the input give the same frames (headers and where each starts in the
//    stream), the same error at the same offset, and end in the same state.
//
// Input layout: bytes 0 and 1 pick the decoder options (common/frame_options.hpp), byte 2
// seeds the slice lengths of the third run, the rest is the stream.
//
// Speed: this file is compiled without coverage instrumentation (its bookkeeping is not what
// the fuzzer should explore, and every edge it covered would be one more feature for
// libFuzzer to process on every execution); the decoder is called through decode_step, which
// is instrumented like the codec (common/frame_step.hpp). Each run reduces what it saw to a
// fixed-size summary (a running hash of the events plus counts), so comparing runs allocates
// nothing and costs nothing per frame; decoders come ready-built from a table.
// fuzz/options/frame_decoder.options caps the input length: the one-byte-at-a-time run costs one
// decoder call per byte, and a few frames with short payloads (well under the cap) already reach
// every state of the decoder.
#include <cstdlib>
#include <span>

#include "../common/frame_options.hpp"
#include "../common/frame_step.hpp"
#include "wsspec/codec/frame_decoder.hpp"

namespace {

using namespace wsspec::codec;

[[noreturn]] void broken() { std::abort(); }

// What one run saw. The hash covers every frame's header and the stream offset of its first
// payload byte; payload bytes need no hashing: they are slices of the input (checked per step
// below), so frames that agree on header and position agree on payload too.
struct summary {
  std::uint64_t hash = 0;
  std::uint64_t frames = 0;
  protocol_error error = protocol_error::none;
  std::uint64_t error_offset = 0;
  std::uint64_t end = 0;  // stream_offset() after the run
  bool boundary = false;  // at_frame_boundary() after the run
  friend bool operator==(const summary&, const summary&) = default;
};

// A multiply-xorshift mix of 64-bit words: any differing field
// changes the hash with overwhelming probability, so two runs that saw different frames
// cannot produce equal summaries in practice.
inline std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  h = (h ^ v) * 0x9E3779B97F4A7C15ULL;
  return h ^ (h >> 31);
}

inline std::uint64_t pack(const frame_header& h) {
  std::uint64_t v = (h.fin ? 1u : 0u) | std::uint64_t{h.rsv} << 1 |
                    std::uint64_t{static_cast<std::uint8_t>(h.op)} << 8 |
                    std::uint64_t{h.masked ? 1u : 0u} << 16;
  for (std::size_t i = 0; i < 4; ++i) v |= std::uint64_t{h.key[i]} << (24 + 8 * i);
  return v;
}

// Slice lengths: all at once, one byte, or 1..24 bytes drawn from a small generator seeded by
// the input, so slice boundaries fall at every position within headers across executions.
struct whole {
  std::size_t next(std::size_t left) { return left; }
};
struct bytewise {
  std::size_t next(std::size_t) { return 1; }
};
struct chosen {
  std::uint32_t state;
  std::size_t next(std::size_t) {
    state = state * 1103515245u + 12345u;  // any full-period LCG will do
    return 1 + (state >> 16) % 24;
  }
};

template <class Slicer>
summary run(const frame_decoder& fresh, std::span<const std::uint8_t> data, Slicer slicer) {
  summary out;
  frame_decoder d = fresh;
  frame_header current{};
  std::uint64_t owed = 0;  // payload bytes of `current` not delivered yet
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::size_t n = std::min(slicer.next(data.size() - pos), data.size() - pos);
    std::span<const std::uint8_t> in = data.subspan(pos, n);
    pos += n;
    while (!in.empty()) {
      const std::size_t at = static_cast<std::size_t>(in.data() - data.data());
      const decode_result r = wsspec::fuzz::decode_step(d, in);
      if (r.consumed > in.size() || d.stream_offset() != at + r.consumed) broken();
      if (r.status == decode_status::error) {
        // Errors are found in headers only; the byte that proved one is one this call was
        // given; errors are final: asking again reports the same one and consumes nothing.
        if (owed != 0 || r.error == protocol_error::none || r.error_offset < at ||
            r.error_offset >= at + in.size())
          broken();
        const decode_result again = wsspec::fuzz::decode_step(d, in.subspan(r.consumed));
        if (again.status != decode_status::error || again.error != r.error ||
            again.error_offset != r.error_offset || again.consumed != 0 || !d.failed())
          broken();
        out.error = r.error;
        out.error_offset = r.error_offset;
        out.end = d.stream_offset();
        return out;
      }
      if (r.status == decode_status::need_more) {
        if (r.consumed != in.size() || !r.payload.empty()) broken();
        break;
      }
      // A frame or more payload: progress was made, and the payload is the tail of what was
      // consumed (the header, if any, came first).
      if (r.consumed == 0 || r.payload.size() > r.consumed) broken();
      const std::size_t payload_at = at + r.consumed - r.payload.size();
      if (!r.payload.empty() && r.payload.data() != data.data() + payload_at) broken();
      if (r.status == decode_status::frame) {
        if (owed != 0 || r.payload_offset != 0) broken();  // the previous frame was finished
        current = r.header;
        owed = r.header.payload_length;
        ++out.frames;
        out.hash = mix(mix(mix(out.hash, pack(r.header)), r.header.payload_length), payload_at);
      } else if (r.status == decode_status::payload) {
        if (owed == 0 || !(r.header == current) || r.consumed != r.payload.size() ||
            r.payload_offset != current.payload_length - owed)
          broken();
      } else {
        broken();
      }
      if (r.payload.size() > owed) broken();
      owed -= r.payload.size();
      if (r.frame_complete != (owed == 0) || d.at_frame_boundary() != (owed == 0)) broken();
      in = in.subspan(r.consumed);
    }
  }
  out.end = d.stream_offset();
  out.boundary = d.at_frame_boundary();
  if (out.end != data.size() || (owed != 0 && out.boundary)) broken();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const frame_decoder& fresh = wsspec::fuzz::decoder_for(data[0], data[1]);
  const std::span<const std::uint8_t> stream(data + 3, size - 3);
  const summary all = run(fresh, stream, whole{});
  if (!(run(fresh, stream, bytewise{}) == all)) broken();
  if (!(run(fresh, stream, chosen{data[2] * 2654435761u}) == all)) broken();
  return 0;
}
