// HTTP/1.1 head parser; see http.hpp for the grammar choices and limits.
#include "wsspec/codec/http.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace wsspec::codec {

namespace {

// --- Character table ----------------------------------------------------------------------
// One byte of flags per octet, so each inner loop is a load and a test.
enum char_class : std::uint8_t {
  cc_tchar = 1 << 0,  // RFC 7230 3.2.6 tchar
  cc_vchar = 1 << 1,  // RFC 5234 VCHAR (0x21-0x7E): request-target bytes
  cc_field = 1 << 2,  // RFC 7230 3.2 field-value byte: SP / HTAB / VCHAR / obs-text
};

constexpr std::array<std::uint8_t, 256> make_char_table() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0x21; c <= 0x7E; ++c) t[c] |= cc_vchar | cc_field;
  for (int c = 0x80; c <= 0xFF; ++c) t[c] |= cc_field;  // obs-text
  t[' '] |= cc_field;
  t['\t'] |= cc_field;
  for (int c = '0'; c <= '9'; ++c) t[c] |= cc_tchar;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= cc_tchar;
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= cc_tchar;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] |= cc_tchar;
  return t;
}

constexpr std::array<std::uint8_t, 256> char_table = make_char_table();

constexpr bool has_class(char c, std::uint8_t cls) noexcept {
  return (char_table[static_cast<unsigned char>(c)] & cls) != 0;
}

constexpr bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Length of the run of bytes of class `cls` at the start of `s`.
std::size_t span_of(std::string_view s, std::uint8_t cls) noexcept {
  std::size_t i = 0;
  while (i < s.size() && has_class(s[i], cls)) ++i;
  return i;
}

// --- Start lines --------------------------------------------------------------------------

// RFC 7230 2.6: HTTP-version = HTTP-name "/" DIGIT "." DIGIT, HTTP-name = %x48.54.54.50
// (case-sensitive).
bool parse_version(std::string_view s, int& major, int& minor) noexcept {
  if (s.size() != 8 || s.substr(0, 5) != "HTTP/" || !is_digit(s[5]) || s[6] != '.' ||
      !is_digit(s[7])) {
    return false;
  }
  major = s[5] - '0';
  minor = s[7] - '0';
  return true;
}

// RFC 7230 3.1.1: request-line = method SP request-target SP HTTP-version CRLF
http_error parse_start_line(std::string_view line, http_request& msg) {
  const std::size_t method_len = span_of(line, cc_tchar);
  if (method_len == 0 || method_len == line.size() || line[method_len] != ' ') {
    return http_error::bad_method;
  }
  std::string_view rest = line.substr(method_len + 1);
  // RFC 7230 5.3: every form of request-target is made of visible ASCII.
  const std::size_t target_len = span_of(rest, cc_vchar);
  if (target_len == 0 || target_len == rest.size() || rest[target_len] != ' ') {
    return http_error::bad_target;
  }
  if (!parse_version(rest.substr(target_len + 1), msg.version_major, msg.version_minor)) {
    return http_error::bad_version;
  }
  msg.method.assign(line.substr(0, method_len));
  msg.target.assign(rest.substr(0, target_len));
  return http_error::none;
}

// RFC 7230 3.1.2: status-line = HTTP-version SP status-code SP reason-phrase CRLF.
// One leniency: a line that ends right after the status-code (no SP, no reason) is accepted,
// because a client SHOULD ignore the reason-phrase (RFC 7230 3.1.2) and common parsers
// (picohttpparser, llhttp) accept it; the reason is then empty.
http_error parse_start_line(std::string_view line, http_response& msg) {
  if (line.size() < 9 || line[8] != ' ' ||
      !parse_version(line.substr(0, 8), msg.version_major, msg.version_minor)) {
    return http_error::bad_version;
  }
  std::string_view rest = line.substr(9);
  if (rest.size() < 3 || !is_digit(rest[0]) || !is_digit(rest[1]) || !is_digit(rest[2]) ||
      (rest.size() > 3 && rest[3] != ' ')) {
    return http_error::bad_status_code;
  }
  msg.status = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
  const std::string_view reason = rest.size() > 3 ? rest.substr(4) : std::string_view{};
  // reason-phrase = *( HTAB / SP / VCHAR / obs-text ): the field-value class.
  if (span_of(reason, cc_field) != reason.size()) return http_error::bad_reason;
  msg.reason.assign(reason);
  return http_error::none;
}

// --- Header lines ---------------------------------------------------------------------------

// RFC 7230 3.2: header-field = field-name ":" OWS field-value OWS
http_error parse_field_line(std::string_view line, bool first, http_fields& fields) {
  if (is_ows(line.front())) {
    // RFC 7230 3: whitespace before the first field would hide it from some parsers;
    // RFC 7230 3.2.4: after a field it is obs-fold.
    return first ? http_error::whitespace_after_start_line : http_error::obs_fold;
  }
  const std::size_t name_len = span_of(line, cc_tchar);
  if (name_len == line.size()) return http_error::missing_colon;
  if (line[name_len] != ':') {
    const std::size_t colon = line.find(':', name_len);
    if (colon == std::string_view::npos) return http_error::missing_colon;
    // RFC 7230 3.2.4: "No whitespace is allowed between the header field-name and colon";
    // the difference in interpretation between parsers is a request-smuggling vector.
    if (name_len != 0 && trim_ows(line.substr(name_len, colon - name_len)).empty()) {
      return http_error::space_before_colon;
    }
    return http_error::bad_field_name;
  }
  if (name_len == 0) return http_error::bad_field_name;
  const std::string_view raw_value = line.substr(name_len + 1);
  if (span_of(raw_value, cc_field) != raw_value.size()) return http_error::bad_field_value;
  fields.push_back(
      http_field{std::string(line.substr(0, name_len)), std::string(trim_ows(raw_value))});
  return http_error::none;
}

std::size_t saturating_add(std::size_t a, std::size_t b) noexcept {
  return b > SIZE_MAX - a ? SIZE_MAX : a + b;
}

// The scanner shared by both parsers: finds each line in byte order, enforces the limits at
// fixed byte positions (so the outcome does not depend on how the input was split), and hands
// complete lines to the start-line and field-line parsers.
template <class Message>
http_parse_result run_parser(detail::head_scan_state& st, const http_limits& limits,
                             std::string_view buffer, Message& msg) {
  http_parse_result& r = st.result;
  const auto fail = [&](http_error e, std::size_t offset) {
    r.status = http_parse_status::error;
    r.error = e;
    r.error_offset = offset;
    return r;
  };
  if (r.status != http_parse_status::incomplete) return r;

  for (;;) {
    const std::size_t line_start = st.line_start;
    // The LF ending this line must lie before both limits (each counts the LF itself).
    const std::size_t line_limit = saturating_add(line_start, limits.max_line_bytes);
    const std::size_t window_end = std::min(line_limit, limits.max_head_bytes);
    const std::size_t search_end = std::min(buffer.size(), window_end);
    const std::size_t search_from = std::max(st.scanned, line_start);
    const void* lf = search_from < search_end
                         ? std::memchr(buffer.data() + search_from, '\n', search_end - search_from)
                         : nullptr;
    if (lf == nullptr) {
      st.scanned = std::max(search_from, search_end);
      if (buffer.size() < window_end) {
        return r;  // incomplete: the line may still end in bytes not yet received
      }
      if (line_limit <= limits.max_head_bytes) {
        return fail(
            st.start_line_done ? http_error::field_line_too_long : http_error::start_line_too_long,
            line_start);
      }
      return fail(http_error::head_too_large, line_start);
    }

    const std::size_t lf_pos =
        static_cast<std::size_t>(static_cast<const char*>(lf) - buffer.data());
    std::string_view line = buffer.substr(line_start, lf_pos - line_start);
    st.line_start = lf_pos + 1;
    st.scanned = lf_pos + 1;
    if (line.empty() || line.back() != '\r') {
      if (!limits.accept_bare_lf) return fail(http_error::bare_lf, line_start);
      ++st.bare_lf_lines;
    } else {
      line.remove_suffix(1);
    }
    if (line.find('\r') != std::string_view::npos) return fail(http_error::bare_cr, line_start);

    if (!st.start_line_done) {
      if (const http_error e = parse_start_line(line, msg); e != http_error::none) {
        return fail(e, line_start);
      }
      st.start_line_done = true;
      continue;
    }
    if (line.empty()) {  // RFC 7230 3: the empty line ends the head
      r.status = http_parse_status::complete;
      r.consumed = st.line_start;
      return r;
    }
    if (st.field_count >= limits.max_header_count) {
      return fail(http_error::too_many_fields, line_start);
    }
    if (const http_error e = parse_field_line(line, st.field_count == 0, msg.fields);
        e != http_error::none) {
      return fail(e, line_start);
    }
    ++st.field_count;
  }
}

}  // namespace

// --- Parsers ----------------------------------------------------------------------------------

http_parse_result request_parser::parse(std::string_view buffer) {
  return run_parser(state_, limits_, buffer, message_);
}

void request_parser::reset() noexcept {
  state_ = {};
  message_ = {};
}

http_parse_result response_parser::parse(std::string_view buffer) {
  return run_parser(state_, limits_, buffer, message_);
}

void response_parser::reset() noexcept {
  state_ = {};
  message_ = {};
}

http_parse_result parse_request(std::string_view buffer, http_request& out,
                                const http_limits& limits) {
  request_parser p(limits);
  const http_parse_result r = p.parse(buffer);
  out = std::move(p.get());
  return r;
}

http_parse_result parse_response(std::string_view buffer, http_response& out,
                                 const http_limits& limits) {
  response_parser p(limits);
  const http_parse_result r = p.parse(buffer);
  out = std::move(p.get());
  return r;
}

std::string_view to_string(http_error e) noexcept {
  switch (e) {
    case http_error::none:
      return "none";
    case http_error::bad_method:
      return "bad_method";
    case http_error::bad_target:
      return "bad_target";
    case http_error::bad_version:
      return "bad_version";
    case http_error::bad_status_code:
      return "bad_status_code";
    case http_error::bad_reason:
      return "bad_reason";
    case http_error::bad_field_name:
      return "bad_field_name";
    case http_error::missing_colon:
      return "missing_colon";
    case http_error::space_before_colon:
      return "space_before_colon";
    case http_error::bad_field_value:
      return "bad_field_value";
    case http_error::obs_fold:
      return "obs_fold";
    case http_error::whitespace_after_start_line:
      return "whitespace_after_start_line";
    case http_error::bare_cr:
      return "bare_cr";
    case http_error::bare_lf:
      return "bare_lf";
    case http_error::start_line_too_long:
      return "start_line_too_long";
    case http_error::field_line_too_long:
      return "field_line_too_long";
    case http_error::too_many_fields:
      return "too_many_fields";
    case http_error::head_too_large:
      return "head_too_large";
  }
  return "unknown";
}

std::string_view rfc_section(http_error e) noexcept {
  switch (e) {
    case http_error::none:
      return "";
    case http_error::bad_method:
    case http_error::bad_target:
    case http_error::start_line_too_long:
      return "RFC 7230 3.1.1";
    case http_error::bad_version:
      return "RFC 7230 2.6";
    case http_error::bad_status_code:
    case http_error::bad_reason:
      return "RFC 7230 3.1.2";
    case http_error::bad_field_name:
    case http_error::missing_colon:
    case http_error::bad_field_value:
      return "RFC 7230 3.2";
    case http_error::space_before_colon:
    case http_error::obs_fold:
      return "RFC 7230 3.2.4";
    case http_error::whitespace_after_start_line:
      return "RFC 7230 3";
    case http_error::bare_cr:
    case http_error::bare_lf:
      return "RFC 7230 3.5";
    case http_error::field_line_too_long:
    case http_error::too_many_fields:
    case http_error::head_too_large:
      return "RFC 6585 5";
  }
  return "";
}

std::string_view describe(http_error e) noexcept {
  switch (e) {
    case http_error::none:
      return "valid HTTP head";
    case http_error::bad_method:
      return "the method is not a token followed by one space";
    case http_error::bad_target:
      return "the request-target is not visible ASCII followed by one space";
    case http_error::bad_version:
      return "the HTTP version is not HTTP/<digit>.<digit>";
    case http_error::bad_status_code:
      return "the status code is not three digits";
    case http_error::bad_reason:
      return "the reason phrase contains a control character";
    case http_error::bad_field_name:
      return "a header field name is not a token";
    case http_error::missing_colon:
      return "a header line has no colon";
    case http_error::space_before_colon:
      return "a header line has whitespace between the field name and the colon";
    case http_error::bad_field_value:
      return "a header field value contains a control character";
    case http_error::obs_fold:
      return "a header line is folded (starts with whitespace)";
    case http_error::whitespace_after_start_line:
      return "the first header line starts with whitespace";
    case http_error::bare_cr:
      return "a CR is not followed by LF";
    case http_error::bare_lf:
      return "a line ends with LF without CR";
    case http_error::start_line_too_long:
      return "the start line exceeds the line length limit";
    case http_error::field_line_too_long:
      return "a header line exceeds the line length limit";
    case http_error::too_many_fields:
      return "the head has more header lines than the limit";
    case http_error::head_too_large:
      return "the head exceeds the size limit";
  }
  return "unknown error";
}

int suggested_status(http_error e) noexcept {
  switch (e) {
    case http_error::none:
      return 0;
    case http_error::start_line_too_long:
      return 414;  // RFC 7230 3.1.1
    case http_error::field_line_too_long:
    case http_error::too_many_fields:
    case http_error::head_too_large:
      return 431;  // RFC 6585 5
    default:
      return 400;  // RFC 7230 3.2.4, 3.5: invalid syntax
  }
}

// --- Characters ---------------------------------------------------------------------------

bool is_tchar(char c) noexcept { return has_class(c, cc_tchar); }

bool is_token(std::string_view s) noexcept {
  return !s.empty() && span_of(s, cc_tchar) == s.size();
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// --- Lookup -------------------------------------------------------------------------------

std::size_t count_fields(const http_fields& fields, std::string_view name) noexcept {
  return static_cast<std::size_t>(std::count_if(
      fields.begin(), fields.end(), [&](const http_field& f) { return iequals(f.name, name); }));
}

const http_field* find_field(const http_fields& fields, std::string_view name) noexcept {
  for (const http_field& f : fields) {
    if (iequals(f.name, name)) return &f;
  }
  return nullptr;
}

std::vector<std::string_view> field_values(const http_fields& fields, std::string_view name) {
  std::vector<std::string_view> out;
  for (const http_field& f : fields) {
    if (iequals(f.name, name)) out.emplace_back(f.value);
  }
  return out;
}

namespace {
// Calls fn(element) for each non-empty, OWS-trimmed element; stops early if fn returns true.
template <class Fn>
bool for_each_list_element(std::string_view value, Fn&& fn) {
  for (;;) {
    const std::size_t comma = value.find(',');
    const std::string_view element = trim_ows(value.substr(0, comma));
    if (!element.empty() && fn(element)) return true;
    if (comma == std::string_view::npos) return false;
    value.remove_prefix(comma + 1);
  }
}
}  // namespace

std::vector<std::string_view> split_list(std::string_view value) {
  std::vector<std::string_view> out;
  for_each_list_element(value, [&](std::string_view e) {
    out.push_back(e);
    return false;
  });
  return out;
}

std::vector<std::string_view> field_list(const http_fields& fields, std::string_view name) {
  std::vector<std::string_view> out;
  for (const http_field& f : fields) {
    if (!iequals(f.name, name)) continue;
    for_each_list_element(f.value, [&](std::string_view e) {
      out.push_back(e);
      return false;
    });
  }
  return out;
}

bool list_contains_token(std::string_view value, std::string_view token) noexcept {
  return for_each_list_element(value, [&](std::string_view e) { return iequals(e, token); });
}

bool field_contains_token(const http_fields& fields, std::string_view name,
                          std::string_view token) noexcept {
  return std::any_of(fields.begin(), fields.end(), [&](const http_field& f) {
    return iequals(f.name, name) && list_contains_token(f.value, token);
  });
}

// --- Editing --------------------------------------------------------------------------------

std::size_t remove_fields(http_fields& fields, std::string_view name) {
  return static_cast<std::size_t>(
      std::erase_if(fields, [&](const http_field& f) { return iequals(f.name, name); }));
}

void set_field(http_fields& fields, std::string_view name, std::string_view value) {
  bool replaced = false;
  std::size_t out = 0;
  for (std::size_t in = 0; in < fields.size(); ++in) {
    if (iequals(fields[in].name, name)) {
      if (replaced) continue;  // drop later duplicates
      fields[in].value.assign(value);
      replaced = true;
    }
    if (out != in) fields[out] = std::move(fields[in]);
    ++out;
  }
  fields.resize(out);
  if (!replaced) fields.push_back(http_field{std::string(name), std::string(value)});
}

}  // namespace wsspec::codec
