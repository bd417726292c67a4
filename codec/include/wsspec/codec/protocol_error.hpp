// Every way a received frame stream can violate RFC 6455 (or exceed a receiver's limits),
// one enum value each, so a verdict can say exactly which rule was broken and where.
#pragma once

#include <cstdint>
#include <string_view>

namespace wsspec::codec {

enum class protocol_error : std::uint8_t {
  none = 0,

  // Frame header (RFC 6455 5.2 and friends), found by frame_decoder.
  reserved_opcode,           // 5.2: opcodes 0x3-0x7 and 0xB-0xF are reserved
  reserved_bits_set,         // 5.2: RSV1-3 must be 0 unless an extension defines them
  control_frame_fragmented,  // 5.5: control frames must not be fragmented (FIN must be 1)
  control_frame_too_long,    // 5.5: control frame payloads are at most 125 bytes
  length_high_bit_set,       // 5.2: the most significant bit of a 64-bit length must be 0
  length_not_minimal,        // 5.2: the minimal number of bytes must encode the length
  frame_not_masked,          // 5.1: a server must fail the connection on an unmasked frame
  frame_masked,              // 5.1: a client must fail the connection on a masked frame
  frame_too_large,           // 10.4: larger than this receiver's frame limit (close 1009)

  // Message assembly (RFC 6455 5.4, 5.5.1, 5.6, 7.4, 8.1), found by message_assembler.
  continuation_without_message,    // 5.4: a continuation frame with no message in progress
  data_frame_inside_message,       // 5.4: a text/binary frame while a message is unfinished
  message_too_large,               // 10.4: larger than this receiver's message limit (close 1009)
  invalid_utf8,                    // 8.1: text message payload is not valid UTF-8 (close 1007)
  close_payload_one_byte,          // 5.5.1: a close body, if present, starts with a 2-byte code
  close_code_invalid,              // 7.4.1, 7.4.2: code not allowed on the wire
  close_reason_invalid_utf8,       // 5.5.1: the close reason must be UTF-8
  compressed_bit_on_continuation,  // RFC 7692 6.1: RSV1 only on a message's first frame
  compressed_bit_on_control,       // RFC 7692 6.1: RSV1 must not be set on control frames

  // permessage-deflate payloads (RFC 7692 7.2.2), found by inflater. Close codes: RFC 7692
  // names none. Data that does not inflate is a message whose payload contradicts what its
  // frame says it is (RSV1: DEFLATE data), the case RFC 6455 7.4.1 gives 1007 for ("data within
  // a message that was not consistent with the type of the message"); the framing itself is
  // fine, so not 1002. Too much inflated data is 1009 ("a message that is too big for it to
  // process"), as for message_too_large.
  compressed_data_invalid,     // RFC 7692 7.2.2: the payload (plus 00 00 ff ff) is not DEFLATE
  compressed_data_incomplete,  // RFC 7692 7.2.1: the payload does not end at a block boundary
  inflated_message_too_large,  // 10.4: inflates to more than the receiver's limit (close 1009)
};

// "5.2", "7.4.1", ...; RFC 7692 sections are prefixed "RFC 7692 ".
std::string_view rfc_section(protocol_error e) noexcept;

// Identifier-like name for logs and JSON: "reserved_opcode".
std::string_view to_string(protocol_error e) noexcept;

// One sentence a user understands without reading code.
std::string_view describe(protocol_error e) noexcept;

// The status code a conforming endpoint sends when it fails the connection for this reason
// (RFC 6455 7.4.1): 1002 protocol error, 1007 inconsistent data, 1009 too big.
std::uint16_t close_code_for(protocol_error e) noexcept;

}  // namespace wsspec::codec
