// RFC 6455 4.1: a browser's opening request carries an Origin field; other clients may leave
// it out. Only the user knows the client is a browser (serve-cases --browser, run_options::
// client_is_browser). Input (the request, and whether it comes from a browser) -> verdict.
#include <gtest/gtest.h>

#include <string>

#include "client_under_test.hpp"
#include "raw_client.hpp"

namespace wsspec {
namespace {

using test::against_raw_client;
using test::builtin;
using test::masked_frame;
using test::message_of;
using test::quick;
using test::request_with;

std::string echo_of_valid_request() {
  return masked_frame(0x81, message_of("client/valid-request", 1));
}

run_options browser() {
  run_options o = quick();
  o.client_is_browser = true;
  return o;
}

TEST(ClientOrigin, ABrowserRequestWithoutOriginFails) {
  const auto r = against_raw_client(builtin("client/valid-request"), request_with(""),
                                    echo_of_valid_request, browser());
  EXPECT_EQ(r.data, verdict::fail) << r.reason;
  EXPECT_NE(r.reason.find("Origin"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("RFC 6455 4.1"), std::string::npos) << r.reason;
}

TEST(ClientOrigin, ABrowserRequestWithOriginPasses) {
  const auto r =
      against_raw_client(builtin("client/valid-request"), request_with("Origin: null\r\n"),
                         echo_of_valid_request, browser());
  EXPECT_EQ(r.data, verdict::pass) << r.reason;
}

TEST(ClientOrigin, AnotherClientMayLeaveOriginOut) {
  const auto r =
      against_raw_client(builtin("client/valid-request"), request_with(""), echo_of_valid_request);
  EXPECT_EQ(r.data, verdict::pass) << r.reason;
}

}  // namespace
}  // namespace wsspec
