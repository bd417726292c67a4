// How the target failed the connection grades the closing behaviour (RFC 6455 7.1.7, 7.4.1).
#include "fixtures.hpp"

namespace wsspec::judge_fixtures {
namespace {

TEST(FailGrading, Fixtures) {
  struct grading {
    const char* name;
    observation seen;
    verdict closing;
    std::string words;
  };
  const std::vector<grading> cases = {
      {"a close with the fitting code", close(1002), verdict::pass, ""},
      {"another code", close(1011), verdict::non_strict,
       "the target failed the connection with a close frame with code 1011 where code 1002 fits "
       "the error (RFC 6455 7.4.1)"},
      {"no code", close(std::nullopt), verdict::non_strict,
       "the target failed the connection with a close frame without a status code where code "
       "1002 fits the error (RFC 6455 7.4.1)"},
      {"a bare TCP drop", drop(), verdict::non_strict,
       "the target dropped the TCP connection without a close frame (RFC 6455 7.1.7: it SHOULD "
       "send one first, with code 1002)"},
      {"a reset", reset(), verdict::non_strict,
       "the target dropped the TCP connection without a close frame (RFC 6455 7.1.7: it SHOULD "
       "send one first, with code 1002)"},
  };
  for (const auto& g : cases) {
    SCOPED_TRACE(g.name);
    const step_outcome out = judge_step(R"([{"fail": {"codes": [1002]}}])", {}, {g.seen});
    EXPECT_STREQ(state_name(out.status), "matched");
    EXPECT_EQ(to_string(out.grade), "pass");
    EXPECT_EQ(to_string(out.closing_grade), to_string(g.closing));
    EXPECT_EQ(out.closing_reason, g.words);
  }
  // An echo is no way to fail a connection.
  const step_outcome echo =
      judge_step(R"([{"fail": {"codes": [1002]}}])", sent().message("m"), {text("m")});
  EXPECT_EQ(echo.reason,
            "expected the target failing the connection (close 1002, or a TCP drop); got a text "
            "message of 1 byte: 6d |m| (RFC 6455 5.2)");
  // A close 1000 accepts what had to be refused, where a case lists it as failing first.
  const step_outcome normal = judge_step(
      R"({"one_of": [{"grade": "fail", "events": [{"close": {"codes": [1000]}}],
                      "note": "closed normally: the invalid close was accepted"},
                     {"grade": "pass", "events": [{"fail": {"codes": [1002]}}]}]})",
      {}, {close(1000)});
  EXPECT_EQ(to_string(normal.grade), "fail");
  EXPECT_EQ(normal.note,
            "closed normally: the invalid close was accepted (the target sent a close frame with "
            "code 1000)");
}

}  // namespace
}  // namespace wsspec::judge_fixtures
