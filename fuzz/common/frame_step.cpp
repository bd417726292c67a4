#include "frame_step.hpp"

namespace wsspec::fuzz {

codec::decode_result decode_step(codec::frame_decoder& d,
                                 std::span<const std::uint8_t> in) noexcept {
  return d.next(in);
}

}  // namespace wsspec::fuzz
