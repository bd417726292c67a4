// The step matcher after wsspec's FIN (an end_sending step): a time-out that decides the step
// says how long the target kept its end of TCP open since the FIN, measured from the FIN (not
// from the target's last frame), whether it mismatches or decides a graded alternative.
#include "fixtures.hpp"

namespace wsspec::judge_fixtures {
namespace {

observation idle_at(double t_ms, double idle_ms, bool bound = false) {
  observation o = idle(idle_ms);
  o.t_ms = t_ms;
  o.bound = bound;
  return o;
}

sent_context fin_at(std::optional<double> at_ms) {
  sent_context c = sent().sections({"7.2.1"});
  c.ended_sending_at_ms = at_ms;
  return c;
}

step_outcome run(std::string_view expect_json, const sent_context& ctx,
                 const std::vector<observation>& seen) {
  step_matcher m(step(expect_json), ctx);
  for (const auto& o : seen) {
    if (m.decided()) break;
    m.feed(o);
  }
  return m.outcome();
}

constexpr std::string_view graded = R"({"one_of": [
    {"grade": "pass", "events": [{"any": {}}, {"drop": {}}]},
    {"grade": "fail", "events": [{"any": {}}, {"silence": {}}], "note": "it did not close"}]})";

TEST(AfterFin, AMismatchByTimeOutSaysHowLongTheTargetKeptItsEndOpen) {
  const auto out = run(R"([{"drop": {}}])", fin_at(1000.0), {idle_at(3503.4, 2500)});
  EXPECT_EQ(out.status, step_outcome::state::mismatched);
  EXPECT_EQ(out.reason,
            "expected the TCP connection to end; nothing for 2500 ms (time-out) (it kept its end "
            "of TCP open 2503 ms after wsspec's FIN with no close frame) (RFC 6455 7.2.1)");
}

TEST(AfterFin, AGradedTimeOutGetsTheSameFact) {
  // Frames after the FIN: the time counts from the FIN, not from the last frame.
  const auto out = run(graded, fin_at(1000.0), {text("late"), idle_at(4000, 2500)});
  EXPECT_EQ(out.status, step_outcome::state::matched);
  EXPECT_EQ(out.grade, verdict::fail);
  EXPECT_EQ(out.note,
            "it did not close (it kept its end of TCP open 3000 ms after wsspec's FIN with no "
            "close frame)");
}

TEST(AfterFin, TheTimeBoundSaysTheTargetKeptSending) {
  const auto out = run(graded, fin_at(500.0), {text("a"), text("b"), idle_at(5500, 2500, true)});
  EXPECT_EQ(out.grade, verdict::fail);
  EXPECT_NE(out.note.find("open 5000 ms after wsspec's FIN with no close frame, sending all the "
                          "while"),
            std::string::npos)
      << out.note;
}

TEST(AfterFin, NothingIsAddedWithoutAFinOrWhenTheTargetClosed) {
  const auto no_fin = run(R"([{"drop": {}}])", fin_at(std::nullopt), {idle_at(3500, 2500)});
  EXPECT_EQ(no_fin.reason,
            "expected the TCP connection to end; nothing for 2500 ms (time-out) (RFC 6455 7.2.1)");
  const auto closed = run(graded, fin_at(1000.0), {drop()});
  EXPECT_EQ(closed.grade, verdict::pass);
  EXPECT_EQ(closed.note, "");
}

}  // namespace
}  // namespace wsspec::judge_fixtures
