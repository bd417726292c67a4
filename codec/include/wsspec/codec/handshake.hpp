// The WebSocket opening handshake, RFC 6455 section 4, both sides: the key and accept values,
// building requests and responses byte-exactly, and validating a parsed request (server side,
// 4.2.1) or response (client side, 4.1). Heads are parsed by http.hpp.
//
// Choices, where the RFC leaves room:
// * Key (4.1 item 7, 4.2.1 item 5): valid means 22 characters of the base64 alphabet
//   (RFC 4648 4, not the URL-safe one) followed by "==", i.e. exactly 16 bytes once decoded.
//   Non-canonical encodings, whose last character carries non-zero unused bits (for example
//   "...ZR==" instead of "...ZQ=="), are accepted: RFC 4648 3.5 makes rejecting them optional,
//   they still decode to 16 bytes, and the accept value hashes the key text as sent, so
//   nothing is ambiguous. Whitespace inside the value is not base64 and is rejected.
// * HTTP version (4.2.1 item 1): "HTTP/1.1 or higher" is taken literally; HTTP/1.2 and 2.0 in
//   a request-line are accepted.
// * Sec-WebSocket-Version (4.2.1 item 6, 4.2.2, 4.4): a value other than exactly "13" (e.g. "8",
//   "14" or "13, 8") is unsupported_version -> 426 with "Sec-WebSocket-Version: 13". A missing
//   header is missing_version -> 400: the request does not match 4.2.1 at all (4.2.1 preamble),
//   and 4.2.2's 426 is for a version the server does not understand. Two header lines are
//   duplicate_version -> 400 (11.3.5: MUST NOT appear more than once in a request). All three
//   suggest "Sec-WebSocket-Version: 13" in the reply, as 4.4 asks.
// * Upgrade (4.2.1 item 3) is a list (RFC 7230 6.7), so it may span several header lines and
//   hold other protocols; the request is fine if any element is "websocket" (ASCII
//   case-insensitive). In a 101 response (4.1 item 2) the combined value must be exactly one
//   element equal to "websocket".
// * A method other than GET is answered 405 with "Allow: GET" (RFC 7231 6.5.5); every other
//   request error is 400, except the version (426) and the HTTP head limits (431/414, http.hpp).
// * Request-target (4.2.1 item 1, section 3): origin-form ("/...") or an absolute http/https
//   URI; a fragment ("#") is rejected (section 3: fragments MUST NOT be used).
// * Extensions (9.1): parsed with RFC 2616's "implied *LWS rule", as 9.1 says, i.e. OWS is allowed
//   around ";" "=" and ",". Empty list elements are skipped (RFC 7230 7), but a header line
//   with no extension at all is malformed (1#extension). Extension names are compared ASCII
//   case-insensitively; subprotocols are compared exactly (they are opaque strings that the
//   server must echo, 4.2.2).
// * Subprotocol offers (4.3, 11.3.4): every element must be a token, elements must be unique
//   (exact comparison), and the header may span several lines.
// * Sec-WebSocket-Extensions may appear several times in a response (RFC 6455 erratum 3433).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/codec/http.hpp"

namespace wsspec::codec {

// RFC 6455 1.3 / 4.2.2 step 5 item 4: appended to the key before hashing.
inline constexpr std::string_view websocket_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
// RFC 6455 4.1 item 9: the only version this codec speaks.
inline constexpr std::string_view websocket_version = "13";

// --- Key and accept (RFC 6455 4.1 item 7, 4.2.2 step 5 item 4) ------------------------------

// base64(SHA-1(key + GUID)), 28 characters. The key is hashed as given, without validation.
std::string compute_accept(std::string_view key);

// The 16 bytes a key encodes, if it is a valid key (see the header comment).
std::optional<std::array<std::uint8_t, 16>> decode_key(std::string_view value);
bool is_valid_key(std::string_view value);

// The Sec-WebSocket-Key value for 16 random bytes (24 characters). The codec has no RNG: the
// caller supplies the nonce, fresh for each connection (4.1 item 7).
std::string make_key(std::span<const std::uint8_t, 16> nonce);

// --- Extensions (RFC 6455 9.1) --------------------------------------------------------------

struct extension_param {
  std::string name;
  std::optional<std::string> value;  // unescaped when it was a quoted-string

  friend bool operator==(const extension_param&, const extension_param&) = default;
};

// One element of a Sec-WebSocket-Extensions list: an offer in a request, an accepted
// extension in a response.
struct extension_offer {
  std::string name;
  std::vector<extension_param> params;

  friend bool operator==(const extension_offer&, const extension_offer&) = default;
};

// Parses one header value:
//   extension-list = 1#extension
//   extension      = extension-token *( ";" extension-param )
//   extension-param = token [ "=" (token | quoted-string) ]
// where a quoted-string value must be a token once unescaped. Appends to `out` and returns
// true, or returns false (leaving `out` with the elements parsed before the error).
bool parse_extensions(std::string_view value, std::vector<extension_offer>& out);

// "name; p; q=v, name2": the inverse of parse_extensions (values are tokens, so never quoted).
std::string format_extensions(std::span<const extension_offer> extensions);

// --- Building messages ----------------------------------------------------------------------

// A request head that a test harness can edit freely before serialising: every part is a plain
// string, fields keep their order, and nothing is validated.
struct client_request {
  std::string method = "GET";
  std::string target = "/";
  std::string version = "HTTP/1.1";
  http_fields fields;

  // method SP target SP version CRLF, then "name: value" CRLF per field, then CRLF.
  std::string serialize() const;
};

// The request of RFC 6455 4.1, fields in this order: Host, Upgrade: websocket,
// Connection: Upgrade, Sec-WebSocket-Key, Sec-WebSocket-Version: 13, then
// Sec-WebSocket-Protocol (protocols joined by ", ") and Sec-WebSocket-Extensions (offers
// joined by ", "), each only when non-empty.
client_request default_request(std::string_view host, std::string_view target, std::string_view key,
                               std::span<const std::string> protocols = {},
                               std::span<const std::string> extensions = {});

// A response head, editable like client_request.
struct server_response {
  std::string version = "HTTP/1.1";
  int status = 101;
  std::string reason = "Switching Protocols";
  http_fields fields;

  // version SP status SP reason CRLF, fields, CRLF. The status is written as given (the caller
  // may want a malformed one); 0..999 come out as three digits.
  std::string serialize() const;
};

// RFC 6455 4.2.2 step 5: 101, Upgrade: websocket, Connection: Upgrade, Sec-WebSocket-Accept,
// then Sec-WebSocket-Protocol and Sec-WebSocket-Extensions when given.
server_response default_response(std::string_view accept,
                                 std::optional<std::string_view> protocol = std::nullopt,
                                 std::optional<std::string_view> extensions = std::nullopt);
std::string build_response(std::string_view accept,
                           std::optional<std::string_view> protocol = std::nullopt,
                           std::optional<std::string_view> extensions = std::nullopt);

// An error reply: status-line with the standard reason phrase, then for 426 (RFC 6455 4.2.2,
// RFC 7231 6.5.15) "Upgrade: websocket", "Connection: Upgrade" and "Sec-WebSocket-Version: 13"
// unless `extra` already has those names, then `extra` in order, then "Content-Type:
// text/plain; charset=utf-8" if there is a body, and "Content-Length" unless `extra` has it.
std::string build_error_response(int status, const http_fields& extra = {},
                                 std::string_view body = {});

// The RFC 7231 / RFC 6585 reason phrase, or "" for a status without one.
std::string_view reason_phrase(int status) noexcept;

// --- Server side: validating the client's request (RFC 6455 4.2.1) ---------------------------

enum class request_error : std::uint8_t {
  none,
  method_not_get,          // 4.2.1 item 1
  http_version_too_old,    // 4.2.1 item 1: HTTP/1.1 or higher
  bad_request_target,      // 4.2.1 item 1, 3: /resource name/ or absolute http(s) URI
  missing_host,            // 4.2.1 item 2
  duplicate_host,          // 4.2.1 item 2, RFC 7230 5.4
  invalid_host,            // 4.2.1 item 2, RFC 7230 5.4: uri-host [ ":" port ]
  missing_upgrade,         // 4.2.1 item 3: no Upgrade header
  upgrade_not_websocket,   // 4.2.1 item 3: Upgrade without the "websocket" token
  missing_connection,      // 4.2.1 item 4: no Connection header
  connection_not_upgrade,  // 4.2.1 item 4: Connection without the "Upgrade" token
  missing_key,             // 4.2.1 item 5
  duplicate_key,           // 11.3.1: MUST NOT appear more than once
  invalid_key,             // 4.2.1 item 5: base64 of 16 bytes
  missing_version,         // 4.2.1 item 6
  duplicate_version,       // 11.3.5: MUST NOT appear more than once in a request
  unsupported_version,     // 4.2.2 /version/, 4.4: not "13"
  invalid_protocol,        // 4.3: Sec-WebSocket-Protocol-Client = 1#token
  duplicate_protocol,      // 4.3: elements MUST be unique
  invalid_extensions,      // 9.1: Sec-WebSocket-Extensions grammar
};

std::string_view to_string(request_error e) noexcept;
// The RFC 6455 section the rule comes from, e.g. "4.2.1"; "" for none.
std::string_view rfc_section(request_error e) noexcept;
// A one-line explanation of the rule, e.g. "the Sec-WebSocket-Key is not base64 of 16 bytes".
std::string_view describe(request_error e) noexcept;
// 400, 405 or 426; 0 for none.
int suggested_status(request_error e) noexcept;
// Extra fields the error reply should carry: Allow: GET for 405, Sec-WebSocket-Version: 13 for
// the version errors; empty otherwise.
http_fields error_response_fields(request_error e);

struct request_validation {
  request_error error = request_error::none;
  int status = 0;            // suggested_status(error)
  std::string_view section;  // rfc_section(error)
  std::string message;       // describe(error) plus the offending value, quoted

  // What a server needs to answer (filled as far as validation got; complete when ok()).
  std::string key;                          // Sec-WebSocket-Key
  std::vector<std::string> protocols;       // offered subprotocols, in the client's order
  std::vector<extension_offer> extensions;  // offered extensions, in the client's order

  bool ok() const noexcept { return error == request_error::none; }
};

// Checks in the order of 4.2.1: method, HTTP version, target, Host, Upgrade, Connection, key,
// version, subprotocols, extensions; reports the first failure.
request_validation validate_request(const http_request& request);

// --- Client side: validating the server's response (RFC 6455 4.1) -----------------------------

enum class response_error : std::uint8_t {
  none,
  status_not_101,          // 4.1 item 1
  missing_upgrade,         // 4.1 item 2
  upgrade_not_websocket,   // 4.1 item 2
  missing_connection,      // 4.1 item 3
  connection_not_upgrade,  // 4.1 item 3
  missing_accept,          // 4.1 item 4
  duplicate_accept,        // 11.3.3: MUST NOT appear more than once in a response
  accept_mismatch,         // 4.1 item 4
  invalid_extensions,      // 9.1
  unoffered_extension,     // 4.1 item 5
  duplicate_protocol,      // 11.3.4: MUST NOT appear more than once in a response
  invalid_protocol,        // 4.3: Sec-WebSocket-Protocol-Server = token
  unrequested_protocol,    // 4.1 item 6: a subprotocol although none was offered
  unoffered_protocol,      // 4.1 item 6: a subprotocol that was not offered
};

std::string_view to_string(response_error e) noexcept;
std::string_view rfc_section(response_error e) noexcept;
std::string_view describe(response_error e) noexcept;

struct response_validation {
  response_error error = response_error::none;
  int status = 0;            // the response's status code, always recorded
  std::string_view section;  // rfc_section(error)
  std::string message;

  std::optional<std::string> protocol;      // the subprotocol the server selected
  std::vector<extension_offer> extensions;  // accepted extensions, in the server's order

  bool ok() const noexcept { return error == response_error::none; }
};

// The client's checks of 4.1 ("If the server's response is validated ..."), items 1 to 6, in
// that order; reports the first failure.
response_validation validate_response(const http_response& response, std::string_view sent_key,
                                      std::span<const std::string> offered_protocols = {},
                                      std::span<const std::string> offered_extensions = {});

}  // namespace wsspec::codec
