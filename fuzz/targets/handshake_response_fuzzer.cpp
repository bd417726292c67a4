// Opening handshake, client side: the HTTP/1.1 response head parser (codec/http.hpp) and
// validate_response (RFC 6455 4.1). Properties, each a crash when broken:
// 1. Any bytes give a complete head, an error or "incomplete", never a crash.
// 2. The one-shot parse_response and the incremental response_parser fed in growing prefixes
//    (1 byte more per call, and a step chosen by the input) agree on status, error, error
//    offset, bytes consumed and, when complete, the parsed response.
// 3. A complete head, serialised again with server_response::serialize, parses to the same
//    response.
// 4. validate_response never crashes, whatever the response, with and without offered
//    subprotocols and extensions; a response it accepts carries the right accept value.
// 5. Accepted extensions that parse format back to the same list.
//
// Input layout: byte 0 picks the limits, byte 1 the step and what the client offered, the rest
// is the buffer. The key is the one of RFC 6455 1.3, so seeds can carry its real accept value.
#include <array>
#include <cstdlib>
#include <string>
#include <string_view>

#include "../common/http_checks.hpp"

using namespace wsspec::codec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const http_limits limits = wsspec::fuzz::limits_from(data[0]);
  const std::size_t step = 2 + (data[1] & 0x1F);
  const std::string_view buffer(reinterpret_cast<const char*>(data + 2), size - 2);

  http_response whole;
  const http_parse_result r = parse_response(buffer, whole, limits);
  if (r.complete() && (r.consumed == 0 || r.consumed > buffer.size())) std::abort();

  http_response bytewise, stepped;
  const auto r1 = wsspec::fuzz::parse_in_steps<response_parser>(buffer, 1, limits, bytewise);
  const auto r2 = wsspec::fuzz::parse_in_steps<response_parser>(buffer, step, limits, stepped);
  if (!(r1 == r) || !(r2 == r)) std::abort();
  if (!r.complete()) return 0;
  if (!(bytewise == whole) || !(stepped == whole)) std::abort();
  if (whole.status < 0 || whole.status > 999) std::abort();

  server_response again;
  again.version =
      "HTTP/" + std::to_string(whole.version_major) + "." + std::to_string(whole.version_minor);
  again.status = whole.status;
  again.reason = whole.reason;
  again.fields = whole.fields;
  const std::string text = again.serialize();
  http_response reparsed;
  const http_parse_result rr = parse_response(text, reparsed, http_limits{1 << 20, 1 << 20, 1000});
  if (!rr.complete() || rr.consumed != text.size() || !(reparsed == whole)) std::abort();

  static constexpr std::string_view key = "dGhlIHNhbXBsZSBub25jZQ==";
  static const std::array<std::string, 2> protocols = {"chat", "superchat"};
  static const std::array<std::string, 2> extensions = {
      "permessage-deflate", "permessage-deflate; client_max_window_bits"};
  const bool offer_protocols = (data[1] & 0x20) != 0;
  const bool offer_extensions = (data[1] & 0x40) != 0;
  const response_validation v = validate_response(
      whole, key,
      offer_protocols ? std::span<const std::string>(protocols) : std::span<const std::string>{},
      offer_extensions ? std::span<const std::string>(extensions) : std::span<const std::string>{});
  if (v.status != whole.status) std::abort();
  if (v.ok()) {
    // RFC 6455 4.1 items 1 and 4: an accepted response is a 101 with the right accept value.
    const http_field* accept = find_field(whole.fields, "Sec-WebSocket-Accept");
    if (whole.status != 101 || accept == nullptr ||
        trim_ows(accept->value) != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
      std::abort();
    if (v.protocol && !offer_protocols) std::abort();
  }
  wsspec::fuzz::check_extensions_round_trip(whole.fields);
  return 0;
}
