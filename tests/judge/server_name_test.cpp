// RFC 6455 4.1's SNI rule for clients, judged from fixtures: (TLS or not, the SNI the
// ClientHello carried, the request's Host field) -> verdict (harness/judge/server_name.hpp).
#include "judge/server_name.hpp"

#include <gtest/gtest.h>

namespace wsspec {
namespace {

TEST(ServerName, TheUrlsHostAsSniPasses) {
  EXPECT_EQ(judge_server_name(true, "localhost", "localhost:9001").grade, verdict::pass);
  // Host names compare without regard to case (RFC 6066 3, RFC 4343).
  EXPECT_EQ(judge_server_name(true, "LocalHost", "localhost:9001").grade, verdict::pass);
  EXPECT_EQ(judge_server_name(true, "example.test", "Example.Test").grade, verdict::pass);
  // SNI carries no trailing dot; a fully qualified Host may.
  EXPECT_EQ(judge_server_name(true, "example.test", "example.test.:443").grade, verdict::pass);
}

TEST(ServerName, NoSniFailsCitingTheMust) {
  const auto j = judge_server_name(true, std::nullopt, "localhost:9001");
  EXPECT_EQ(j.grade, verdict::fail);
  EXPECT_NE(j.reason.find("no server name (SNI) for 'localhost'"), std::string::npos) << j.reason;
  EXPECT_NE(j.reason.find("RFC 6455 4.1"), std::string::npos) << j.reason;
  EXPECT_NE(j.reason.find("MUST"), std::string::npos) << j.reason;
}

TEST(ServerName, AnotherNameFails) {
  const auto j = judge_server_name(true, "example.com", "localhost:9001");
  EXPECT_EQ(j.grade, verdict::fail);
  EXPECT_NE(j.reason.find("names 'example.com' (SNI), not the host of its URL 'localhost'"),
            std::string::npos)
      << j.reason;
  // A name that only starts like the host is another name.
  EXPECT_EQ(judge_server_name(true, "localhost.evil", "localhost").grade, verdict::fail);
  EXPECT_EQ(judge_server_name(true, "localhos", "localhost").grade, verdict::fail);
  // Untrusted names are cut short in the reason.
  EXPECT_LT(judge_server_name(true, std::string(5000, 'a'), "localhost").reason.size(), 400u);
}

TEST(ServerName, WithoutTlsOrWithAnIpUrlThereIsNothingToJudge) {
  const auto plain = judge_server_name(false, std::nullopt, "localhost:9001");
  EXPECT_EQ(plain.grade, verdict::unimplemented);
  EXPECT_NE(plain.reason.find("--tls"), std::string::npos) << plain.reason;
  // RFC 6066 3 keeps IP literals out of SNI: a client given one rightly sends none.
  EXPECT_EQ(judge_server_name(true, std::nullopt, "127.0.0.1:9001").grade, verdict::unimplemented);
  EXPECT_EQ(judge_server_name(true, std::nullopt, "[::1]:9001").grade, verdict::unimplemented);
}

TEST(ServerName, TheHostOfAHostField) {
  EXPECT_EQ(host_of_field("localhost:9001"), "localhost");
  EXPECT_EQ(host_of_field(" localhost "), "localhost");
  EXPECT_EQ(host_of_field("[::1]:9001"), "::1");
  EXPECT_EQ(host_of_field("[::1]"), "::1");
  EXPECT_EQ(host_of_field("example.test"), "example.test");
}

}  // namespace
}  // namespace wsspec
