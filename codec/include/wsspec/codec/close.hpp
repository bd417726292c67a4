// Close frame bodies (RFC 6455 5.5.1) and status codes (RFC 6455 7.4, IANA "WebSocket Close
// Code Number Registry").
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "wsspec/codec/protocol_error.hpp"

namespace wsspec::codec {

// Whether a status code may appear in a received close frame. The rule, range by range:
//   0-999      invalid: "not used" (7.4.2)
//   1000-1003  valid: normal, going away, protocol error, unsupported data (7.4.1)
//   1004       invalid: reserved, meaning may be defined later (7.4.1)
//   1005, 1006 invalid: must never be sent in a close frame, only reported locally (7.4.1)
//   1007-1011  valid: invalid payload data, policy violation, too big, mandatory extension,
//              internal error (7.4.1 and the IANA registry for 1011)
//   1012-1014  valid: service restart, try again later, bad gateway; registered with IANA after
//              the RFC, sent by real servers, so a receiver has to accept them
//   1015       invalid: TLS handshake failure, must never be sent (7.4.1)
//   1016-2999  invalid: reserved for this protocol and its extensions, nothing assigned (7.4.2)
//   3000-3999  valid: for libraries and frameworks, registered with IANA (7.4.2)
//   4000-4999  valid: private use (7.4.2)
//   5000-65535 invalid: outside every range the RFC defines (7.4.2 stops at 4999), so no
//              endpoint may have given them a meaning
bool is_valid_close_code(std::uint16_t code) noexcept;

// "normal closure", "protocol error", ..., "private use", "unassigned".
std::string_view close_code_name(std::uint16_t code) noexcept;

struct close_body {
  std::optional<std::uint16_t> code;  // absent for an empty body
  std::string_view reason;            // raw bytes of the reason (may be empty)
};

// Parses and validates a close frame's (unmasked) payload: empty, or a 2-byte code in network
// order followed by a UTF-8 reason. Errors: close_payload_one_byte, close_code_invalid,
// close_reason_invalid_utf8.
protocol_error parse_close_body(std::span<const std::uint8_t> payload, close_body& out) noexcept;

// The payload of a close frame carrying `code` and `reason`, written exactly as given (a test
// suite must be able to send invalid codes and non-UTF-8 reasons).
std::vector<std::uint8_t> make_close_body(std::uint16_t code, std::string_view reason = {});

}  // namespace wsspec::codec
