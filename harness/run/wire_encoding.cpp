#include "run/wire_encoding.hpp"

#include <algorithm>
#include <array>
#include <span>

namespace wsspec {

namespace {

codec::mask_key fresh_key(std::mt19937& keys) {
  codec::mask_key k;
  const std::uint32_t v = keys();
  for (int i = 0; i < 4; ++i) k[i] = static_cast<std::uint8_t>(v >> (8 * i));
  return k;
}

}  // namespace

void append_frame(std::string& out, const frame_spec& f, std::string_view payload,
                  std::mt19937& keys) {
  codec::frame_header h;
  h.fin = f.fin;
  h.rsv = static_cast<std::uint8_t>(f.rsv << 4);
  h.op = codec::make_opcode(f.opcode);
  h.masked = f.masked;
  if (f.masked) h.key = f.key ? *f.key : fresh_key(keys);
  h.payload_length = f.length ? *f.length : payload.size();
  std::array<std::uint8_t, codec::max_header_size> head;
  const std::size_t hn = codec::encode_header(h, head, f.form);
  out.append(reinterpret_cast<const char*>(head.data()), hn);
  const std::size_t body = out.size();
  out.append(payload);
  if (f.masked)
    codec::apply_mask(std::span(reinterpret_cast<std::uint8_t*>(out.data()) + body, payload.size()),
                      h.key);
}

open_frame::open_frame(const frame_spec& f, std::uint64_t size, std::mt19937& keys) {
  codec::frame_header h;
  h.fin = f.fin;
  h.rsv = static_cast<std::uint8_t>(f.rsv << 4);
  h.op = codec::make_opcode(f.opcode);
  h.masked = f.masked;
  if (f.masked) h.key = f.key ? *f.key : fresh_key(keys);
  h.payload_length = f.length ? *f.length : size;
  std::array<std::uint8_t, codec::max_header_size> head;
  const std::size_t hn = codec::encode_header(h, head, f.form);
  wire_.resize(hn + static_cast<std::size_t>(size));
  std::copy_n(reinterpret_cast<const char*>(head.data()), hn, wire_.data());
  payload_at_ = hn;
  masked_ = f.masked;
  key_ = h.key;
}

std::string open_frame::finish() && {
  if (masked_)
    codec::apply_mask(std::span(reinterpret_cast<std::uint8_t*>(wire_.data()) + payload_at_,
                                wire_.size() - payload_at_),
                      key_);
  return std::move(wire_);
}

std::size_t append_message(std::string& out, std::uint8_t opcode, std::string_view payload,
                           std::uint64_t fragment_size, std::mt19937& keys, std::uint8_t first_rsv,
                           bool masked) {
  const std::size_t step = fragment_size ? static_cast<std::size_t>(fragment_size)
                                         : std::max<std::size_t>(payload.size(), 1);
  std::size_t frames = 0;
  for (std::size_t pos = 0; pos == 0 || pos < payload.size(); pos += step) {
    frame_spec f;
    f.opcode = frames == 0 ? opcode : 0;
    f.rsv = frames == 0 ? first_rsv : 0;
    f.fin = pos + step >= payload.size();
    f.masked = masked;
    append_frame(out, f, payload.substr(pos, std::min(step, payload.size() - pos)), keys);
    ++frames;
  }
  return frames;
}

}  // namespace wsspec
