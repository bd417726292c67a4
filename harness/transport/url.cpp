#include "transport/url.hpp"

#include <charconv>

namespace wsspec {

namespace {
std::string bracketed(const ws_url& u) {
  std::string h;
  if (u.ipv6_literal) h += '[';
  h += u.host;
  if (u.ipv6_literal) h += ']';
  return h;
}
}  // namespace

std::string ws_url::host_header() const {
  std::string h = bracketed(*this);
  if (port != (secure ? 443 : 80)) h.append(":").append(std::to_string(port));
  return h;
}

std::string ws_url::to_string() const {
  std::string s = secure ? "wss://" : "ws://";
  s.append(bracketed(*this)).append(":").append(std::to_string(port)).append(resource);
  return s;
}

std::optional<ws_url> parse_ws_url(std::string_view text, std::string& error) {
  ws_url u;
  if (text.starts_with("ws://")) {
    text.remove_prefix(5);
  } else if (text.starts_with("wss://")) {
    u.secure = true;
    text.remove_prefix(6);
  } else {
    error = "the URL must start with ws:// or wss://";
    return std::nullopt;
  }
  if (text.find('#') != std::string_view::npos) {
    error = "a WebSocket URL cannot have a fragment (RFC 6455 3)";
    return std::nullopt;
  }
  const std::size_t slash = text.find_first_of("/?");
  std::string_view authority = text.substr(0, slash);
  u.resource = slash == std::string_view::npos ? "/" : std::string(text.substr(slash));
  if (u.resource.front() == '?') u.resource = std::string("/") + u.resource;
  if (authority.find('@') != std::string_view::npos) {
    error = "user information in the URL is not supported";
    return std::nullopt;
  }
  std::string_view port_text;
  if (authority.starts_with("[")) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "unterminated [IPv6] address";
      return std::nullopt;
    }
    u.host = std::string(authority.substr(1, close - 1));
    u.ipv6_literal = true;
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        error = "unexpected text after the [IPv6] address";
        return std::nullopt;
      }
      port_text = rest.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (u.host.empty()) {
    error = "the URL has no host";
    return std::nullopt;
  }
  u.port = u.secure ? 443 : 80;
  if (!port_text.empty()) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), v);
    if (ec != std::errc{} || p != port_text.data() + port_text.size() || v == 0 || v > 65535) {
      error = "bad port '" + std::string(port_text) + "'";
      return std::nullopt;
    }
    u.port = static_cast<std::uint16_t>(v);
  }
  return u;
}

}  // namespace wsspec
