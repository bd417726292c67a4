// The one place observations become words: transcript lines and the "got ..." half of a
// reason. Everything here reads typed fields; nothing elsewhere writes such text.
#pragma once

#include <string>
#include <string_view>

#include "wsspec/reports/observation.hpp"

namespace wsspec {

// "5 bytes: 48 65 6c 6c 6f |Hello|": the size, then hex and printable text of the first `max`
// bytes of `shown` (which may be a prefix of a payload of `total` bytes).
std::string payload_text(std::string_view shown, std::uint64_t total, std::size_t max = 24);

// "a close frame with code 1002 and reason ...", "an HTTP 400 response", "a TCP reset".
std::string describe(const observation& o);

// "an unmasked frame (RFC 6455 5.1) at byte 0; the frame starts 81 05 ..." said once.
std::string describe(const violation& v);

// The rule alone, without the bytes that showed it: "a text message is not valid UTF-8
// (RFC 6455 8.1)". The same rule broken twice reads the same (fuzz findings group by it).
std::string rule_text(const violation& v);

// "sent_frame", "message", "broke_rule", ...: the kind's name in results.json.
std::string_view to_string(observation::kind k) noexcept;

// One transcript line: "    12.5ms < frame text fin=1: a text message of ...".
std::string transcript_line(const observation& o);

}  // namespace wsspec
