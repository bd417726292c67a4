// Test helper: runs a frame_decoder over a byte stream cut into given slices and records what
// it reported in a form independent of the slicing, so "fed whole" and "fed one byte at a
// time" can be compared with ==.
#pragma once

#include <cstdint>
#include <ostream>
#include <span>
#include <vector>

#include "wsspec/codec/frame_decoder.hpp"

namespace wsspec::codec::test {

struct decoded_frame {
  frame_header header;
  std::vector<std::uint8_t> payload;  // unmasked
  bool complete = false;
  friend bool operator==(const decoded_frame&, const decoded_frame&) = default;
};

struct decode_trace {
  std::vector<decoded_frame> frames;
  protocol_error error = protocol_error::none;
  std::uint64_t error_offset = 0;
  std::uint64_t consumed = 0;
  friend bool operator==(const decode_trace&, const decode_trace&) = default;
};

// Readable failure messages instead of gtest's byte dumps.
inline void PrintTo(const decoded_frame& f, std::ostream* os) {
  *os << "{fin=" << f.header.fin << " rsv=" << int(f.header.rsv) << " op=" << to_string(f.header.op)
      << " masked=" << f.header.masked << " len=" << f.header.payload_length
      << " got=" << f.payload.size() << " complete=" << f.complete << "}";
}
inline void PrintTo(const decode_trace& t, std::ostream* os) {
  *os << "{frames=" << t.frames.size() << " error=" << to_string(t.error) << "@" << t.error_offset
      << " consumed=" << t.consumed << "}";
}

// `cuts` are the slice lengths; bytes left over after them go in one last slice.
inline decode_trace run_decoder(decoder_options options, std::span<const std::uint8_t> stream,
                                const std::vector<std::size_t>& cuts = {}) {
  frame_decoder d(options);
  decode_trace t;
  std::size_t pos = 0;
  auto feed = [&](std::span<const std::uint8_t> slice) {
    while (true) {
      const decode_result r = d.next(slice);
      t.consumed += r.consumed;
      slice = slice.subspan(r.consumed);
      if (r.status == decode_status::error) {
        t.error = r.error;
        t.error_offset = r.error_offset;
        return false;
      }
      if (r.status == decode_status::need_more) return true;
      if (r.status == decode_status::frame) t.frames.push_back({r.header, {}, false});
      auto& f = t.frames.back();
      std::vector<std::uint8_t> bytes(r.payload.begin(), r.payload.end());
      if (r.header.masked) apply_mask(bytes, r.header.key, r.payload_offset);
      f.payload.insert(f.payload.end(), bytes.begin(), bytes.end());
      f.complete = r.frame_complete;
      if (slice.empty()) return true;
    }
  };
  for (std::size_t cut : cuts) {
    const std::size_t n = std::min(cut, stream.size() - pos);
    if (!feed(stream.subspan(pos, n))) return t;
    pos += n;
  }
  feed(stream.subspan(pos));
  return t;
}

inline decode_trace run_decoder_bytewise(decoder_options options,
                                         std::span<const std::uint8_t> stream) {
  return run_decoder(options, stream, std::vector<std::size_t>(stream.size(), 1));
}

}  // namespace wsspec::codec::test
