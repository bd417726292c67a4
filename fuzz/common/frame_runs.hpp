// One run of frame_decoder_fuzzer's differential check: a stream fed to a decoder in slices,
// every step checked against the decoder's contract, everything seen reduced to a fixed-size
// summary (fuzz/targets/frame_decoder_fuzzer.cpp says what is checked and why).
//
// Generic over the decoder because it runs two of them: the codec's instrumented decoder (the
// whole-stream run) and its uninstrumented copy in wsspec::codec_oracle (the re-runs,
// common/oracle_codec.hpp). It names no codec type: they are all taken from the decoder and its
// results, so this header means the same in every translation unit that includes it, whichever
// codec namespace that unit sees.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

namespace wsspec::fuzz {

[[noreturn]] inline void broken() { std::abort(); }

// What one run saw. The hash covers every frame's header and the stream offset of its first
// payload byte; payload bytes need no hashing: they are slices of the input (checked per step
// in run()), so frames that agree on header and position agree on payload too. Only standard
// types, so both decoders' runs produce (and compare) the same type.
struct summary {
  std::uint64_t hash = 0;
  std::uint64_t frames = 0;
  std::uint64_t error = 0;  // the protocol_error value; 0 is none
  std::uint64_t error_offset = 0;
  std::uint64_t end = 0;  // stream_offset() after the run
  bool boundary = false;  // at_frame_boundary() after the run
  friend bool operator==(const summary&, const summary&) = default;
};

// A multiply-xorshift mix of 64-bit words: any differing field changes the hash with
// overwhelming probability, so two runs that saw different frames cannot produce equal
// summaries in practice.
inline std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  h = (h ^ v) * 0x9E3779B97F4A7C15ULL;
  return h ^ (h >> 31);
}

template <class Header>
std::uint64_t pack(const Header& h) {
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

// Feeds `data` to a copy of `fresh` in the slices `slicer` picks, one step(decoder, bytes) call
// (a decoder's next()) at a time.
template <class Decoder, class Step, class Slicer>
summary run(const Decoder& fresh, std::span<const std::uint8_t> data, Step step, Slicer slicer) {
  using result = decltype(step(std::declval<Decoder&>(), data));
  using status = decltype(result::status);
  using header = decltype(result::header);
  using error = decltype(result::error);
  summary out;
  Decoder d = fresh;
  header current{};
  std::uint64_t owed = 0;  // payload bytes of `current` not delivered yet
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::size_t n = std::min(slicer.next(data.size() - pos), data.size() - pos);
    std::span<const std::uint8_t> in = data.subspan(pos, n);
    pos += n;
    while (!in.empty()) {
      const std::size_t at = static_cast<std::size_t>(in.data() - data.data());
      const result r = step(d, in);
      if (r.consumed > in.size() || d.stream_offset() != at + r.consumed) broken();
      if (r.status == status::error) {
        // Errors are found in headers only; the byte that proved one is one this call was
        // given; errors are final: asking again reports the same one and consumes nothing.
        if (owed != 0 || r.error == error::none || r.error_offset < at ||
            r.error_offset >= at + in.size())
          broken();
        const result again = step(d, in.subspan(r.consumed));
        if (again.status != status::error || again.error != r.error ||
            again.error_offset != r.error_offset || again.consumed != 0 || !d.failed())
          broken();
        out.error = static_cast<std::uint64_t>(r.error);
        out.error_offset = r.error_offset;
        out.end = d.stream_offset();
        return out;
      }
      if (r.status == status::need_more) {
        if (r.consumed != in.size() || !r.payload.empty()) broken();
        break;
      }
      // A frame or more payload: progress was made, and the payload is the tail of what was
      // consumed (the header, if any, came first).
      if (r.consumed == 0 || r.payload.size() > r.consumed) broken();
      const std::size_t payload_at = at + r.consumed - r.payload.size();
      if (!r.payload.empty() && r.payload.data() != data.data() + payload_at) broken();
      if (r.status == status::frame) {
        if (owed != 0 || r.payload_offset != 0) broken();  // the previous frame was finished
        current = r.header;
        owed = r.header.payload_length;
        ++out.frames;
        out.hash = mix(mix(mix(out.hash, pack(r.header)), r.header.payload_length), payload_at);
      } else if (r.status == status::payload) {
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

}  // namespace wsspec::fuzz
