// Barriers (a ping after the probed bytes: its pong proves what the target did with them) and
// the pong rules of RFC 6455 5.5.2/5.5.3 and 7.1.7.
#include "fixtures.hpp"

namespace wsspec::judge_fixtures {
namespace {

struct fixture {
  const char* name;
  const char* expect;
  sent before;
  std::vector<observation> seen;
  step_outcome::state state;
  verdict grade;
  std::string words;
};

void check(const fixture& f) {
  SCOPED_TRACE(f.name);
  const step_outcome out = judge_step(f.expect, f.before, f.seen);
  EXPECT_STREQ(state_name(out.status), state_name(f.state));
  if (f.state == step_outcome::state::mismatched) {
    EXPECT_EQ(out.reason, f.words);
  } else {
    EXPECT_EQ(to_string(out.grade), to_string(f.grade));
    EXPECT_EQ(out.note, f.words);
  }
}

constexpr auto matched = step_outcome::state::matched;
constexpr auto mismatched = step_outcome::state::mismatched;
constexpr auto pending = step_outcome::state::pending;

const char* fail_fast = R"({"one_of": [
    {"grade": "pass", "events": [{"fail": {"codes": [1007]}}]},
    {"grade": "non-strict", "events": [{"silence": {}}], "note": "not failed fast"}]})";

TEST(Barrier, Fixtures) {
  const sent with_barrier{.barrier = "wsspec barrier 1"};
  const std::vector<fixture> fixtures = {
      {"silence is proven by the barrier's pong", R"([{"silence": {}}])", with_barrier,
       {barrier_pong("wsspec barrier 1")}, matched, verdict::pass, ""},
      {"anything before the barrier's pong breaks the silence", R"([{"silence": {}}])",
       with_barrier, {text("x"), barrier_pong("wsspec barrier 1")}, mismatched, verdict::fail,
       "expected nothing before the answer to wsspec's next ping; got a text message of 1 byte: "
       "78 |x| (RFC 6455 5.2)"},
      {"failing fast beats the barrier", fail_fast, with_barrier, {close(1007)}, matched,
       verdict::pass, ""},
      {"the barrier's pong first: the target went on without failing", fail_fast, with_barrier,
       {barrier_pong("wsspec barrier 1")}, matched, verdict::non_strict, "not failed fast"},
      {"an awaited event that has not come by the barrier never will",
       R"([{"fail": {"codes": [1002]}}])", with_barrier, {barrier_pong("wsspec barrier 1")},
       mismatched, verdict::fail,
       "expected the target failing the connection (close 1002, or a TCP drop); got the pong of "
       "the barrier ping: the pong of the ping wsspec sent after the probed bytes proves the "
       "target had processed them without doing so (RFC 6455 5.2)"},
      {"a pong of an earlier step's barrier is stale and ignored", R"([{"silence": {}}])",
       with_barrier, {barrier_pong("wsspec barrier 0"), barrier_pong("wsspec barrier 1")},
       matched, verdict::pass, ""},
      {"without a barrier, silence is the idle time-out", R"([{"silence": {}}])", {},
       {idle(500)}, matched, verdict::pass, ""},
      {"without a barrier, a pong is no proof of anything", R"([{"silence": {}}])", {},
       {pong("unsolicited")}, pending, verdict::pass, ""},
  };
  for (const auto& f : fixtures) check(f);
}

const char* ten_pongs = R"j({"one_of": [
    {"grade": "pass", "events": [
      {"pong": {"payload": "p0"}}, {"pong": {"payload": "p1"}}, {"pong": {"payload": "p2"}},
      {"pong": {"payload": "p3"}}, {"pong": {"payload": "p4"}}, {"pong": {"payload": "p5"}},
      {"pong": {"payload": "p6"}}, {"pong": {"payload": "p7"}}, {"pong": {"payload": "p8"}},
      {"pong": {"payload": "p9"}}], "note": "every ping answered"},
    {"grade": "non-strict", "events": [{"pong": {"payload": "p9"}}],
     "note": "only some pings answered, the most recent one among them (5.5.3)"}]})j";

TEST(PongRules, Fixtures) {
  const sent ten{.pings = {"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"},
                 .sections = {"5.5.2", "5.5.3"}};
  std::vector<observation> all;
  for (int i = 0; i < 10; ++i) all.push_back(pong("p" + std::to_string(i)));
  const std::vector<fixture> fixtures = {
      {"every ping answered, in order", ten_pongs, ten, all, matched, verdict::pass,
       "every ping answered"},
      {"the 1st, 3rd and 10th answered: legal (5.5.3)", ten_pongs, ten,
       {pong("p0"), pong("p2"), pong("p9")}, matched, verdict::non_strict,
       "only some pings answered, the most recent one among them (5.5.3)"},
      {"only the last answered", ten_pongs, ten, {pong("p9")}, matched, verdict::non_strict,
       "only some pings answered, the most recent one among them (5.5.3)"},
      {"the last never answered", ten_pongs, ten, {pong("p0"), pong("p2"), idle(2000)},
       mismatched, verdict::fail,
       "expected a pong of 2 bytes: 70 30 |p0|, then a pong of 2 bytes: 70 31 |p1|, then a pong "
       "of 2 bytes: 70 32 |p2|, then a pong of 2 bytes: 70 33 |p3|, then a pong of 2 bytes: 70 "
       "34 |p4|, then a pong of 2 bytes: 70 35 |p5|, then a pong of 2 bytes: 70 36 |p6|, then a "
       "pong of 2 bytes: 70 37 |p7|, then a pong of 2 bytes: 70 38 |p8|, then a pong of 2 bytes: "
       "70 39 |p9|; or a pong of 2 bytes: 70 39 |p9|; nothing for 2000 ms (time-out) (RFC 6455 "
       "5.5.2, 5.5.3)"},
      {"an unsolicited pong is ignored (5.5.3)", R"([{"message": {"payload": "echo"}}])",
       {.last_message = "m"}, {pong("heartbeat"), text("m")}, matched, verdict::pass, ""},
      {"a pong to an earlier ping is ignored where an echo is awaited",
       R"([{"message": {"payload": "echo"}}])", {.last_message = "m", .pings = {"a"}},
       {pong("a"), text("m")}, matched, verdict::pass, ""},
      {"a pong answering a ping sent after the invalid data fails the case (7.1.7)",
       R"([{"fail": {"codes": [1002]}}])",
       {.pings = {"fragment1"}, .invalid_pings = {"fragment1"}},
       {pong("fragment1"), close(1002)}, mismatched, verdict::fail,
       "expected the target failing the connection (close 1002, or a TCP drop); got a pong of 9 "
       "bytes: 66 72 61 67 6d 65 6e 74 31 |fragment1|: it answered a ping wsspec sent after the "
       "invalid data, so it went on processing input it had to reject (RFC 6455 7.1.7: after "
       "failing the connection an endpoint MUST NOT process further data)"},
      {"a pong to a valid ping sent before the invalid data is fine",
       R"([{"fail": {"codes": [1002]}}])", {.pings = {"ok"}, .invalid_pings = {}},
       {pong("ok"), close(1002)}, matched, verdict::pass, ""},
      {"an alternative that expects the pong of an invalid ping takes it",
       R"({"one_of": [{"grade": "pass", "events": [{"fail": {"codes": [1002]}}]},
                      {"grade": "info", "events": [{"pong": {"payload": "echo"}}],
                       "note": "answered"}]})",
       {.pings = {"x"}, .invalid_pings = {"x"}}, {pong("x")}, matched, verdict::info,
       "answered"},
  };
  for (const auto& f : fixtures) check(f);
}

// How the target failed the connection grades the closing behaviour (7.1.7, 7.4.1).
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
      judge_step(R"([{"fail": {"codes": [1002]}}])", {.last_message = "m"}, {text("m")});
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
  EXPECT_EQ(normal.note, "closed normally: the invalid close was accepted");
}

}  // namespace
}  // namespace wsspec::judge_fixtures
