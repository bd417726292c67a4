// The opening handshake of RFC 6455 section 4; see handshake.hpp for the choices made.
#include "wsspec/codec/handshake.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>

namespace wsspec::codec {

namespace {

constexpr bool is_alpha(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_hexdig(char c) noexcept {
  return is_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}
constexpr bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

// RFC 4648 4: the base64 alphabet (not the URL-safe one of section 5).
constexpr bool is_base64_char(char c) noexcept {
  return is_alpha(c) || is_digit(c) || c == '+' || c == '/';
}

bool starts_with_icase(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// A value from the peer, made safe and short for a human message: at most 64 bytes, in double
// quotes, with anything but printable ASCII written as \xHH (values may hold obs-text, which
// need not be UTF-8, and messages end up in JSON and HTML reports).
std::string quote(std::string_view value) {
  constexpr std::size_t max_shown = 64;
  std::string out = "\"";
  for (std::size_t i = 0; i < value.size() && i < max_shown; ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  if (value.size() > max_shown) out += "...";
  out += '"';
  return out;
}

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  // EVP_EncodeBlock writes a terminating NUL after the 4*ceil(n/3) characters.
  std::vector<unsigned char> buf(out.size() + 1);
  const int n = EVP_EncodeBlock(buf.data(), data, static_cast<int>(size));
  out.assign(reinterpret_cast<const char*>(buf.data()), static_cast<std::size_t>(n));
  return out;
}

}  // namespace

// --- Key and accept ---------------------------------------------------------------------------

std::string compute_accept(std::string_view key) {
  // RFC 6455 4.2.2 step 5 item 4: base64 of the SHA-1 of the key (as a string, trimmed of OWS
  // by the parser) concatenated with the GUID.
  std::string input;
  input.reserve(key.size() + websocket_guid.size());
  input.append(key).append(websocket_guid);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &digest_size, EVP_sha1(), nullptr) != 1) {
    return {};  // only on allocation failure inside OpenSSL
  }
  return base64(digest, digest_size);
}

std::optional<std::array<std::uint8_t, 16>> decode_key(std::string_view value) {
  // RFC 6455 4.1 item 7: a base64-encoded 16-byte value. 16 bytes are 22 characters plus "==";
  // any other length or padding decodes to another size (17 bytes is also 24 characters, with
  // a single "=").
  if (value.size() != 24 || value[22] != '=' || value[23] != '=') return std::nullopt;
  if (!std::all_of(value.begin(), value.begin() + 22, is_base64_char)) return std::nullopt;
  // EVP_DecodeBlock counts the padding as output bytes: 24 characters give 18.
  unsigned char buf[18];
  if (EVP_DecodeBlock(buf, reinterpret_cast<const unsigned char*>(value.data()), 24) != 18) {
    return std::nullopt;
  }
  std::array<std::uint8_t, 16> out{};
  std::copy_n(buf, 16, out.begin());
  return out;
}

bool is_valid_key(std::string_view value) { return decode_key(value).has_value(); }

std::string make_key(std::span<const std::uint8_t, 16> nonce) {
  return base64(nonce.data(), nonce.size());
}

// --- Extensions -------------------------------------------------------------------------------

namespace {

// A cursor over one Sec-WebSocket-Extensions value.
struct ext_reader {
  std::string_view s;
  std::size_t pos = 0;

  bool at_end() const noexcept { return pos >= s.size(); }
  char peek() const noexcept { return s[pos]; }
  // RFC 6455 9.1 states its grammar in RFC 2616 ABNF "including the 'implied *LWS rule'", so
  // whitespace may surround every separator; obs-fold never reaches here, so LWS is just OWS.
  void skip_ows() noexcept {
    while (!at_end() && is_ows(s[pos])) ++pos;
  }
  std::string_view token() noexcept {
    const std::size_t start = pos;
    while (!at_end() && is_tchar(s[pos])) ++pos;
    return s.substr(start, pos - start);
  }
  // RFC 7230 3.2.6: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
  //   qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
  //   quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
  bool quoted_string(std::string& out) {
    ++pos;  // opening DQUOTE
    while (!at_end()) {
      const auto c = static_cast<unsigned char>(s[pos++]);
      if (c == '"') return true;
      if (c == '\\') {
        if (at_end()) return false;
        const auto q = static_cast<unsigned char>(s[pos++]);
        if (q != '\t' && q < 0x20) return false;
        if (q == 0x7F) return false;
        out += static_cast<char>(q);
      } else if (c == '\t' || c == ' ' || (c >= 0x21 && c != 0x7F)) {
        out += static_cast<char>(c);
      } else {
        return false;
      }
    }
    return false;  // no closing DQUOTE
  }
};

// extension-param = token [ "=" (token | quoted-string) ]
bool parse_param(ext_reader& r, extension_param& param) {
  r.skip_ows();
  const std::string_view name = r.token();
  if (name.empty()) return false;
  param.name.assign(name);
  r.skip_ows();
  if (r.at_end() || r.peek() != '=') return true;
  ++r.pos;
  r.skip_ows();
  if (r.at_end()) return false;
  std::string value;
  if (r.peek() == '"') {
    if (!r.quoted_string(value)) return false;
    // RFC 6455 9.1: "the value after quoted-string unescaping MUST conform to the 'token' ABNF".
    if (!is_token(value)) return false;
  } else {
    const std::string_view t = r.token();
    if (t.empty()) return false;
    value.assign(t);
  }
  param.value = std::move(value);
  r.skip_ows();
  return true;
}

}  // namespace

bool parse_extensions(std::string_view value, std::vector<extension_offer>& out) {
  ext_reader r{value};
  std::size_t elements = 0;
  for (;;) {
    r.skip_ows();
    if (r.at_end()) break;
    if (r.peek() == ',') {  // RFC 7230 7: empty list elements are ignored
      ++r.pos;
      continue;
    }
    extension_offer ext;
    const std::string_view name = r.token();
    if (name.empty()) return false;
    ext.name.assign(name);
    r.skip_ows();
    while (!r.at_end() && r.peek() == ';') {
      ++r.pos;
      extension_param param;
      if (!parse_param(r, param)) return false;
      ext.params.push_back(std::move(param));
    }
    if (!r.at_end() && r.peek() != ',') return false;
    out.push_back(std::move(ext));
    ++elements;
  }
  return elements > 0;  // 1#extension: at least one element
}

std::string format_extensions(std::span<const extension_offer> extensions) {
  std::string out;
  for (const extension_offer& ext : extensions) {
    if (!out.empty()) out += ", ";
    out += ext.name;
    for (const extension_param& p : ext.params) {
      out += "; ";
      out += p.name;
      if (!p.value) continue;
      out += '=';
      if (is_token(*p.value)) {
        out += *p.value;
        continue;
      }
      // Not valid per 9.1, but written faithfully (escaped) so a harness can send it.
      out += '"';
      for (char c : *p.value) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      out += '"';
    }
  }
  return out;
}

// --- Building ---------------------------------------------------------------------------------

namespace {

void append_fields(std::string& out, const http_fields& fields) {
  for (const http_field& f : fields) {
    out.append(f.name).append(": ").append(f.value).append("\r\n");
  }
}

std::string join(std::span<const std::string> items) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

std::string status_digits(int status) {
  if (status < 0 || status > 999) return std::to_string(status);
  char buf[4];
  std::snprintf(buf, sizeof buf, "%03d", status);
  return buf;
}

}  // namespace

std::string client_request::serialize() const {
  std::string out;
  out.append(method).append(" ").append(target).append(" ").append(version).append("\r\n");
  append_fields(out, fields);
  out += "\r\n";
  return out;
}

client_request default_request(std::string_view host, std::string_view target, std::string_view key,
                               std::span<const std::string> protocols,
                               std::span<const std::string> extensions) {
  client_request req;
  req.target.assign(target);
  // RFC 6455 4.1 items 4-12, in the order of the RFC's sample (1.2).
  req.fields.push_back({"Host", std::string(host)});
  req.fields.push_back({"Upgrade", "websocket"});
  req.fields.push_back({"Connection", "Upgrade"});
  req.fields.push_back({"Sec-WebSocket-Key", std::string(key)});
  req.fields.push_back({"Sec-WebSocket-Version", std::string(websocket_version)});
  if (!protocols.empty()) req.fields.push_back({"Sec-WebSocket-Protocol", join(protocols)});
  if (!extensions.empty()) req.fields.push_back({"Sec-WebSocket-Extensions", join(extensions)});
  return req;
}

std::string server_response::serialize() const {
  std::string out;
  out.append(version).append(" ").append(status_digits(status)).append(" ").append(reason);
  out += "\r\n";
  append_fields(out, fields);
  out += "\r\n";
  return out;
}

server_response default_response(std::string_view accept, std::optional<std::string_view> protocol,
                                 std::optional<std::string_view> extensions) {
  server_response res;
  // RFC 6455 4.2.2 step 5 items 1-6.
  res.fields.push_back({"Upgrade", "websocket"});
  res.fields.push_back({"Connection", "Upgrade"});
  res.fields.push_back({"Sec-WebSocket-Accept", std::string(accept)});
  if (protocol) res.fields.push_back({"Sec-WebSocket-Protocol", std::string(*protocol)});
  if (extensions) res.fields.push_back({"Sec-WebSocket-Extensions", std::string(*extensions)});
  return res;
}

std::string build_response(std::string_view accept, std::optional<std::string_view> protocol,
                           std::optional<std::string_view> extensions) {
  return default_response(accept, protocol, extensions).serialize();
}

std::string build_error_response(int status, const http_fields& extra, std::string_view body) {
  server_response res;
  res.status = status;
  res.reason.assign(reason_phrase(status));
  if (status == 426) {
    // RFC 7231 6.5.15: a 426 MUST carry Upgrade (and so Connection: upgrade, RFC 7230 6.7);
    // RFC 6455 4.2.2 /version/: and the versions the server understands.
    if (!find_field(extra, "Upgrade")) res.fields.push_back({"Upgrade", "websocket"});
    if (!find_field(extra, "Connection")) res.fields.push_back({"Connection", "Upgrade"});
    if (!find_field(extra, "Sec-WebSocket-Version")) {
      res.fields.push_back({"Sec-WebSocket-Version", std::string(websocket_version)});
    }
  }
  res.fields.insert(res.fields.end(), extra.begin(), extra.end());
  if (!body.empty() && !find_field(extra, "Content-Type")) {
    res.fields.push_back({"Content-Type", "text/plain; charset=utf-8"});
  }
  if (!find_field(extra, "Content-Length")) {
    res.fields.push_back({"Content-Length", std::to_string(body.size())});
  }
  std::string out = res.serialize();
  out.append(body);
  return out;
}

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 426:
      return "Upgrade Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "";
  }
}

// --- Server side ------------------------------------------------------------------------------

std::string_view to_string(request_error e) noexcept {
  switch (e) {
    case request_error::none:
      return "none";
    case request_error::method_not_get:
      return "method_not_get";
    case request_error::http_version_too_old:
      return "http_version_too_old";
    case request_error::bad_request_target:
      return "bad_request_target";
    case request_error::missing_host:
      return "missing_host";
    case request_error::duplicate_host:
      return "duplicate_host";
    case request_error::invalid_host:
      return "invalid_host";
    case request_error::missing_upgrade:
      return "missing_upgrade";
    case request_error::upgrade_not_websocket:
      return "upgrade_not_websocket";
    case request_error::missing_connection:
      return "missing_connection";
    case request_error::connection_not_upgrade:
      return "connection_not_upgrade";
    case request_error::missing_key:
      return "missing_key";
    case request_error::duplicate_key:
      return "duplicate_key";
    case request_error::invalid_key:
      return "invalid_key";
    case request_error::missing_version:
      return "missing_version";
    case request_error::duplicate_version:
      return "duplicate_version";
    case request_error::unsupported_version:
      return "unsupported_version";
    case request_error::invalid_protocol:
      return "invalid_protocol";
    case request_error::duplicate_protocol:
      return "duplicate_protocol";
    case request_error::invalid_extensions:
      return "invalid_extensions";
  }
  return "unknown";
}

std::string_view rfc_section(request_error e) noexcept {
  switch (e) {
    case request_error::none:
      return "";
    case request_error::duplicate_key:
      return "11.3.1";
    case request_error::duplicate_version:
      return "11.3.5";
    case request_error::unsupported_version:
      return "4.2.2";
    case request_error::invalid_protocol:
    case request_error::duplicate_protocol:
      return "4.3";
    case request_error::invalid_extensions:
      return "9.1";
    default:
      return "4.2.1";
  }
}

std::string_view describe(request_error e) noexcept {
  switch (e) {
    case request_error::none:
      return "valid opening handshake";
    case request_error::method_not_get:
      return "the method is not GET";
    case request_error::http_version_too_old:
      return "the HTTP version is below 1.1";
    case request_error::bad_request_target:
      return "the request-target is neither a resource name nor an absolute http(s) URI "
             "without fragment";
    case request_error::missing_host:
      return "there is no Host header";
    case request_error::duplicate_host:
      return "there is more than one Host header";
    case request_error::invalid_host:
      return "the Host header is not host[:port]";
    case request_error::missing_upgrade:
      return "there is no Upgrade header";
    case request_error::upgrade_not_websocket:
      return "the Upgrade header does not contain \"websocket\"";
    case request_error::missing_connection:
      return "there is no Connection header";
    case request_error::connection_not_upgrade:
      return "the Connection header does not contain the token \"Upgrade\"";
    case request_error::missing_key:
      return "there is no Sec-WebSocket-Key header";
    case request_error::duplicate_key:
      return "there is more than one Sec-WebSocket-Key header";
    case request_error::invalid_key:
      return "the Sec-WebSocket-Key is not base64 of 16 bytes";
    case request_error::missing_version:
      return "there is no Sec-WebSocket-Version header";
    case request_error::duplicate_version:
      return "there is more than one Sec-WebSocket-Version header";
    case request_error::unsupported_version:
      return "the Sec-WebSocket-Version is not 13";
    case request_error::invalid_protocol:
      return "the Sec-WebSocket-Protocol header is not a list of tokens";
    case request_error::duplicate_protocol:
      return "the Sec-WebSocket-Protocol header offers a subprotocol twice";
    case request_error::invalid_extensions:
      return "the Sec-WebSocket-Extensions header does not match the grammar of 9.1";
  }
  return "unknown error";
}

int suggested_status(request_error e) noexcept {
  switch (e) {
    case request_error::none:
      return 0;
    case request_error::method_not_get:
      return 405;  // RFC 7231 6.5.5
    case request_error::unsupported_version:
      return 426;  // RFC 6455 4.2.2 /version/
    default:
      return 400;  // RFC 6455 4.2.1 preamble
  }
}

http_fields error_response_fields(request_error e) {
  switch (e) {
    case request_error::method_not_get:
      return {{"Allow", "GET"}};  // RFC 7231 6.5.5: MUST
    case request_error::missing_version:
    case request_error::duplicate_version:
    case request_error::unsupported_version:
      return {{"Sec-WebSocket-Version", std::string(websocket_version)}};  // RFC 6455 4.4
    default:
      return {};
  }
}

namespace {

// RFC 6455 4.2.1 item 1 and section 3: the Request-URI is a /resource name/ (origin-form) or an
// absolute HTTP/HTTPS URI; fragment identifiers are not allowed in WebSocket URIs.
bool is_valid_target(std::string_view target) noexcept {
  if (target.find('#') != std::string_view::npos) return false;
  if (!target.empty() && target.front() == '/') return true;
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (starts_with_icase(target, scheme) && target.size() > scheme.size()) return true;
  }
  return false;
}

// RFC 3986 2.3 unreserved / 2.2 sub-delims.
constexpr bool is_host_char(char c) noexcept {
  return is_alpha(c) || is_digit(c) ||
         std::string_view("-._~!$&'()*+,;=").find(c) != std::string_view::npos;
}

// RFC 7230 5.4: Host = uri-host [ ":" port ], uri-host = IP-literal / IPv4address / reg-name
// (RFC 3986 3.2.2), port = *DIGIT. RFC 6455 4.1 item 4 needs a non-empty host.
bool is_valid_host(std::string_view value) noexcept {
  if (value.empty()) return false;
  std::size_t i = 0;
  if (value.front() == '[') {
    const std::size_t close = value.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    // IP-literal: IPv6address or IPvFuture; the characters suffice here.
    for (i = 1; i < close; ++i) {
      if (!is_host_char(value[i]) && value[i] != ':') return false;
    }
    i = close + 1;
  } else {
    while (i < value.size() && value[i] != ':') {
      if (value[i] == '%') {  // pct-encoded
        if (i + 2 >= value.size() || !is_hexdig(value[i + 1]) || !is_hexdig(value[i + 2])) {
          return false;
        }
        i += 3;
        continue;
      }
      if (!is_host_char(value[i])) return false;
      ++i;
    }
    if (i == 0) return false;
  }
  if (i == value.size()) return true;
  if (value[i] != ':') return false;
  return std::all_of(value.begin() + static_cast<std::ptrdiff_t>(i) + 1, value.end(), is_digit);
}

}  // namespace

request_validation validate_request(const http_request& request) {
  request_validation v;
  const auto fail = [&](request_error e, std::string_view detail = {}) {
    v.error = e;
    v.status = suggested_status(e);
    v.section = rfc_section(e);
    v.message.assign(describe(e));
    if (!detail.empty()) v.message.append(": ").append(detail);
    return std::move(v);
  };
  const http_fields& fields = request.fields;

  // 4.2.1 item 1: "An HTTP/1.1 or higher GET request" (the method is case-sensitive,
  // RFC 7230 3.1.1).
  if (request.method != "GET") return fail(request_error::method_not_get, quote(request.method));
  if (request.version_major < 1 || (request.version_major == 1 && request.version_minor < 1)) {
    return fail(request_error::http_version_too_old,
                "HTTP/" + std::to_string(request.version_major) + "." +
                    std::to_string(request.version_minor));
  }
  if (!is_valid_target(request.target)) {
    return fail(request_error::bad_request_target, quote(request.target));
  }

  // 4.2.1 item 2; RFC 7230 5.4: a server MUST answer 400 to a request without Host, with
  // several Host lines, or with an invalid Host value.
  const std::vector<std::string_view> hosts = field_values(fields, "Host");
  if (hosts.empty()) return fail(request_error::missing_host);
  if (hosts.size() > 1) return fail(request_error::duplicate_host);
  if (!is_valid_host(hosts[0])) return fail(request_error::invalid_host, quote(hosts[0]));

  // 4.2.1 item 3: Upgrade is a list (RFC 7230 6.7), compared ASCII case-insensitively.
  if (count_fields(fields, "Upgrade") == 0) return fail(request_error::missing_upgrade);
  if (!field_contains_token(fields, "Upgrade", "websocket")) {
    return fail(request_error::upgrade_not_websocket, quote(find_field(fields, "Upgrade")->value));
  }

  // 4.2.1 item 4: Connection is a list of tokens (RFC 7230 6.1); "Upgradex" is not "Upgrade".
  if (count_fields(fields, "Connection") == 0) return fail(request_error::missing_connection);
  if (!field_contains_token(fields, "Connection", "Upgrade")) {
    return fail(request_error::connection_not_upgrade,
                quote(find_field(fields, "Connection")->value));
  }

  // 4.2.1 item 5 and 11.3.1: exactly one key, base64 of 16 bytes.
  const std::vector<std::string_view> keys = field_values(fields, "Sec-WebSocket-Key");
  if (keys.empty()) return fail(request_error::missing_key);
  if (keys.size() > 1) return fail(request_error::duplicate_key);
  if (!is_valid_key(keys[0])) return fail(request_error::invalid_key, quote(keys[0]));
  v.key.assign(keys[0]);

  // 4.2.1 item 6, 11.3.5, 4.2.2 /version/.
  const std::vector<std::string_view> versions = field_values(fields, "Sec-WebSocket-Version");
  if (versions.empty()) return fail(request_error::missing_version);
  if (versions.size() > 1) return fail(request_error::duplicate_version);
  if (versions[0] != websocket_version) {
    return fail(request_error::unsupported_version, quote(versions[0]));
  }

  // 4.2.1 item 8, 4.3, 11.3.4: 1#token per line, unique, possibly over several lines.
  for (std::string_view line : field_values(fields, "Sec-WebSocket-Protocol")) {
    const std::vector<std::string_view> offers = split_list(line);
    if (offers.empty()) return fail(request_error::invalid_protocol, quote(line));
    for (std::string_view p : offers) {
      if (!is_token(p)) return fail(request_error::invalid_protocol, quote(p));
      if (std::find(v.protocols.begin(), v.protocols.end(), p) != v.protocols.end()) {
        return fail(request_error::duplicate_protocol, quote(p));
      }
      v.protocols.emplace_back(p);
    }
  }

  // 4.2.1 item 9, 9.1: extensions, possibly over several lines.
  for (std::string_view line : field_values(fields, "Sec-WebSocket-Extensions")) {
    if (!parse_extensions(line, v.extensions)) {
      return fail(request_error::invalid_extensions, quote(line));
    }
  }
  return v;
}

// --- Client side ------------------------------------------------------------------------------

std::string_view to_string(response_error e) noexcept {
  switch (e) {
    case response_error::none:
      return "none";
    case response_error::status_not_101:
      return "status_not_101";
    case response_error::missing_upgrade:
      return "missing_upgrade";
    case response_error::upgrade_not_websocket:
      return "upgrade_not_websocket";
    case response_error::missing_connection:
      return "missing_connection";
    case response_error::connection_not_upgrade:
      return "connection_not_upgrade";
    case response_error::missing_accept:
      return "missing_accept";
    case response_error::duplicate_accept:
      return "duplicate_accept";
    case response_error::accept_mismatch:
      return "accept_mismatch";
    case response_error::invalid_extensions:
      return "invalid_extensions";
    case response_error::unoffered_extension:
      return "unoffered_extension";
    case response_error::duplicate_protocol:
      return "duplicate_protocol";
    case response_error::invalid_protocol:
      return "invalid_protocol";
    case response_error::unrequested_protocol:
      return "unrequested_protocol";
    case response_error::unoffered_protocol:
      return "unoffered_protocol";
  }
  return "unknown";
}

std::string_view rfc_section(response_error e) noexcept {
  switch (e) {
    case response_error::none:
      return "";
    case response_error::duplicate_accept:
      return "11.3.3";
    case response_error::invalid_extensions:
      return "9.1";
    case response_error::duplicate_protocol:
      return "11.3.4";
    case response_error::invalid_protocol:
      return "4.3";
    default:
      return "4.1";
  }
}

std::string_view describe(response_error e) noexcept {
  switch (e) {
    case response_error::none:
      return "valid opening handshake response";
    case response_error::status_not_101:
      return "the status is not 101";
    case response_error::missing_upgrade:
      return "there is no Upgrade header";
    case response_error::upgrade_not_websocket:
      return "the Upgrade header is not \"websocket\"";
    case response_error::missing_connection:
      return "there is no Connection header";
    case response_error::connection_not_upgrade:
      return "the Connection header does not contain the token \"Upgrade\"";
    case response_error::missing_accept:
      return "there is no Sec-WebSocket-Accept header";
    case response_error::duplicate_accept:
      return "there is more than one Sec-WebSocket-Accept header";
    case response_error::accept_mismatch:
      return "the Sec-WebSocket-Accept does not match the key sent";
    case response_error::invalid_extensions:
      return "the Sec-WebSocket-Extensions header does not match the grammar of 9.1";
    case response_error::unoffered_extension:
      return "the server accepted an extension the client did not offer";
    case response_error::duplicate_protocol:
      return "there is more than one Sec-WebSocket-Protocol header";
    case response_error::invalid_protocol:
      return "the Sec-WebSocket-Protocol header is not a single token";
    case response_error::unrequested_protocol:
      return "the server selected a subprotocol although the client offered none";
    case response_error::unoffered_protocol:
      return "the server selected a subprotocol the client did not offer";
  }
  return "unknown error";
}

response_validation validate_response(const http_response& response, std::string_view sent_key,
                                      std::span<const std::string> offered_protocols,
                                      std::span<const std::string> offered_extensions) {
  response_validation v;
  v.status = response.status;
  const auto fail = [&](response_error e, std::string_view detail = {}) {
    v.error = e;
    v.section = rfc_section(e);
    v.message.assign(describe(e));
    if (!detail.empty()) v.message.append(": ").append(detail);
    return std::move(v);
  };
  const http_fields& fields = response.fields;

  // Item 1: anything but 101 is handled per HTTP (redirect, authentication, ...), not as a
  // WebSocket connection.
  if (response.status != 101) {
    return fail(response_error::status_not_101,
                std::to_string(response.status) + " " + quote(response.reason));
  }

  // Item 2: the Upgrade value must be "websocket", ASCII case-insensitively; a 101 lists the
  // protocol(s) switched to, so any other element is wrong too.
  if (count_fields(fields, "Upgrade") == 0) return fail(response_error::missing_upgrade);
  if (const std::vector<std::string_view> upgrade = field_list(fields, "Upgrade");
      upgrade.size() != 1 || !iequals(upgrade[0], "websocket")) {
    return fail(response_error::upgrade_not_websocket, quote(find_field(fields, "Upgrade")->value));
  }

  // Item 3: Connection must contain the token "Upgrade".
  if (count_fields(fields, "Connection") == 0) return fail(response_error::missing_connection);
  if (!field_contains_token(fields, "Connection", "Upgrade")) {
    return fail(response_error::connection_not_upgrade,
                quote(find_field(fields, "Connection")->value));
  }

  // Item 4: exact match (base64 is case-sensitive), exactly one line (11.3.3).
  const std::vector<std::string_view> accepts = field_values(fields, "Sec-WebSocket-Accept");
  if (accepts.empty()) return fail(response_error::missing_accept);
  if (accepts.size() > 1) return fail(response_error::duplicate_accept);
  if (const std::string expected = compute_accept(sent_key); accepts[0] != expected) {
    return fail(response_error::accept_mismatch,
                "got " + quote(accepts[0]) + ", expected " + quote(expected));
  }

  // Item 5: every extension in use must have been offered. Several lines are allowed
  // (erratum 3433).
  for (std::string_view line : field_values(fields, "Sec-WebSocket-Extensions")) {
    if (!parse_extensions(line, v.extensions)) {
      return fail(response_error::invalid_extensions, quote(line));
    }
  }
  for (const extension_offer& ext : v.extensions) {
    const bool offered =
        std::any_of(offered_extensions.begin(), offered_extensions.end(),
                    [&](const std::string& name) { return iequals(name, ext.name); });
    if (!offered) return fail(response_error::unoffered_extension, quote(ext.name));
  }

  // Item 6: at most one subprotocol, and one the client offered (4.2.2: exactly one of them).
  const std::vector<std::string_view> protocols = field_values(fields, "Sec-WebSocket-Protocol");
  if (protocols.size() > 1) return fail(response_error::duplicate_protocol);
  if (protocols.size() == 1) {
    const std::string_view p = protocols[0];
    if (!is_token(p)) return fail(response_error::invalid_protocol, quote(p));
    if (offered_protocols.empty()) return fail(response_error::unrequested_protocol, quote(p));
    if (std::find(offered_protocols.begin(), offered_protocols.end(), p) ==
        offered_protocols.end()) {
      return fail(response_error::unoffered_protocol, quote(p));
    }
    v.protocol.emplace(p);
  }
  return v;
}

}  // namespace wsspec::codec
