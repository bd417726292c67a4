// A case's raw bytes, written as a client's frames, re-encoded for wsspec in the server role
// (wsspec serve-cases): every frame keeps its header bits, opcode and length field byte for
// byte, and only its mask flips -- a masked frame goes out unmasked, an unmasked one (a case
// about a peer that masks wrongly) goes out masked with a fresh key (RFC 6455 5.1, 5.3).
// Nothing is validated: invalid opcodes, RSV bits, non-minimal or impossible lengths and
// frames cut short stay exactly as the case wrote them. Stateful across a case's raw steps, so a
// frame split over several steps is flipped as one.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "wsspec/codec/mask.hpp"

namespace wsspec {

class raw_frame_flipper {
 public:
  explicit raw_frame_flipper(std::mt19937& keys) : keys_(keys) {}

  // The flipped form of `bytes`, the next bytes of the case's stream. The bytes of a header
  // not yet complete are held until the rest comes.
  std::string flip(std::string_view bytes);

 private:
  void header_complete(std::string& out);

  std::mt19937& keys_;
  std::string head_;  // the current frame's header bytes so far
  std::uint64_t payload_left_ = 0;
  std::uint64_t payload_at_ = 0;
  bool was_masked_ = false;
  codec::mask_key old_key_{}, new_key_{};
};

}  // namespace wsspec
