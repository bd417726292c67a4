// deflate_answer: what wsspec, as the server of a client under test, answers to the client's
// permessage-deflate offers in a compression case. Fixtures: the client's offer header and the
// case's offer in, the 101's Sec-WebSocket-Extensions and the agreed parameters out.
#include "run/deflate_answer.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace wsspec {
namespace {

std::vector<codec::extension_offer> offers(std::string_view header) {
  std::vector<codec::extension_offer> out;
  EXPECT_TRUE(codec::parse_extensions(header, out)) << header;
  return out;
}

// The browsers' offer, the case of Autobahn 12.x: accepted as it is.
TEST(DeflateAnswer, APlainOfferIsAccepted) {
  const auto a = answer_deflate(offers("permessage-deflate; client_max_window_bits"),
                                "permessage-deflate; client_max_window_bits");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->header, "permessage-deflate");
  EXPECT_EQ(a->agreed, codec::deflate_params{});
}

// RFC 7692 7.1.1.1 and 7.1.2.1: the server may state both unasked; it then compresses that way.
TEST(DeflateAnswer, ServerParametersAreStatedUnasked) {
  const auto a =
      answer_deflate(offers("permessage-deflate"),
                     "permessage-deflate; server_no_context_takeover; server_max_window_bits=9");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->header, "permessage-deflate; server_no_context_takeover; server_max_window_bits=9");
  EXPECT_TRUE(a->agreed.server_no_context_takeover);
  EXPECT_EQ(a->agreed.server_max_window_bits, 9);
  EXPECT_EQ(a->agreed.client_max_window_bits, 15);
}

// RFC 7692 7.1.2.2: the client's window can be limited only when it offered the parameter.
TEST(DeflateAnswer, TheClientWindowIsLimitedOnlyWhenOffered) {
  const char* want = "permessage-deflate; client_max_window_bits=10";
  const auto limited = answer_deflate(offers("permessage-deflate; client_max_window_bits"), want);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->header, "permessage-deflate; client_max_window_bits=10");
  EXPECT_EQ(limited->agreed.client_max_window_bits, 10);
  const auto not_offered = answer_deflate(offers("permessage-deflate"), want);
  ASSERT_TRUE(not_offered);
  EXPECT_EQ(not_offered->header, "permessage-deflate");
  EXPECT_EQ(not_offered->agreed.client_max_window_bits, 15);
}

// RFC 7692 5: the first acceptable offer wins; an invalid one before it is declined.
TEST(DeflateAnswer, TheFirstAcceptableOfferWins) {
  const auto a =
      answer_deflate(offers("permessage-deflate; server_max_window_bits=20, permessage-deflate; "
                            "client_no_context_takeover"),
                     "permessage-deflate");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->header, "permessage-deflate; client_no_context_takeover");
  EXPECT_TRUE(a->agreed.client_no_context_takeover);
}

TEST(DeflateAnswer, NoOfferNoCompression) {
  EXPECT_FALSE(answer_deflate({}, "permessage-deflate"));
  EXPECT_FALSE(answer_deflate(offers("x-webkit-deflate-frame"), "permessage-deflate"));
}

}  // namespace
}  // namespace wsspec
