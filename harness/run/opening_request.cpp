#include "run/opening_request.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>

#include "wsspec/codec/handshake.hpp"

namespace wsspec {

namespace {

// The value of the first Sec-WebSocket-Key line of a request head, trimmed. Read off the raw
// head, which need not parse (that may be what the case is about).
std::optional<std::string> first_key_line(const std::string& head) {
  static constexpr std::string_view name = "sec-websocket-key:";
  std::size_t line = head.find("\r\n");
  while (line != std::string::npos && line + 2 < head.size()) {
    const std::size_t start = line + 2;
    const std::size_t end = head.find("\r\n", start);
    const std::string_view l(head.data() + start,
                             (end == std::string::npos ? head.size() : end) - start);
    if (l.empty()) break;
    if (l.size() >= name.size() &&
        std::equal(name.begin(), name.end(), l.begin(), [](char a, char b) {
          return a == static_cast<char>(std::tolower(static_cast<unsigned char>(b)));
        })) {
      std::string_view v = l.substr(name.size());
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      return std::string(v);
    }
    line = end;
  }
  return std::nullopt;
}

}  // namespace

codec::http_limits generous_http_limits() {
  codec::http_limits l;
  l.max_head_bytes = 4 << 20;
  l.max_line_bytes = 2 << 20;
  l.max_header_count = 4000;
  // RFC 9112 2.2: a recipient MAY read a lone LF as a line end; browsers do, so a server
  // written with "\n" is tested, and handshake cases with "crlf" judge the deviation.
  l.accept_bare_lf = true;
  return l;
}

opening_request build_opening_request(const handshake_spec& h, const ws_url& url,
                                      const std::array<std::uint8_t, 16>& nonce) {
  opening_request out;
  out.key = codec::make_key(nonce);
  if (h.raw) {
    out.head = *h.raw;
  } else {
    codec::client_request req =
        codec::default_request(url.host_header(), h.target ? *h.target : url.resource, out.key);
    req.method = h.method;
    req.version = h.version;
    for (const auto& name : h.remove) codec::remove_fields(req.fields, name);
    for (const auto& [name, value] : h.set) codec::set_field(req.fields, name, value);
    for (const auto& [name, value] : h.add) req.fields.push_back({name, value});
    out.head = req.serialize();
  }
  // A case may set its own key: the 101 must answer the key that was sent (RFC 6455 4.2.2).
  if (auto sent = first_key_line(out.head)) out.key = std::move(*sent);
  codec::http_request req;
  if (!codec::parse_request(out.head, req, generous_http_limits()).complete()) return out;
  for (auto p : codec::field_list(req.fields, "Sec-WebSocket-Protocol"))
    out.protocols.emplace_back(p);
  std::vector<codec::extension_offer> offers;
  for (auto v : codec::field_values(req.fields, "Sec-WebSocket-Extensions"))
    codec::parse_extensions(v, offers);
  for (const auto& o : offers) out.extensions.push_back(o.name);
  out.extension_offers = std::move(offers);
  return out;
}

}  // namespace wsspec
