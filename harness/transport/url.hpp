// ws:// and wss:// URLs (RFC 6455 3): scheme, host (name, IPv4 or [IPv6]), port, and the
// resource name (path and query) that goes on the request line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wsspec {

struct ws_url {
  bool secure = false;     // wss://
  std::string host;        // without brackets for IPv6
  std::uint16_t port = 0;  // 80 / 443 when the URL has none
  std::string resource;    // path and query, at least "/"
  bool ipv6_literal = false;

  // Value of the Host header: host, bracketed if IPv6, with the port unless it is the default.
  std::string host_header() const;
  std::string to_string() const;
};

// Parses a ws:// or wss:// URL. On failure returns nullopt and says why in `error`.
// RFC 6455 3: fragments are not allowed in WebSocket URIs.
std::optional<ws_url> parse_ws_url(std::string_view text, std::string& error);

}  // namespace wsspec
