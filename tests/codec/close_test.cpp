// Close bodies and status codes (RFC 6455 5.5.1, 7.4).
#include <gtest/gtest.h>

#include "wsspec/codec/close.hpp"

namespace wsspec::codec {
namespace {

using bytes = std::vector<std::uint8_t>;

TEST(CloseCode, ValidityByRange) {
  for (std::uint16_t c : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
                          3000, 3999, 4000, 4999}) {
    EXPECT_TRUE(is_valid_close_code(c)) << c;
  }
  for (std::uint16_t c : {0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
    EXPECT_FALSE(is_valid_close_code(c)) << c;
  }
}

TEST(CloseCode, EveryCodeIsClassified) {
  int valid = 0;
  for (std::uint32_t c = 0; c <= 0xFFFF; ++c) {
    EXPECT_FALSE(close_code_name(static_cast<std::uint16_t>(c)).empty());
    valid += is_valid_close_code(static_cast<std::uint16_t>(c));
  }
  // 1000-1003, 1007-1014, 3000-4999.
  EXPECT_EQ(valid, 4 + 8 + 2000);
}

TEST(CloseBody, EmptyIsAllowed) {
  close_body b;
  EXPECT_EQ(parse_close_body({}, b), protocol_error::none);
  EXPECT_FALSE(b.code.has_value());
}

TEST(CloseBody, OneByteIsAProtocolError) {
  close_body b;
  const bytes p = {0x03};
  EXPECT_EQ(parse_close_body(p, b), protocol_error::close_payload_one_byte);
  EXPECT_EQ(rfc_section(protocol_error::close_payload_one_byte), "5.5.1");
}

TEST(CloseBody, CodeAndReason) {
  close_body b;
  const bytes p = make_close_body(1000, "bye");
  EXPECT_EQ(p, (bytes{0x03, 0xE8, 'b', 'y', 'e'}));
  ASSERT_EQ(parse_close_body(p, b), protocol_error::none);
  EXPECT_EQ(b.code, 1000);
  EXPECT_EQ(b.reason, "bye");
}

TEST(CloseBody, InvalidCode) {
  close_body b;
  EXPECT_EQ(parse_close_body(make_close_body(1005), b), protocol_error::close_code_invalid);
  EXPECT_EQ(b.code, 1005);
  EXPECT_EQ(parse_close_body(make_close_body(999), b), protocol_error::close_code_invalid);
  EXPECT_EQ(parse_close_body(make_close_body(5000), b), protocol_error::close_code_invalid);
}

TEST(CloseBody, ReasonMustBeUtf8) {
  close_body b;
  bytes p = make_close_body(1000, "ok");
  p.push_back(0xC0);  // never valid in UTF-8
  EXPECT_EQ(parse_close_body(p, b), protocol_error::close_reason_invalid_utf8);
  bytes cut = make_close_body(1000, "\xE2\x82");  // truncated euro sign
  EXPECT_EQ(parse_close_body(cut, b), protocol_error::close_reason_invalid_utf8);
  EXPECT_EQ(parse_close_body(make_close_body(4000, "\xE2\x82\xAC"), b), protocol_error::none);
}

TEST(CloseCodeFor, MapsErrorsToStatusCodes) {
  EXPECT_EQ(close_code_for(protocol_error::invalid_utf8), 1007);
  EXPECT_EQ(close_code_for(protocol_error::reserved_opcode), 1002);
  EXPECT_EQ(close_code_for(protocol_error::message_too_large), 1009);
}

}  // namespace
}  // namespace wsspec::codec
