// HTTP/1.1 message heads (RFC 7230 sections 2.7, 3, 5.4, 7) for the WebSocket opening
// handshake: an incremental parser for request and response heads, case-insensitive lookup
// helpers, and the list (#rule) splitter.
//
// The parser is in the spirit of picohttpparser: the caller owns one growing buffer that
// holds every byte received so far and calls parse() again whenever more bytes arrive. The
// parser remembers how far it got, so the total work is linear in the head size however the
// bytes were split. Parsed names and values are copied out (bounded by the limits), so the
// result outlives the buffer and the buffer may be reallocated between calls.
//
// Choices (each one is a place where RFC 7230 leaves the recipient a choice):
// * Line ends are CRLF only. A bare LF is rejected (http_error::bare_lf) rather than accepted
//   under the "MAY recognize a single LF" of RFC 7230 3.5: a conformance tool must notice a
//   peer that does not send CRLF, and a distinct error lets the caller grade it leniently.
//   A CR that is not followed by LF is rejected too (http_error::bare_cr, RFC 7230 3.5).
// * obs-fold (a header line starting with SP/HTAB) is rejected (RFC 7230 3.2.4 allows a
//   server to reject it with 400; a user agent may instead replace it, we do not).
// * Whitespace between the start-line and the first header field is rejected (RFC 7230 3).
// * An empty line before the request-line is rejected, although RFC 7230 3.5 says a server
//   SHOULD ignore one: that allowance is for persistent connections after a message body,
//   and the handshake is the first message on its connection.
// * Whitespace between a field name and the colon is rejected (RFC 7230 3.2.4: MUST reject).
// * Field values have leading and trailing OWS removed (RFC 7230 3.2.4) and must otherwise
//   consist of SP, HTAB, VCHAR and obs-text (RFC 7230 3.2); any other control byte (NUL, DEL,
//   ...) is an error.
// * The request-target must be 1*VCHAR (ASCII only); the reason-phrase may contain obs-text.
// * Exactly one SP separates the parts of the start-line (RFC 7230 3.1.1, 3.1.2).
//
// Limits (http_limits) are checked as bytes arrive, before the head is complete, so a peer
// that sends an endless line or endless headers is stopped at the limit. The defaults:
// 16 KiB per head (Node.js's default), 8 KiB per line (Apache's LimitRequestLine /
// LimitRequestFieldSize), 100 header fields (Apache's LimitRequestFields). A handshake from a
// browser is well under 1 KiB.
//
// Which error is reported does not depend on how the bytes were split: every check fires at a
// fixed byte position, and the checks run in byte order. A line that would cross the line limit
// and the head limit at the same byte is reported as too long a line (the narrower cause).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wsspec::codec {

// One header field line, name and value as received (value with OWS trimmed).
struct http_field {
  std::string name;
  std::string value;

  friend bool operator==(const http_field&, const http_field&) = default;
};

// Header fields in the order received; duplicates are kept as separate entries.
using http_fields = std::vector<http_field>;

struct http_request {
  std::string method;
  std::string target;
  int version_major = 1;
  int version_minor = 1;
  http_fields fields;

  friend bool operator==(const http_request&, const http_request&) = default;
};

struct http_response {
  int version_major = 1;
  int version_minor = 1;
  int status = 0;  // the 3-digit status-code, 0..999
  std::string reason;
  http_fields fields;

  friend bool operator==(const http_response&, const http_response&) = default;
};

struct http_limits {
  // Whole head: start-line, header lines and the empty line, each with its CRLF.
  std::size_t max_head_bytes = 16 * 1024;
  // One line including its CRLF.
  std::size_t max_line_bytes = 8 * 1024;
  // Header field lines (the start-line does not count).
  std::size_t max_header_count = 100;
  // RFC 9112 2.2: a recipient MAY take a lone LF as a line end. Off, a bare LF is an error
  // (bare_lf); on, such lines are counted (bare_lf_lines()) so the deviation can be judged.
  bool accept_bare_lf = false;
};

enum class http_error : std::uint8_t {
  none,
  bad_method,          // RFC 7230 3.1.1: method = token, then exactly one SP
  bad_target,          // RFC 7230 3.1.1 / 5.3: request-target = 1*VCHAR, then exactly one SP
  bad_version,         // RFC 7230 2.6: "HTTP/" DIGIT "." DIGIT
  bad_status_code,     // RFC 7230 3.1.2: 3DIGIT, then SP
  bad_reason,          // RFC 7230 3.1.2: *( HTAB / SP / VCHAR / obs-text )
  bad_field_name,      // RFC 7230 3.2: field-name = token, then ":"
  missing_colon,       // RFC 7230 3.2: a header line without ":"
  space_before_colon,  // RFC 7230 3.2.4: whitespace between field-name and ":"
  bad_field_value,     // RFC 7230 3.2: a control byte in a field value
  obs_fold,            // RFC 7230 3.2.4: line folding
  whitespace_after_start_line,  // RFC 7230 3: whitespace-preceded line after the start-line
  bare_cr,                      // RFC 7230 3.5: CR not followed by LF
  bare_lf,                      // RFC 7230 3.5: LF not preceded by CR
  start_line_too_long,          // http_limits::max_line_bytes, for the request-line / status-line
  field_line_too_long,          // http_limits::max_line_bytes, for a header line
  too_many_fields,              // http_limits::max_header_count
  head_too_large,               // http_limits::max_head_bytes
};

// "bad_method", ... (the enumerator's name).
std::string_view to_string(http_error e) noexcept;
// The rule broken, in the format of protocol_error's rfc_section: "RFC 7230 3.2.4", ...; the
// limits name the section defining the status a server answers with. "" for none.
std::string_view rfc_section(http_error e) noexcept;
// One sentence a user understands without reading code.
std::string_view describe(http_error e) noexcept;

// The status a server should answer a request head with this error: 414 for a request-line
// over the limit (RFC 7230 3.1.1), 431 for header limits (RFC 6585 5), else 400; 0 for none.
int suggested_status(http_error e) noexcept;

enum class http_parse_status : std::uint8_t { incomplete, complete, error };

struct http_parse_result {
  http_parse_status status = http_parse_status::incomplete;
  http_error error = http_error::none;
  // complete: bytes of the head including the empty line that ends it. Bytes after that (for
  // example the first WebSocket frame, sent in the same TCP segment) are not consumed.
  std::size_t consumed = 0;
  // error: offset of the start of the line in which the error was found.
  std::size_t error_offset = 0;

  bool complete() const noexcept { return status == http_parse_status::complete; }
  bool incomplete() const noexcept { return status == http_parse_status::incomplete; }
  bool failed() const noexcept { return status == http_parse_status::error; }

  friend bool operator==(const http_parse_result&, const http_parse_result&) = default;
};

namespace detail {
// Where the line scanner stands; shared by both parsers.
struct head_scan_state {
  std::size_t line_start = 0;  // first byte of the line not yet parsed
  std::size_t scanned = 0;     // bytes before this are known to hold no LF of the current line
  std::size_t field_count = 0;
  std::size_t bare_lf_lines = 0;
  bool start_line_done = false;
  http_parse_result result;
};
}  // namespace detail

// Incremental parser for a request head. Contract: every call passes the whole buffer received
// so far (the previous call's bytes as its prefix). After complete or error the result is
// sticky until reset().
class request_parser {
 public:
  explicit request_parser(const http_limits& limits = {}) : limits_(limits) {}

  http_parse_result parse(std::string_view buffer);

  // The parsed head; fully valid only once parse() returned complete.
  const http_request& get() const noexcept { return message_; }
  http_request& get() noexcept { return message_; }
  void reset() noexcept;

 private:
  http_limits limits_;
  detail::head_scan_state state_;
  http_request message_;
};

// Same contract as request_parser, for a response head (status-line instead of request-line).
class response_parser {
 public:
  explicit response_parser(const http_limits& limits = {}) : limits_(limits) {}

  http_parse_result parse(std::string_view buffer);

  const http_response& get() const noexcept { return message_; }
  http_response& get() noexcept { return message_; }
  void reset() noexcept;
  // Lines that ended with a lone LF (only with http_limits::accept_bare_lf).
  std::size_t bare_lf_lines() const noexcept { return state_.bare_lf_lines; }

 private:
  http_limits limits_;
  detail::head_scan_state state_;
  http_response message_;
};

// One-shot forms, picohttpparser style: parse `buffer` from its start into `out`. Calling again
// with a longer buffer re-parses from the start; use the classes above to avoid that.
http_parse_result parse_request(std::string_view buffer, http_request& out,
                                const http_limits& limits = {});
http_parse_result parse_response(std::string_view buffer, http_response& out,
                                 const http_limits& limits = {});

// --- Character classes and comparison (RFC 7230 3.2.6, RFC 5234 B.1) -----------------------

// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" /
//         "~" / DIGIT / ALPHA
bool is_tchar(char c) noexcept;
// token = 1*tchar
bool is_token(std::string_view s) noexcept;
// ASCII case-insensitive equality: field names, and the tokens RFC 6455 compares
// "ASCII case-insensitively". Bytes >= 0x80 compare exactly.
bool iequals(std::string_view a, std::string_view b) noexcept;
// Removes leading and trailing OWS (SP / HTAB).
std::string_view trim_ows(std::string_view s) noexcept;

// --- Field lookup (field names are case-insensitive, RFC 7230 3.2) ---------------------------

// Number of field lines with this name.
std::size_t count_fields(const http_fields& fields, std::string_view name) noexcept;
// The first field line with this name, or nullptr.
const http_field* find_field(const http_fields& fields, std::string_view name) noexcept;
// The values of every field line with this name, in order.
std::vector<std::string_view> field_values(const http_fields& fields, std::string_view name);

// --- Lists (RFC 7230 7, the #rule) -----------------------------------------------------------

// Splits a comma-separated list: elements have OWS trimmed, and empty elements are skipped
// (RFC 7230 7: a recipient MUST accept and ignore empty elements). Quoted strings are not
// recognised, so this is for lists of tokens (Connection, Upgrade, Sec-WebSocket-Protocol);
// Sec-WebSocket-Extensions has its own parser in handshake.hpp.
std::vector<std::string_view> split_list(std::string_view value);
// split_list over every field line with this name, in order (RFC 7230 3.2.2: several lines
// of a list-valued field mean the same as one line with the values joined by commas).
std::vector<std::string_view> field_list(const http_fields& fields, std::string_view name);
// True if some element of the list equals `token`, ASCII case-insensitively.
bool list_contains_token(std::string_view value, std::string_view token) noexcept;
// list_contains_token over every field line with this name.
bool field_contains_token(const http_fields& fields, std::string_view name,
                          std::string_view token) noexcept;

// --- Editing (for builders and tests) --------------------------------------------------------

// Removes every field line with this name; returns how many were removed.
std::size_t remove_fields(http_fields& fields, std::string_view name);
// Replaces the first field line with this name (keeping its position and spelling of the name)
// and removes the others; appends a new line if there was none.
void set_field(http_fields& fields, std::string_view name, std::string_view value);

}  // namespace wsspec::codec
