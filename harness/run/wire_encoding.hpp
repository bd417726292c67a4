// The bytes wsspec puts on the wire for a case's send steps: frames with every header field
// under control (RFC 6455 5.2) and messages cut into frames (5.4). Keys come from the caller's
// generator so a case's bytes are the same in every run.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>

#include "wsspec/codec/frame_header.hpp"
#include "wsspec/codec/mask.hpp"

namespace wsspec {

struct frame_spec {
  std::uint8_t opcode = 1;
  bool fin = true;
  std::uint8_t rsv = 0;  // bits: 4 = RSV1, 2 = RSV2, 1 = RSV3
  bool masked = true;
  std::optional<codec::mask_key> key;  // nullopt: a fresh key from the generator
  codec::length_form form = codec::length_form::minimal;
  std::optional<std::uint64_t> length;  // a length field that lies about the payload
};

// Appends one frame carrying `payload` to `out`.
void append_frame(std::string& out, const frame_spec& f, std::string_view payload,
                  std::mt19937& keys);

// One frame whose payload the caller writes in place (a 16 MiB message is generated straight
// into it, not copied): the header, then `size` bytes at payload() to fill, then mask().
class open_frame {
 public:
  open_frame(const frame_spec& f, std::uint64_t size, std::mt19937& keys);
  std::span<char> payload() noexcept { return std::span(wire_).subspan(payload_at_); }
  // Masks the payload in place (when the frame is masked) and hands the bytes over.
  std::string finish() &&;

 private:
  std::string wire_;
  std::size_t payload_at_ = 0;
  bool masked_ = false;
  codec::mask_key key_{};
};

// Appends a message of `opcode` cut into frames of `fragment_size` bytes (0: one frame),
// masked with fresh keys (unless `masked` is false: a server's frames), minimal lengths,
// `first_rsv` on the first frame (4: RSV1, a compressed message, RFC 7692 6.1). Returns the
// number of frames.
std::size_t append_message(std::string& out, std::uint8_t opcode, std::string_view payload,
                           std::uint64_t fragment_size, std::mt19937& keys,
                           std::uint8_t first_rsv = 0, bool masked = true);

}  // namespace wsspec
