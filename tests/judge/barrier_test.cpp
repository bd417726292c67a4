// Barriers: a ping sent after the probed bytes, whose pong proves what the target did with
// them; `silence` is that pong, and whatever had not come by then never will.
#include "fixtures.hpp"

namespace wsspec::judge_fixtures {
namespace {

const char* fail_fast = R"({"one_of": [
    {"grade": "pass", "events": [{"fail": {"codes": [1007]}}]},
    {"grade": "non-strict", "events": [{"silence": {}}], "note": "not failed fast"}]})";

TEST(Barrier, Fixtures) {
  const sent with_barrier = sent().barrier("wsspec barrier 1");
  const std::vector<step_fixture> fixtures = {
      {"silence is proven by the barrier's pong",
       R"([{"silence": {}}])",
       with_barrier,
       {barrier_pong("wsspec barrier 1")},
       matched,
       verdict::pass,
       ""},
      {"anything before the barrier's pong breaks the silence",
       R"([{"silence": {}}])",
       with_barrier,
       {text("x"), barrier_pong("wsspec barrier 1")},
       mismatched,
       verdict::fail,
       "expected nothing before the answer to wsspec's next ping; got a text message of 1 byte: "
       "78 |x| (RFC 6455 5.2)"},
      {"failing fast beats the barrier",
       fail_fast,
       with_barrier,
       {close(1007)},
       matched,
       verdict::pass,
       ""},
      {"the barrier's pong first: the target went on without failing",
       fail_fast,
       with_barrier,
       {barrier_pong("wsspec barrier 1")},
       matched,
       verdict::non_strict,
       "not failed fast"},
      {"an awaited event that has not come by the barrier never will",
       R"([{"fail": {"codes": [1002]}}])",
       with_barrier,
       {barrier_pong("wsspec barrier 1")},
       mismatched,
       verdict::fail,
       "expected the target failing the connection (close 1002, or a TCP drop); got the pong of "
       "the barrier ping: the pong of the ping wsspec sent after the probed bytes proves the "
       "target had processed them without doing so (RFC 6455 5.2)"},
      {"a pong of an earlier step's barrier is stale and ignored",
       R"([{"silence": {}}])",
       with_barrier,
       {barrier_pong("wsspec barrier 0"), barrier_pong("wsspec barrier 1")},
       matched,
       verdict::pass,
       ""},
      {"without a barrier, silence is the idle time-out",
       R"([{"silence": {}}])",
       {},
       {idle(500)},
       matched,
       verdict::pass,
       ""},
      {"without a barrier, a pong is no proof of anything",
       R"([{"silence": {}}])",
       {},
       {pong("unsolicited")},
       pending,
       verdict::pass,
       ""},
  };
  for (const auto& f : fixtures) check(f);
}

}  // namespace
}  // namespace wsspec::judge_fixtures
