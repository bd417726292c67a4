// Frame decoder: any bytes give frames or an error, never a crash; and the outcome does not
// depend on how the stream is sliced (whole vs. one byte at a time vs. slices chosen by the
// input). The first input byte picks the decoder options so every rule gets exercised.
#include <cstdlib>
#include <vector>

#include "wsspec/codec/frame_decoder.hpp"

namespace {

using namespace wsspec::codec;

struct outcome {
  std::vector<frame_header> headers;
  std::vector<std::uint8_t> payload;  // all payload bytes, unmasked, in order
  protocol_error error = protocol_error::none;
  std::uint64_t error_offset = 0;
  bool operator==(const outcome&) const = default;
};

outcome run(decoder_options o, std::span<const std::uint8_t> data, std::size_t slice) {
  frame_decoder d(o);
  outcome out;
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::size_t n = slice == 0 ? data.size() - pos : std::min(slice, data.size() - pos);
    std::span<const std::uint8_t> in = data.subspan(pos, n);
    pos += n;
    while (!in.empty()) {
      const decode_result r = d.next(in);
      if (r.consumed > in.size()) std::abort();
      in = in.subspan(r.consumed);
      if (r.status == decode_status::error) {
        out.error = r.error;
        out.error_offset = r.error_offset;
        return out;
      }
      if (r.status == decode_status::need_more) break;
      if (r.status == decode_status::frame) out.headers.push_back(r.header);
      std::vector<std::uint8_t> p(r.payload.begin(), r.payload.end());
      if (r.header.masked) apply_mask(p, r.header.key, r.payload_offset);
      out.payload.insert(out.payload.end(), p.begin(), p.end());
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  decoder_options o;
  o.masking = static_cast<mask_rule>(data[0] % 3);
  o.allowed_rsv = data[0] & 0x70;
  o.require_minimal_length = data[0] & 0x80;
  o.max_frame_payload = (data[1] & 0x80) ? max_payload_length : data[1];
  const std::span<const std::uint8_t> stream(data + 2, size - 2);
  const outcome whole = run(o, stream, 0);
  if (!(run(o, stream, 1) == whole)) std::abort();
  if (!(run(o, stream, 1 + data[1] % 17) == whole)) std::abort();
  return 0;
}
