// The pong rules: 5.5.2 (answer pings), 5.5.3 (unsolicited pongs; only the most recent ping
// need be answered) and 7.1.7 (no answer to a ping sent after data that had to be rejected).
#include "fixtures.hpp"

namespace wsspec::judge_fixtures {
namespace {

const char* ten_pongs = R"j({"one_of": [
    {"grade": "pass", "events": [
      {"pong": {"payload": "p0"}}, {"pong": {"payload": "p1"}}, {"pong": {"payload": "p2"}},
      {"pong": {"payload": "p3"}}, {"pong": {"payload": "p4"}}, {"pong": {"payload": "p5"}},
      {"pong": {"payload": "p6"}}, {"pong": {"payload": "p7"}}, {"pong": {"payload": "p8"}},
      {"pong": {"payload": "p9"}}], "note": "every ping answered"},
    {"grade": "non-strict", "events": [{"pong": {"payload": "p9"}}],
     "note": "only some pings answered, the most recent one among them (5.5.3)"}]})j";

TEST(PongRules, Fixtures) {
  const sent ten = sent()
                       .pings({"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"})
                       .sections({"5.5.2", "5.5.3"});
  std::vector<observation> all;
  for (int i = 0; i < 10; ++i) all.push_back(pong("p" + std::to_string(i)));
  const std::vector<step_fixture> fixtures = {
      {"every ping answered, in order", ten_pongs, ten, all, matched, verdict::pass,
       "every ping answered"},
      {"the 1st, 3rd and 10th answered: legal (5.5.3)",
       ten_pongs,
       ten,
       {pong("p0"), pong("p2"), pong("p9")},
       matched,
       verdict::non_strict,
       "only some pings answered, the most recent one among them (5.5.3)"},
      {"only the last answered",
       ten_pongs,
       ten,
       {pong("p9")},
       matched,
       verdict::non_strict,
       "only some pings answered, the most recent one among them (5.5.3)"},
      {"the last never answered",
       ten_pongs,
       ten,
       {pong("p0"), pong("p2"), idle(2000)},
       mismatched,
       verdict::fail,
       "expected a pong of 2 bytes: 70 30 |p0|, then a pong of 2 bytes: 70 31 |p1|, then a pong "
       "of 2 bytes: 70 32 |p2|, then a pong of 2 bytes: 70 33 |p3|, then a pong of 2 bytes: 70 "
       "34 |p4|, then a pong of 2 bytes: 70 35 |p5|, then a pong of 2 bytes: 70 36 |p6|, then a "
       "pong of 2 bytes: 70 37 |p7|, then a pong of 2 bytes: 70 38 |p8|, then a pong of 2 bytes: "
       "70 39 |p9|; or a pong of 2 bytes: 70 39 |p9|; nothing for 2000 ms (time-out) (RFC 6455 "
       "5.5.2, 5.5.3)"},
      {"an unsolicited pong is ignored (5.5.3)",
       R"([{"message": {"payload": "echo"}}])",
       sent().message("m"),
       {pong("heartbeat"), text("m")},
       matched,
       verdict::pass,
       ""},
      {"a pong to an earlier ping is ignored where an echo is awaited",
       R"([{"message": {"payload": "echo"}}])",
       sent().message("m").pings({"a"}),
       {pong("a"), text("m")},
       matched,
       verdict::pass,
       ""},
      {"a pong answering a ping sent after the invalid data fails the case (7.1.7)",
       R"([{"fail": {"codes": [1002]}}])",
       sent().pings({"fragment1"}).invalid_pings({"fragment1"}),
       {pong("fragment1"), close(1002)},
       mismatched,
       verdict::fail,
       "expected the target failing the connection (close 1002, or a TCP drop); got a pong of 9 "
       "bytes: 66 72 61 67 6d 65 6e 74 31 |fragment1|: it answered a ping wsspec sent after the "
       "invalid data, so it went on processing input it had to reject (RFC 6455 7.1.7: after "
       "failing the connection an endpoint MUST NOT process further data)"},
      {"a pong answering a ping that was itself the invalid frame says so",
       R"([{"fail": {"codes": [1002]}}])",
       sent().pings({"rsv1"}).invalid_pings({"rsv1"}).rule_breaking_pings({"rsv1"}),
       {pong("rsv1")},
       mismatched,
       verdict::fail,
       "expected the target failing the connection (close 1002, or a TCP drop); got a pong of 4 "
       "bytes: 72 73 76 31 |rsv1|: it answered a ping that was itself invalid, so it processed a "
       "frame it had to reject instead of failing the connection (RFC 6455 5.2)"},
      {"a pong to a valid ping sent before the invalid data is fine",
       R"([{"fail": {"codes": [1002]}}])",
       sent().pings({"ok"}).invalid_pings({}),
       {pong("ok"), close(1002)},
       matched,
       verdict::pass,
       ""},
      {"an alternative that expects the pong of an invalid ping takes it",
       R"({"one_of": [{"grade": "pass", "events": [{"fail": {"codes": [1002]}}]},
                      {"grade": "info", "events": [{"pong": {"payload": "echo"}}],
                       "note": "answered"}]})",
       sent().pings({"x"}).invalid_pings({"x"}),
       {pong("x")},
       matched,
       verdict::info,
       "answered"},
  };
  for (const auto& f : fixtures) check(f);
}

}  // namespace
}  // namespace wsspec::judge_fixtures
