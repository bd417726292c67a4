#include "run/raw_frame_flipper.hpp"

namespace wsspec {

namespace {

// Bytes of a header whose first two bytes are `b1`'s frame: 2, the extended length, the key.
std::size_t header_size(std::uint8_t b1) {
  const std::uint8_t len7 = b1 & 0x7F;
  return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b1 & 0x80) ? 4 : 0);
}

}  // namespace

void raw_frame_flipper::header_complete(std::string& out) {
  const auto b1 = static_cast<std::uint8_t>(head_[1]);
  was_masked_ = (b1 & 0x80) != 0;
  const std::size_t ext = header_size(b1 & 0x7F) - 2;
  std::uint64_t length = b1 & 0x7F;
  if (ext > 0) {
    length = 0;
    for (std::size_t i = 0; i < ext; ++i)
      length = (length << 8) | static_cast<std::uint8_t>(head_[2 + i]);
  }
  if (was_masked_)
    for (int i = 0; i < 4; ++i) old_key_[i] = static_cast<std::uint8_t>(head_[2 + ext + i]);
  out += head_[0];
  out += static_cast<char>(b1 ^ 0x80);
  out.append(head_, 2, ext);
  if (!was_masked_) {
    const std::uint32_t v = keys_();
    for (int i = 0; i < 4; ++i) new_key_[i] = static_cast<std::uint8_t>(v >> (8 * i));
    out.append(reinterpret_cast<const char*>(new_key_.data()), 4);
  }
  payload_left_ = length;
  payload_at_ = 0;
  head_.clear();
}

std::string raw_frame_flipper::flip(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + 4);
  std::size_t i = 0;
  while (i < bytes.size()) {
    if (payload_left_ == 0 &&
        (head_.size() < 2 || head_.size() < header_size(static_cast<std::uint8_t>(head_[1])))) {
      head_ += bytes[i++];
      if (head_.size() >= 2 && head_.size() == header_size(static_cast<std::uint8_t>(head_[1])))
        header_complete(out);
      continue;
    }
    const codec::mask_key& key = was_masked_ ? old_key_ : new_key_;
    out += static_cast<char>(static_cast<std::uint8_t>(bytes[i++]) ^ key[payload_at_++ % 4]);
    --payload_left_;
  }
  return out;
}

}  // namespace wsspec
