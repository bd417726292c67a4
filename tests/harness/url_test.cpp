// ws:// and wss:// URLs (RFC 6455 3).
#include <gtest/gtest.h>

#include "transport/url.hpp"

namespace wsspec {
namespace {

ws_url parse_ok(std::string_view text) {
  std::string error;
  const auto u = parse_ws_url(text, error);
  EXPECT_TRUE(u.has_value()) << text << ": " << error;
  return u.value_or(ws_url{});
}

std::string parse_error(std::string_view text) {
  std::string error;
  EXPECT_FALSE(parse_ws_url(text, error).has_value()) << text;
  return error;
}

TEST(WsUrl, DefaultsPortAndResource) {
  const auto u = parse_ok("ws://example.com");
  EXPECT_FALSE(u.secure);
  EXPECT_EQ(u.host, "example.com");
  EXPECT_EQ(u.port, 80);
  EXPECT_EQ(u.resource, "/");
  EXPECT_EQ(u.host_header(), "example.com");
  EXPECT_EQ(parse_ok("wss://example.com").port, 443);
}

TEST(WsUrl, PathQueryAndPort) {
  const auto u = parse_ok("ws://127.0.0.1:9001/chat/room?x=1&y=2");
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 9001);
  EXPECT_EQ(u.resource, "/chat/room?x=1&y=2");
  EXPECT_EQ(u.host_header(), "127.0.0.1:9001");
  EXPECT_EQ(u.to_string(), "ws://127.0.0.1:9001/chat/room?x=1&y=2");
  // A query without a path still gets the "/" the request line needs.
  EXPECT_EQ(parse_ok("ws://h?q=1").resource, "/?q=1");
}

TEST(WsUrl, Ipv6Literal) {
  const auto u = parse_ok("wss://[::1]:8443/ws");
  EXPECT_TRUE(u.secure);
  EXPECT_TRUE(u.ipv6_literal);
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 8443);
  EXPECT_EQ(u.host_header(), "[::1]:8443");
  EXPECT_EQ(parse_ok("ws://[::1]/").host_header(), "[::1]");
}

TEST(WsUrl, Rejections) {
  EXPECT_NE(parse_error("http://example.com/").find("ws://"), std::string::npos);
  EXPECT_NE(parse_error("ws://example.com/#frag").find("fragment"), std::string::npos);
  EXPECT_NE(parse_error("ws://:9001/").find("no host"), std::string::npos);
  EXPECT_NE(parse_error("ws://h:0/").find("bad port"), std::string::npos);
  EXPECT_NE(parse_error("ws://h:65536/").find("bad port"), std::string::npos);
  EXPECT_NE(parse_error("ws://h:12ab/").find("bad port"), std::string::npos);
  EXPECT_NE(parse_error("ws://[::1/").find("IPv6"), std::string::npos);
  EXPECT_NE(parse_error("ws://user@h/").find("user"), std::string::npos);
}

}  // namespace
}  // namespace wsspec
