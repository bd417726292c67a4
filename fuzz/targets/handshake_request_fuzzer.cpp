// Opening handshake, server side: the HTTP/1.1 request head parser (codec/http.hpp) and
// validate_request (RFC 6455 4.2.1). Properties, each a crash when broken:
// 1. Any bytes give a complete head, an error or "incomplete", never a crash.
// 2. The one-shot parse_request and the incremental request_parser fed in growing prefixes
//    (1 byte more per call, and a step chosen by the input) agree on status, error, error
//    offset, bytes consumed and, when complete, the parsed request.
// 3. A complete head, serialised again with client_request::serialize, parses to the same
//    request (the parser keeps everything a re-sender needs).
// 4. validate_request never crashes, and agrees with itself on the round-tripped request.
// 5. Extension offers that parse format back to the same offers.
//
// Input layout: byte 0 picks the limits (small ones half of the time), byte 1 the step, the
// rest is the buffer.
#include <cstdlib>
#include <string>
#include <string_view>

#include "../common/http_checks.hpp"

using namespace wsspec::codec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const http_limits limits = wsspec::fuzz::limits_from(data[0]);
  const std::size_t step = 2 + data[1] % 31;
  const std::string_view buffer(reinterpret_cast<const char*>(data + 2), size - 2);

  http_request whole;
  const http_parse_result r = parse_request(buffer, whole, limits);
  if (r.complete() && (r.consumed == 0 || r.consumed > buffer.size())) std::abort();

  http_request bytewise, stepped;
  const auto r1 = wsspec::fuzz::parse_in_steps<request_parser>(buffer, 1, limits, bytewise);
  const auto r2 = wsspec::fuzz::parse_in_steps<request_parser>(buffer, step, limits, stepped);
  if (!(r1 == r) || !(r2 == r)) std::abort();
  if (!r.complete()) return 0;
  if (!(bytewise == whole) || !(stepped == whole)) std::abort();

  // Round trip through the builder. The version is rebuilt from its two digits.
  client_request again;
  again.method = whole.method;
  again.target = whole.target;
  again.version =
      "HTTP/" + std::to_string(whole.version_major) + "." + std::to_string(whole.version_minor);
  again.fields = whole.fields;
  const std::string text = again.serialize();
  http_request reparsed;
  const http_parse_result rr = parse_request(text, reparsed, http_limits{1 << 20, 1 << 20, 1000});
  if (!rr.complete() || rr.consumed != text.size() || !(reparsed == whole)) std::abort();

  const request_validation v = validate_request(whole);
  const request_validation v2 = validate_request(reparsed);
  if (v.error != v2.error || v.key != v2.key || v.protocols != v2.protocols ||
      !(v.extensions == v2.extensions))
    std::abort();
  if (v.ok() != (v.status == 0)) std::abort();
  if (v.ok()) {
    // A valid request has a valid key, and its accept value is the 28-character base64 of a
    // SHA-1 (RFC 6455 4.2.2 step 5 item 4).
    if (!is_valid_key(v.key) || compute_accept(v.key).size() != 28) std::abort();
  }
  wsspec::fuzz::check_extensions_round_trip(whole.fields);
  return 0;
}
