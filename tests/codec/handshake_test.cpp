// Tests for the opening handshake (codec/include/wsspec/codec/handshake.hpp), RFC 6455 4.
#include "wsspec/codec/handshake.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace wsspec::codec {

static void PrintTo(request_error e, std::ostream* os) { *os << to_string(e); }
static void PrintTo(response_error e, std::ostream* os) { *os << to_string(e); }

namespace {

constexpr std::string_view sample_key = "dGhlIHNhbXBsZSBub25jZQ==";         // RFC 6455 1.3
constexpr std::string_view sample_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";  // RFC 6455 1.3

// RFC 6455 1.3, the sample client handshake.
constexpr std::string_view rfc_request =
    "GET /chat HTTP/1.1\r\n"
    "Host: server.example.com\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Origin: http://example.com\r\n"
    "Sec-WebSocket-Protocol: chat, superchat\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "\r\n";

// RFC 6455 1.3, the sample server handshake.
constexpr std::string_view rfc_response =
    "HTTP/1.1 101 Switching Protocols\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
    "Sec-WebSocket-Protocol: chat\r\n"
    "\r\n";

const std::vector<std::string> sample_protocols = {"chat", "superchat"};

http_request parse_ok(std::string_view bytes) {
  http_request req;
  const http_parse_result r = parse_request(bytes, req);
  EXPECT_TRUE(r.complete()) << to_string(r.error) << "\n" << bytes;
  return req;
}

http_response parse_response_ok(std::string_view bytes) {
  http_response res;
  const http_parse_result r = parse_response(bytes, res);
  EXPECT_TRUE(r.complete()) << to_string(r.error) << "\n" << bytes;
  return res;
}

// The RFC sample request, built with the builder so tests can edit it.
client_request sample_request() {
  client_request req = default_request("server.example.com", "/chat", sample_key, sample_protocols);
  return req;
}

request_validation validate(const client_request& req) {
  return validate_request(parse_ok(req.serialize()));
}

// Asserts the full outcome of an invalid request: error, status, section and message prefix.
void expect_request_error(const client_request& req, request_error error, int status,
                          std::string_view section) {
  const request_validation v = validate(req);
  EXPECT_EQ(v.error, error) << req.serialize();
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.status, status);
  EXPECT_EQ(v.section, section);
  EXPECT_EQ(v.message.substr(0, describe(error).size()), describe(error));
}

// ---------------------------------------------------------------------------------------------
// Key and accept

TEST(HandshakeKey, RfcSampleAccept) {
  EXPECT_EQ(compute_accept(sample_key), sample_accept);
  EXPECT_TRUE(is_valid_key(sample_key));
  // The accept hashes the key text as sent: a non-canonical spelling of the same 16 bytes
  // gives another accept value.
  EXPECT_EQ(compute_accept("dGhlIHNhbXBsZSBub25jZR=="), "Zgw8jYXtqX5qJr7MJ1Q/MqzeSRI=");
}

TEST(HandshakeKey, MakeKey) {
  const std::string_view nonce = "the sample nonce";
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t i = 0; i < 16; ++i) bytes[i] = static_cast<std::uint8_t>(nonce[i]);
  EXPECT_EQ(make_key(bytes), sample_key);
  std::array<std::uint8_t, 16> counting{};
  for (std::size_t i = 0; i < 16; ++i) counting[i] = static_cast<std::uint8_t>(i);
  EXPECT_EQ(make_key(counting), "AAECAwQFBgcICQoLDA0ODw==");
  EXPECT_TRUE(is_valid_key(make_key(counting)));
}

TEST(HandshakeKey, DecodeKey) {
  const auto decoded = decode_key(sample_key);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(std::string(decoded->begin(), decoded->end()), "the sample nonce");
  // Non-canonical: "R" carries a set unused bit; still 16 bytes, accepted (documented).
  const auto non_canonical = decode_key("dGhlIHNhbXBsZSBub25jZR==");
  ASSERT_TRUE(non_canonical.has_value());
  EXPECT_EQ(*non_canonical, *decoded);
}

TEST(HandshakeKey, InvalidKeys) {
  EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25j"));       // 15 bytes, no padding
  EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25jZSE="));   // 17 bytes: also 24 characters
  EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25jZSEh"));   // 18 bytes: 24 characters, no "="
  EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25jZQ"));     // 16 bytes without padding
  EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25jZQ="));    // one "=" short
  EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25jZQ==="));  // one "=" too many
  EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25j*Q=="));   // not base64
  EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25j-Q=="));   // URL-safe alphabet
  EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25j_Q=="));
  EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25 jZQ="));  // whitespace inside
  EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25jZQ=a"));  // padding then data
  EXPECT_FALSE(is_valid_key("dGhlIHNhbXBsZSBub25jZ=Q="));
  EXPECT_FALSE(is_valid_key(""));
  EXPECT_FALSE(decode_key("dGhlIHNhbXBsZSBub25jZSE=").has_value());
}

// ---------------------------------------------------------------------------------------------
// Building

TEST(HandshakeBuild, DefaultRequestIsTheRfcSampleWithoutOrigin) {
  const client_request req = sample_request();
  EXPECT_EQ(req.serialize(),
            "GET /chat HTTP/1.1\r\n"
            "Host: server.example.com\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: chat, superchat\r\n"
            "\r\n");
}

TEST(HandshakeBuild, DefaultRequestWithExtensionsAndNoProtocols) {
  const std::vector<std::string> ext = {"permessage-deflate; client_max_window_bits", "x-foo"};
  const client_request req = default_request("h:9001", "/", sample_key, {}, ext);
  EXPECT_EQ(req.serialize(),
            "GET / HTTP/1.1\r\n"
            "Host: h:9001\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, x-foo\r\n"
            "\r\n");
}

TEST(HandshakeBuild, RequestIsFreelyEditable) {
  client_request req = default_request("h", "/", sample_key);
  req.method = "get";
  req.version = "HTTP/1.0";
  req.fields.insert(req.fields.begin(), {"Sec-WebSocket-Key", "dup"});
  req.fields[2].name = "Upgarde";
  remove_fields(req.fields, "Connection");
  req.fields.push_back({"X-Empty", ""});
  EXPECT_EQ(req.serialize(),
            "get / HTTP/1.0\r\n"
            "Sec-WebSocket-Key: dup\r\n"
            "Host: h\r\n"
            "Upgarde: websocket\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "X-Empty: \r\n"
            "\r\n");
}

TEST(HandshakeBuild, RfcSampleResponseByteExact) {
  EXPECT_EQ(build_response(compute_accept(sample_key), "chat"), rfc_response);
  EXPECT_EQ(build_response(sample_accept),
            "HTTP/1.1 101 Switching Protocols\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            "\r\n");
  EXPECT_EQ(build_response(sample_accept, std::nullopt, "permessage-deflate"),
            "HTTP/1.1 101 Switching Protocols\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            "Sec-WebSocket-Extensions: permessage-deflate\r\n"
            "\r\n");
}

TEST(HandshakeBuild, ServerResponseIsEditable) {
  server_response res = default_response(sample_accept);
  res.status = 7;
  res.reason = "";
  res.fields.erase(res.fields.begin());
  EXPECT_EQ(res.serialize(),
            "HTTP/1.1 007 \r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            "\r\n");
}

TEST(HandshakeBuild, ErrorResponses) {
  EXPECT_EQ(build_error_response(426),
            "HTTP/1.1 426 Upgrade Required\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "Content-Length: 0\r\n"
            "\r\n");
  // An explicit version list replaces the default one.
  EXPECT_EQ(build_error_response(426, {{"Sec-WebSocket-Version", "13, 8"}}),
            "HTTP/1.1 426 Upgrade Required\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Version: 13, 8\r\n"
            "Content-Length: 0\r\n"
            "\r\n");
  EXPECT_EQ(build_error_response(400),
            "HTTP/1.1 400 Bad Request\r\n"
            "Content-Length: 0\r\n"
            "\r\n");
  EXPECT_EQ(build_error_response(405, error_response_fields(request_error::method_not_get), "no"),
            "HTTP/1.1 405 Method Not Allowed\r\n"
            "Allow: GET\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 2\r\n"
            "\r\n"
            "no");
  EXPECT_EQ(build_error_response(431, {{"Connection", "close"}}),
            "HTTP/1.1 431 Request Header Fields Too Large\r\n"
            "Connection: close\r\n"
            "Content-Length: 0\r\n"
            "\r\n");
  EXPECT_EQ(build_error_response(599), "HTTP/1.1 599 \r\nContent-Length: 0\r\n\r\n");
  // The error reply the validator suggests for a bad version is a conforming 426.
  const http_response res = parse_response_ok(
      build_error_response(suggested_status(request_error::unsupported_version),
                           error_response_fields(request_error::unsupported_version)));
  EXPECT_EQ(res.status, 426);
  EXPECT_EQ(field_values(res.fields, "Sec-WebSocket-Version"),
            (std::vector<std::string_view>{"13"}));
}

// ---------------------------------------------------------------------------------------------
// Extensions (RFC 6455 9.1)

TEST(HandshakeExtensions, ParsesOffersWithParams) {
  std::vector<extension_offer> out;
  ASSERT_TRUE(parse_extensions("permessage-deflate; client_max_window_bits, x-foo; a=\"b\"", out));
  const std::vector<extension_offer> expected = {
      {"permessage-deflate", {{"client_max_window_bits", std::nullopt}}},
      {"x-foo", {{"a", "b"}}},
  };
  EXPECT_EQ(out, expected);
}

TEST(HandshakeExtensions, WhitespaceEscapesAndEmptyElements) {
  std::vector<extension_offer> out;
  ASSERT_TRUE(parse_extensions(
      " , a ;b = 1\t; c=\"\\d\\e\" ,, permessage-deflate;server_no_context_takeover ,", out));
  const std::vector<extension_offer> expected = {
      {"a", {{"b", "1"}, {"c", "de"}}},
      {"permessage-deflate", {{"server_no_context_takeover", std::nullopt}}},
  };
  EXPECT_EQ(out, expected);
  // Appends: a second header line adds to the same list.
  ASSERT_TRUE(parse_extensions("x", out));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2], (extension_offer{"x", {}}));
}

TEST(HandshakeExtensions, MalformedOffers) {
  for (std::string_view bad : {
           "",                     // 1#extension: at least one
           " , ,",                 // only empty elements
           "permessage-deflate;",  // ";" without a param
           "; a",                  // no extension name
           "x-foo; a=",            // "=" without a value
           "x-foo; =b",            // value without a name
           "x-foo; a=\"b c\"",     // unescaped value is not a token
           "x-foo; a=\"\"",        // empty quoted value is not a token
           "x-foo; a=\"b",         // unterminated quoted-string
           "x-foo; a=\"b\\",       // unterminated quoted-pair
           "x-foo; a=\"b\"c",      // junk after the quoted-string
           "x-foo a",              // two tokens without a separator
           "x-foo; a=b=c",         // two "="
           "x-foo; a b",           // param with a space inside
           "x@foo",                // not a token
           "x-foo; a=\"\x01\"",    // control character in a quoted-string
           "x-foo; a=\"\\\x01\"",  // control character in a quoted-pair
           "\"x-foo\"",            // the extension name cannot be quoted
           "x-foo; \"a\"=b",       // nor the param name
       }) {
    std::vector<extension_offer> out;
    EXPECT_FALSE(parse_extensions(bad, out)) << bad;
  }
}

TEST(HandshakeExtensions, FormatIsTheInverseOfParse) {
  const std::vector<extension_offer> offers = {
      {"permessage-deflate",
       {{"client_max_window_bits", std::nullopt}, {"server_max_window_bits", "10"}}},
      {"x-foo", {}},
  };
  const std::string text = format_extensions(offers);
  EXPECT_EQ(text, "permessage-deflate; client_max_window_bits; server_max_window_bits=10, x-foo");
  std::vector<extension_offer> back;
  ASSERT_TRUE(parse_extensions(text, back));
  EXPECT_EQ(back, offers);
  // A value that is not a token is still written, quoted and escaped, for negative tests.
  const std::vector<extension_offer> weird = {{"x", {{"a", "b \"c\""}}}};
  EXPECT_EQ(format_extensions(weird), "x; a=\"b \\\"c\\\"\"");
}

// ---------------------------------------------------------------------------------------------
// Server side: validate_request (RFC 6455 4.2.1)

TEST(HandshakeRequest, RfcSampleIsValid) {
  const request_validation v = validate_request(parse_ok(rfc_request));
  ASSERT_TRUE(v.ok()) << v.message;
  EXPECT_EQ(v.error, request_error::none);
  EXPECT_EQ(v.status, 0);
  EXPECT_EQ(v.section, "");
  EXPECT_EQ(v.key, sample_key);
  EXPECT_EQ(v.protocols, sample_protocols);
  EXPECT_TRUE(v.extensions.empty());
  EXPECT_EQ(compute_accept(v.key), sample_accept);
}

TEST(HandshakeRequest, HeaderNamesAndTokensAreCaseInsensitive) {
  const request_validation v =
      validate_request(parse_ok("GET /chat HTTP/1.1\r\n"
                                "host: server.example.com\r\n"
                                "UPGRADE: WebSocket\r\n"
                                "connection: upgrade\r\n"
                                "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                "SEC-WEBSOCKET-VERSION: 13\r\n"
                                "\r\n"));
  EXPECT_TRUE(v.ok()) << v.message;
  EXPECT_EQ(v.key, sample_key);
}

TEST(HandshakeRequest, ConnectionTokenLists) {
  for (std::string_view good : {"keep-alive, Upgrade", "upgrade", "UPGRADE", "Upgrade,keep-alive",
                                " keep-alive ,  Upgrade  ", "close, , upgrade"}) {
    client_request req = sample_request();
    set_field(req.fields, "Connection", good);
    EXPECT_TRUE(validate(req).ok()) << good;
  }
  for (std::string_view bad : {"Upgradex", "keep-alive", "keep-alive Upgrade", "Up-grade", ""}) {
    client_request req = sample_request();
    set_field(req.fields, "Connection", bad);
    expect_request_error(req, request_error::connection_not_upgrade, 400, "4.2.1");
  }
  // Split over two lines: the same as one line with both tokens (RFC 7230 3.2.2).
  client_request req = sample_request();
  set_field(req.fields, "Connection", "keep-alive");
  req.fields.push_back({"Connection", "Upgrade"});
  EXPECT_TRUE(validate(req).ok());

  client_request missing = sample_request();
  remove_fields(missing.fields, "Connection");
  expect_request_error(missing, request_error::missing_connection, 400, "4.2.1");
}

TEST(HandshakeRequest, Upgrade) {
  client_request missing = sample_request();
  remove_fields(missing.fields, "Upgrade");
  expect_request_error(missing, request_error::missing_upgrade, 400, "4.2.1");

  client_request misspelled_name = sample_request();
  misspelled_name.fields[1].name = "Upgarde";
  expect_request_error(misspelled_name, request_error::missing_upgrade, 400, "4.2.1");

  for (std::string_view bad : {"websockets", "web socket", "websocket/13", "h2c", ""}) {
    client_request req = sample_request();
    set_field(req.fields, "Upgrade", bad);
    expect_request_error(req, request_error::upgrade_not_websocket, 400, "4.2.1");
  }
  for (std::string_view good : {"WebSocket", "WEBSOCKET", "h2c, websocket", "websocket, h2c"}) {
    client_request req = sample_request();
    set_field(req.fields, "Upgrade", good);
    EXPECT_TRUE(validate(req).ok()) << good;
  }
  // A duplicated Upgrade line is legal HTTP (Upgrade is a list, RFC 7230 3.2.2, 6.7); the
  // request still offers websocket, so it is accepted (documented in handshake.hpp).
  client_request duplicate = sample_request();
  duplicate.fields.insert(duplicate.fields.begin() + 2, {"Upgrade", "websocket"});
  EXPECT_TRUE(validate(duplicate).ok());
  client_request split = sample_request();
  set_field(split.fields, "Upgrade", "h2c");
  split.fields.push_back({"Upgrade", "websocket"});
  EXPECT_TRUE(validate(split).ok());
  // But two lines without websocket are still not an upgrade to websocket.
  client_request neither = sample_request();
  set_field(neither.fields, "Upgrade", "h2c");
  neither.fields.push_back({"Upgrade", "websockets"});
  expect_request_error(neither, request_error::upgrade_not_websocket, 400, "4.2.1");
}

TEST(HandshakeRequest, Keys) {
  client_request missing = sample_request();
  remove_fields(missing.fields, "Sec-WebSocket-Key");
  expect_request_error(missing, request_error::missing_key, 400, "4.2.1");

  client_request duplicate = sample_request();
  duplicate.fields.push_back({"Sec-WebSocket-Key", std::string(sample_key)});
  expect_request_error(duplicate, request_error::duplicate_key, 400, "11.3.1");

  for (std::string_view bad : {
           "dGhlIHNhbXBsZSBub25j",                                // 15 bytes
           "dGhlIHNhbXBsZSBub25jZSE=",                            // 17 bytes
           "dGhlIHNhbXBsZSBub25jZQ",                              // missing padding
           "dGhlIHNhbXBsZSBub25j*Q==",                            // not base64
           "",                                                    // empty
           "dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ==",  // two keys on one line
       }) {
    client_request req = sample_request();
    set_field(req.fields, "Sec-WebSocket-Key", bad);
    expect_request_error(req, request_error::invalid_key, 400, "4.2.1");
  }
  // Surrounding OWS is not part of the value (RFC 7230 3.2.4).
  client_request padded = sample_request();
  set_field(padded.fields, "Sec-WebSocket-Key", "  dGhlIHNhbXBsZSBub25jZQ==\t");
  const request_validation v = validate(padded);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.key, sample_key);
}

TEST(HandshakeRequest, Versions) {
  for (std::string_view bad : {"8", "14", "13, 8", "8, 13", "013", "13.0", "abc", ""}) {
    client_request req = sample_request();
    set_field(req.fields, "Sec-WebSocket-Version", bad);
    expect_request_error(req, request_error::unsupported_version, 426, "4.2.2");
    EXPECT_EQ(error_response_fields(request_error::unsupported_version),
              (http_fields{{"Sec-WebSocket-Version", "13"}}));
  }
  client_request missing = sample_request();
  remove_fields(missing.fields, "Sec-WebSocket-Version");
  expect_request_error(missing, request_error::missing_version, 400, "4.2.1");
  EXPECT_EQ(error_response_fields(request_error::missing_version),
            (http_fields{{"Sec-WebSocket-Version", "13"}}));

  client_request duplicate = sample_request();
  duplicate.fields.push_back({"Sec-WebSocket-Version", "13"});
  expect_request_error(duplicate, request_error::duplicate_version, 400, "11.3.5");
}

TEST(HandshakeRequest, MethodAndHttpVersion) {
  for (std::string_view method : {"POST", "get", "HEAD", "PUT"}) {
    client_request req = sample_request();
    req.method = method;
    expect_request_error(req, request_error::method_not_get, 405, "4.2.1");
  }
  EXPECT_EQ(error_response_fields(request_error::method_not_get), (http_fields{{"Allow", "GET"}}));

  client_request old = sample_request();
  old.version = "HTTP/1.0";
  expect_request_error(old, request_error::http_version_too_old, 400, "4.2.1");
  EXPECT_EQ(validate(old).message, "the HTTP version is below 1.1: HTTP/1.0");
  old.version = "HTTP/0.9";
  expect_request_error(old, request_error::http_version_too_old, 400, "4.2.1");

  // "HTTP/1.1 or higher" (documented choice).
  for (std::string_view newer : {"HTTP/1.2", "HTTP/2.0"}) {
    client_request req = sample_request();
    req.version = newer;
    EXPECT_TRUE(validate(req).ok()) << newer;
  }
}

TEST(HandshakeRequest, Host) {
  client_request missing = sample_request();
  remove_fields(missing.fields, "Host");
  expect_request_error(missing, request_error::missing_host, 400, "4.2.1");

  client_request two = sample_request();
  two.fields.push_back({"Host", "server.example.com"});
  expect_request_error(two, request_error::duplicate_host, 400, "4.2.1");

  for (std::string_view bad : {"", "a b", "a.example:80x", "a.example:80:81", "[::1", "[]", "a%zz",
                               "a.example, b.example", ":80"}) {
    client_request req = sample_request();
    set_field(req.fields, "Host", bad);
    expect_request_error(req, request_error::invalid_host, 400, "4.2.1");
  }
  for (std::string_view good : {"a", "a.example:9001", "a.example:", "127.0.0.1", "[::1]:9001",
                                "[v1.fe]", "xn--bcher-kva.example", "a%41b"}) {
    client_request req = sample_request();
    set_field(req.fields, "Host", good);
    EXPECT_TRUE(validate(req).ok()) << good;
  }
}

TEST(HandshakeRequest, RequestTarget) {
  for (std::string_view good :
       {"/", "/chat?x=1", "http://server.example.com/chat", "HTTPS://server.example.com/"}) {
    client_request req = sample_request();
    req.target = good;
    EXPECT_TRUE(validate(req).ok()) << good;
  }
  for (std::string_view bad : {"*", "chat", "/chat#frag", "ws://server.example.com/chat",
                               "server.example.com:80", "http://"}) {
    client_request req = sample_request();
    req.target = bad;
    expect_request_error(req, request_error::bad_request_target, 400, "4.2.1");
  }
}

TEST(HandshakeRequest, Subprotocols) {
  client_request split = sample_request();
  set_field(split.fields, "Sec-WebSocket-Protocol", "chat");
  split.fields.push_back({"Sec-WebSocket-Protocol", "superchat, v2.json"});
  const request_validation v = validate(split);
  ASSERT_TRUE(v.ok()) << v.message;
  EXPECT_EQ(v.protocols, (std::vector<std::string>{"chat", "superchat", "v2.json"}));

  client_request dup = sample_request();
  set_field(dup.fields, "Sec-WebSocket-Protocol", "chat, superchat, chat");
  expect_request_error(dup, request_error::duplicate_protocol, 400, "4.3");
  client_request dup_lines = sample_request();
  dup_lines.fields.push_back({"Sec-WebSocket-Protocol", "chat"});
  expect_request_error(dup_lines, request_error::duplicate_protocol, 400, "4.3");

  for (std::string_view bad : {"ch@t", "chat, super chat", "\"chat\"", "", " , "}) {
    client_request req = sample_request();
    set_field(req.fields, "Sec-WebSocket-Protocol", bad);
    expect_request_error(req, request_error::invalid_protocol, 400, "4.3");
  }
  // Subprotocols are opaque: differing case is two offers.
  client_request cased = sample_request();
  set_field(cased.fields, "Sec-WebSocket-Protocol", "chat, CHAT");
  EXPECT_TRUE(validate(cased).ok());
}

TEST(HandshakeRequest, Extensions) {
  client_request req = sample_request();
  req.fields.push_back(
      {"Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits, x-foo; a=\"b\""});
  req.fields.push_back({"Sec-WebSocket-Extensions", "x-bar"});
  const request_validation v = validate(req);
  ASSERT_TRUE(v.ok()) << v.message;
  const std::vector<extension_offer> expected = {
      {"permessage-deflate", {{"client_max_window_bits", std::nullopt}}},
      {"x-foo", {{"a", "b"}}},
      {"x-bar", {}},
  };
  EXPECT_EQ(v.extensions, expected);

  for (std::string_view bad : {"permessage-deflate;", "x-foo; a=\"b c\"", "", "x@y"}) {
    client_request r = sample_request();
    r.fields.push_back({"Sec-WebSocket-Extensions", std::string(bad)});
    expect_request_error(r, request_error::invalid_extensions, 400, "9.1");
  }
}

TEST(HandshakeRequest, EachErrorHasSectionStatusAndName) {
  struct row {
    request_error e;
    std::string_view name, section;
    int status;
  };
  const row rows[] = {
      {request_error::none, "none", "", 0},
      {request_error::method_not_get, "method_not_get", "4.2.1", 405},
      {request_error::http_version_too_old, "http_version_too_old", "4.2.1", 400},
      {request_error::bad_request_target, "bad_request_target", "4.2.1", 400},
      {request_error::missing_host, "missing_host", "4.2.1", 400},
      {request_error::duplicate_host, "duplicate_host", "4.2.1", 400},
      {request_error::invalid_host, "invalid_host", "4.2.1", 400},
      {request_error::missing_upgrade, "missing_upgrade", "4.2.1", 400},
      {request_error::upgrade_not_websocket, "upgrade_not_websocket", "4.2.1", 400},
      {request_error::missing_connection, "missing_connection", "4.2.1", 400},
      {request_error::connection_not_upgrade, "connection_not_upgrade", "4.2.1", 400},
      {request_error::missing_key, "missing_key", "4.2.1", 400},
      {request_error::duplicate_key, "duplicate_key", "11.3.1", 400},
      {request_error::invalid_key, "invalid_key", "4.2.1", 400},
      {request_error::missing_version, "missing_version", "4.2.1", 400},
      {request_error::duplicate_version, "duplicate_version", "11.3.5", 400},
      {request_error::unsupported_version, "unsupported_version", "4.2.2", 426},
      {request_error::invalid_protocol, "invalid_protocol", "4.3", 400},
      {request_error::duplicate_protocol, "duplicate_protocol", "4.3", 400},
      {request_error::invalid_extensions, "invalid_extensions", "9.1", 400},
  };
  for (const row& r : rows) {
    EXPECT_EQ(to_string(r.e), r.name);
    EXPECT_EQ(rfc_section(r.e), r.section) << r.name;
    EXPECT_EQ(suggested_status(r.e), r.status) << r.name;
    EXPECT_FALSE(describe(r.e).empty());
  }
}

TEST(HandshakeRequest, MessageQuotesUntrustedValuesSafely) {
  client_request req = sample_request();
  set_field(req.fields, "Sec-WebSocket-Version", "8\xff\"" + std::string(100, 'x'));
  const request_validation v = validate(req);
  EXPECT_EQ(v.message,
            "the Sec-WebSocket-Version is not 13: \"8\\xFF\\x22" + std::string(61, 'x') + "...\"");
}

// ---------------------------------------------------------------------------------------------
// Client side: validate_response (RFC 6455 4.1)

response_validation check(std::string_view response_bytes,
                          std::span<const std::string> protocols = sample_protocols,
                          std::span<const std::string> extensions = {}) {
  return validate_response(parse_response_ok(response_bytes), sample_key, protocols, extensions);
}

server_response sample_response() { return default_response(sample_accept, "chat"); }

void expect_response_error(const server_response& res, response_error error,
                           std::string_view section,
                           std::span<const std::string> protocols = sample_protocols,
                           std::span<const std::string> extensions = {}) {
  const response_validation v = check(res.serialize(), protocols, extensions);
  EXPECT_EQ(v.error, error) << res.serialize();
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.section, section);
  EXPECT_EQ(v.status, res.status);
  EXPECT_EQ(v.message.substr(0, describe(error).size()), describe(error));
}

TEST(HandshakeResponse, RfcSampleIsValid) {
  const response_validation v = check(rfc_response);
  ASSERT_TRUE(v.ok()) << v.message;
  EXPECT_EQ(v.status, 101);
  EXPECT_EQ(v.protocol, "chat");
  EXPECT_TRUE(v.extensions.empty());
  // Without a Sec-WebSocket-Protocol header no subprotocol is selected, offered or not.
  const response_validation none = check(build_response(sample_accept));
  ASSERT_TRUE(none.ok()) << none.message;
  EXPECT_EQ(none.protocol, std::nullopt);
  EXPECT_TRUE(check(build_response(sample_accept), {}).ok());
}

TEST(HandshakeResponse, Status) {
  for (int status : {200, 426, 400, 302, 100}) {
    server_response res = sample_response();
    res.status = status;
    res.reason = std::string(reason_phrase(status));
    expect_response_error(res, response_error::status_not_101, "4.1");
  }
  const response_validation v =
      check("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n\r\n");
  EXPECT_EQ(v.error, response_error::status_not_101);
  EXPECT_EQ(v.status, 426);
  EXPECT_EQ(v.message, "the status is not 101: 426 \"Upgrade Required\"");
}

TEST(HandshakeResponse, UpgradeAndConnection) {
  server_response no_upgrade = sample_response();
  remove_fields(no_upgrade.fields, "Upgrade");
  expect_response_error(no_upgrade, response_error::missing_upgrade, "4.1");

  for (std::string_view bad : {"websockets", "websocket, h2c", "h2c", ""}) {
    server_response res = sample_response();
    set_field(res.fields, "Upgrade", bad);
    expect_response_error(res, response_error::upgrade_not_websocket, "4.1");
  }
  server_response two_lines = sample_response();
  two_lines.fields.push_back({"Upgrade", "websocket"});
  expect_response_error(two_lines, response_error::upgrade_not_websocket, "4.1");

  server_response cased = sample_response();
  set_field(cased.fields, "Upgrade", "WebSocket");
  set_field(cased.fields, "Connection", "keep-alive, upgrade");
  EXPECT_TRUE(check(cased.serialize()).ok());

  server_response no_connection = sample_response();
  remove_fields(no_connection.fields, "Connection");
  expect_response_error(no_connection, response_error::missing_connection, "4.1");
  server_response bad_connection = sample_response();
  set_field(bad_connection.fields, "Connection", "Upgradex");
  expect_response_error(bad_connection, response_error::connection_not_upgrade, "4.1");
}

// A client reads the reason phrase as text and header names without regard to case (RFC 9112
// 4: "A client SHOULD ignore the reason-phrase content"; RFC 9110 5.1: field names are
// case-insensitive), as browsers do: none of these is a broken 101.
TEST(HandshakeResponse, OddReasonPhrasesAndHeaderNameCaseAreValid) {
  const std::string fields_upper =
      "UPGRADE: WEBSOCKET\r\nCONNECTION: UPGRADE\r\n"
      "SEC-WEBSOCKET-ACCEPT: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSEC-WEBSOCKET-PROTOCOL: chat\r\n\r\n";
  const std::string fields_lower =
      "upgrade: websocket\r\nconnection: upgrade\r\n"
      "sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nsec-websocket-protocol: chat\r\n\r\n";
  for (const std::string status_line :
       {"HTTP/1.1 101 Switching Protocols", "HTTP/1.1 101 OK", "HTTP/1.1 101 ", "HTTP/1.1 101",
        "HTTP/1.1 101 Web Socket Protocol Handshake", "HTTP/1.1 101 switching protocols",
        "HTTP/1.1 101 \xc3\x9c"
        "bergang (obs-text)"}) {
    for (const std::string& fields : {fields_upper, fields_lower}) {
      const response_validation v = check(status_line + "\r\n" + fields);
      EXPECT_TRUE(v.ok()) << status_line << "\n" << fields << v.message;
      EXPECT_EQ(v.protocol, "chat");
    }
  }
}

TEST(HandshakeResponse, Accept) {
  server_response missing = sample_response();
  remove_fields(missing.fields, "Sec-WebSocket-Accept");
  expect_response_error(missing, response_error::missing_accept, "4.1");

  server_response duplicate = sample_response();
  duplicate.fields.push_back({"Sec-WebSocket-Accept", std::string(sample_accept)});
  expect_response_error(duplicate, response_error::duplicate_accept, "11.3.3");

  for (std::string_view bad : {"s3pPLMBiTxaQ9kYGzzhZRbK+xOo",
                               "S3PPLMBITXAQ9KYGZZHZRBK+XOO=", "dGhlIHNhbXBsZSBub25jZQ==", ""}) {
    server_response res = sample_response();
    set_field(res.fields, "Sec-WebSocket-Accept", bad);
    expect_response_error(res, response_error::accept_mismatch, "4.1");
  }
  // The accept of another key.
  const response_validation v = validate_response(parse_response_ok(rfc_response),
                                                  "AAECAwQFBgcICQoLDA0ODw==", sample_protocols);
  EXPECT_EQ(v.error, response_error::accept_mismatch);
  EXPECT_EQ(v.message, "the Sec-WebSocket-Accept does not match the key sent: got \"" +
                           std::string(sample_accept) + "\", expected \"" +
                           compute_accept("AAECAwQFBgcICQoLDA0ODw==") + "\"");
}

TEST(HandshakeResponse, Subprotocols) {
  server_response unoffered = sample_response();
  set_field(unoffered.fields, "Sec-WebSocket-Protocol", "megachat");
  expect_response_error(unoffered, response_error::unoffered_protocol, "4.1");

  // Exact comparison: "CHAT" was not offered.
  server_response cased = sample_response();
  set_field(cased.fields, "Sec-WebSocket-Protocol", "CHAT");
  expect_response_error(cased, response_error::unoffered_protocol, "4.1");

  // A subprotocol when the client offered none.
  expect_response_error(sample_response(), response_error::unrequested_protocol, "4.1", {});

  for (std::string_view bad : {"chat, superchat", "", "ch@t"}) {
    server_response res = sample_response();
    set_field(res.fields, "Sec-WebSocket-Protocol", bad);
    expect_response_error(res, response_error::invalid_protocol, "4.3");
  }
  server_response two = sample_response();
  two.fields.push_back({"Sec-WebSocket-Protocol", "chat"});
  expect_response_error(two, response_error::duplicate_protocol, "11.3.4");

  server_response second = sample_response();
  set_field(second.fields, "Sec-WebSocket-Protocol", "superchat");
  const response_validation v = check(second.serialize());
  ASSERT_TRUE(v.ok()) << v.message;
  EXPECT_EQ(v.protocol, "superchat");
}

TEST(HandshakeResponse, Extensions) {
  const std::vector<std::string> offered = {"permessage-deflate", "x-foo"};
  server_response res = default_response(sample_accept, std::nullopt,
                                         "permessage-deflate; server_max_window_bits=10");
  res.fields.push_back({"Sec-WebSocket-Extensions", "X-Foo"});  // erratum 3433; case-insensitive
  const response_validation v = check(res.serialize(), {}, offered);
  ASSERT_TRUE(v.ok()) << v.message;
  const std::vector<extension_offer> expected = {
      {"permessage-deflate", {{"server_max_window_bits", "10"}}},
      {"X-Foo", {}},
  };
  EXPECT_EQ(v.extensions, expected);

  server_response unoffered = default_response(sample_accept, std::nullopt, "x-bar");
  expect_response_error(unoffered, response_error::unoffered_extension, "4.1", {}, offered);
  // Nothing offered at all.
  server_response any = default_response(sample_accept, std::nullopt, "permessage-deflate");
  expect_response_error(any, response_error::unoffered_extension, "4.1", {}, {});

  server_response malformed = default_response(sample_accept, std::nullopt, "permessage-deflate;");
  expect_response_error(malformed, response_error::invalid_extensions, "9.1", {}, offered);
}

TEST(HandshakeResponse, EachErrorHasSectionAndName) {
  struct row {
    response_error e;
    std::string_view name, section;
  };
  const row rows[] = {
      {response_error::none, "none", ""},
      {response_error::status_not_101, "status_not_101", "4.1"},
      {response_error::missing_upgrade, "missing_upgrade", "4.1"},
      {response_error::upgrade_not_websocket, "upgrade_not_websocket", "4.1"},
      {response_error::missing_connection, "missing_connection", "4.1"},
      {response_error::connection_not_upgrade, "connection_not_upgrade", "4.1"},
      {response_error::missing_accept, "missing_accept", "4.1"},
      {response_error::duplicate_accept, "duplicate_accept", "11.3.3"},
      {response_error::accept_mismatch, "accept_mismatch", "4.1"},
      {response_error::invalid_extensions, "invalid_extensions", "9.1"},
      {response_error::unoffered_extension, "unoffered_extension", "4.1"},
      {response_error::duplicate_protocol, "duplicate_protocol", "11.3.4"},
      {response_error::invalid_protocol, "invalid_protocol", "4.3"},
      {response_error::unrequested_protocol, "unrequested_protocol", "4.1"},
      {response_error::unoffered_protocol, "unoffered_protocol", "4.1"},
  };
  for (const row& r : rows) {
    EXPECT_EQ(to_string(r.e), r.name);
    EXPECT_EQ(rfc_section(r.e), r.section) << r.name;
    EXPECT_FALSE(describe(r.e).empty());
  }
}

// ---------------------------------------------------------------------------------------------
// Both sides together

TEST(HandshakeRoundTrip, ClientServerClient) {
  std::array<std::uint8_t, 16> nonce{};
  for (std::size_t i = 0; i < 16; ++i) nonce[i] = static_cast<std::uint8_t>(0xF0 + i);
  const std::string key = make_key(nonce);
  const std::vector<std::string> protocols = {"v1.example"};
  const std::vector<std::string> extensions = {"permessage-deflate; client_max_window_bits"};
  const std::string request_bytes =
      default_request("127.0.0.1:9001", "/", key, protocols, extensions).serialize();

  // Server: parse (the request arrives one byte at a time), validate, answer.
  request_parser parser;
  http_parse_result r;
  for (std::size_t n = 0; n <= request_bytes.size() && !r.complete(); ++n) {
    r = parser.parse(std::string_view(request_bytes).substr(0, n));
  }
  ASSERT_TRUE(r.complete());
  EXPECT_EQ(r.consumed, request_bytes.size());
  const request_validation offer = validate_request(parser.get());
  ASSERT_TRUE(offer.ok()) << offer.message;
  EXPECT_EQ(offer.key, key);
  EXPECT_EQ(offer.protocols, protocols);
  ASSERT_EQ(offer.extensions.size(), 1u);
  EXPECT_EQ(offer.extensions[0].name, "permessage-deflate");

  // The server's reply, with the first frame in the same segment.
  const std::string reply =
      build_response(compute_accept(offer.key), offer.protocols[0], "permessage-deflate") +
      "\x81\x02hi";
  http_response res;
  const http_parse_result rr = parse_response(reply, res);
  ASSERT_TRUE(rr.complete());
  EXPECT_EQ(reply.substr(rr.consumed), "\x81\x02hi");
  const std::vector<std::string> offered_names = {"permessage-deflate"};
  const response_validation v = validate_response(res, key, protocols, offered_names);
  ASSERT_TRUE(v.ok()) << v.message;
  EXPECT_EQ(v.protocol, "v1.example");
  ASSERT_EQ(v.extensions.size(), 1u);
  EXPECT_EQ(v.extensions[0].name, "permessage-deflate");
}

}  // namespace
}  // namespace wsspec::codec
