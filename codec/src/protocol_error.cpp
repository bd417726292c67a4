#include "wsspec/codec/protocol_error.hpp"

namespace wsspec::codec {

namespace {

struct error_info {
  std::string_view name;
  std::string_view section;
  std::string_view text;
  std::uint16_t close_code;
};

// Indexed by the enum's value; a static_assert below keeps the two in step.
constexpr error_info k_errors[] = {
    {"none", "", "no error", 1000},
    {"reserved_opcode", "5.2", "the frame uses a reserved opcode (0x3-0x7 or 0xB-0xF)", 1002},
    {"reserved_bits_set", "5.2",
     "a reserved bit (RSV1-3) is set but no negotiated extension defines it", 1002},
    {"control_frame_fragmented", "5.5",
     "a control frame has FIN = 0; control frames cannot be "
     "fragmented",
     1002},
    {"control_frame_too_long", "5.5", "a control frame has a payload longer than 125 bytes", 1002},
    {"length_high_bit_set", "5.2", "the 64-bit payload length has its most significant bit set",
     1002},
    {"length_not_minimal", "5.2",
     "the payload length is not encoded in the minimal number of bytes", 1002},
    {"frame_not_masked", "5.1", "a frame sent by a client is not masked", 1002},
    {"frame_masked", "5.1", "a frame sent by a server is masked", 1002},
    {"frame_too_large", "10.4", "the frame is larger than the receiver's limit", 1009},
    {"continuation_without_message", "5.4",
     "a continuation frame arrived with no fragmented message in progress", 1002},
    {"data_frame_inside_message", "5.4",
     "a new text or binary frame arrived before the fragmented message was finished", 1002},
    {"message_too_large", "10.4", "the message is larger than the receiver's limit", 1009},
    {"invalid_utf8", "8.1", "a text message is not valid UTF-8", 1007},
    {"close_payload_one_byte", "5.5.1",
     "a close frame has a 1-byte payload; a close body must start with a 2-byte code", 1002},
    {"close_code_invalid", "7.4.1",
     "the close frame carries a status code that must not be sent on the wire", 1002},
    {"close_reason_invalid_utf8", "5.5.1", "the close reason is not valid UTF-8", 1007},
    {"compressed_bit_on_continuation", "RFC 7692 6.1",
     "RSV1 (per-message compressed) is set on a continuation frame", 1002},
    {"compressed_bit_on_control", "RFC 7692 6.1", "RSV1 is set on a control frame", 1002},
    {"compressed_data_invalid", "RFC 7692 7.2.2",
     "a compressed message's payload, with 0x00 0x00 0xff 0xff appended, is not valid DEFLATE "
     "data",
     1007},
    {"compressed_data_incomplete", "RFC 7692 7.2.1",
     "a compressed message does not end at a DEFLATE block boundary once 0x00 0x00 0xff 0xff is "
     "appended",
     1007},
    {"inflated_message_too_large", "10.4", "the message inflates to more than the receiver's limit",
     1009},
};

static_assert(std::size(k_errors) ==
              static_cast<std::size_t>(protocol_error::inflated_message_too_large) + 1);

const error_info& info(protocol_error e) noexcept {
  const auto i = static_cast<std::size_t>(e);
  return i < std::size(k_errors) ? k_errors[i] : k_errors[0];
}

}  // namespace

std::string_view rfc_section(protocol_error e) noexcept { return info(e).section; }
std::string_view to_string(protocol_error e) noexcept { return info(e).name; }
std::string_view describe(protocol_error e) noexcept { return info(e).text; }
std::uint16_t close_code_for(protocol_error e) noexcept { return info(e).close_code; }

}  // namespace wsspec::codec
