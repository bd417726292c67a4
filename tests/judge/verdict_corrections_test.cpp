// The grades the RFC's text supports, held by tests: each built-in case whose grading was
// corrected is judged here from fixture observations, so a later edit of the case file that
// makes a correct server fail (or a broken one pass) again is caught.
#include "fixtures.hpp"

namespace wsspec::judge_fixtures {
namespace {

const test_case& builtin(const std::string& id) {
  static const std::vector<test_case> cases = [] {
    std::vector<test_case> out;
    case_error err;
    EXPECT_TRUE(load_builtin_cases(out, err)) << err.to_string();
    return out;
  }();
  for (const auto& c : cases)
    if (c.id == id) return c;
  ADD_FAILURE() << "no built-in case " << id;
  static const test_case none;
  return none;
}

// The case's n-th expect step, judged from `seen` after what `before` says was sent.
step_outcome judge_case(const std::string& id, const sent& before,
                        const std::vector<observation>& seen, std::size_t n = 0) {
  const test_case& c = builtin(id);
  for (const auto& s : c.steps) {
    const auto* x = std::get_if<expect_step>(&s);
    if (!x || n-- > 0) continue;
    sent_context ctx = before;
    ctx.sections = c.rfc;
    step_matcher m(*x, ctx);
    for (const auto& o : seen)
      if (!m.decided()) m.feed(o);
    return m.outcome();
  }
  ADD_FAILURE() << id << " has no such expect step";
  return {};
}

std::string grade(const step_outcome& o) {
  if (o.status == step_outcome::state::pending) return "pending";
  if (o.status == step_outcome::state::mismatched) return "fail (mismatch)";
  return std::string(to_string(o.grade));
}

TEST(VerdictCorrections, FrameSentWithTheRequestIsTheClientsFaultSoEveryReactionIsInfo) {
  // RFC 6455 4.1: the client must wait for the 101 before it sends frames.
  const std::string id = "handshake/frame-with-request";
  EXPECT_EQ(grade(judge_case(id, {}, {response(101), text("Hello")})), "info");
  EXPECT_EQ(grade(judge_case(id, {}, {response(101), idle(5000)})), "info");
  EXPECT_EQ(grade(judge_case(id, {}, {response(101), close(1002)})), "info");
  EXPECT_EQ(grade(judge_case(id, {}, {response(400)})), "info");
  EXPECT_EQ(grade(judge_case(id, {}, {drop()})), "info");
}

TEST(VerdictCorrections, MissingKeyMayBeDroppedBut400IsBest) {
  // 4.2.1: an invalid handshake gets an HTTP error; 10.7 allows dropping instead.
  const std::string id = "handshake/missing-key";
  EXPECT_EQ(grade(judge_case(id, {}, {response(400)})), "pass");
  EXPECT_EQ(grade(judge_case(id, {}, {response(403)})), "non-strict");
  EXPECT_EQ(grade(judge_case(id, {}, {drop()})), "non-strict");
  EXPECT_EQ(grade(judge_case(id, {}, {response(101)})), "fail (mismatch)");
}

TEST(VerdictCorrections, ASubprotocolTheServerCannotServeIsDeclinedNotFailed) {
  // 4.2.2: a server that agrees to none of the offers answers 101 without the header.
  const std::string id = "handshake/subprotocol-offer-list";
  const codec::http_fields plain = {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}};
  codec::http_fields chat = plain;
  chat.push_back({"Sec-WebSocket-Protocol", "chat"});
  EXPECT_EQ(grade(judge_case(id, {}, {response(101, plain)})), "pass");
  EXPECT_EQ(grade(judge_case(id, {}, {response(101, chat)})), "pass");
  EXPECT_EQ(grade(judge_case(id, {}, {response(400)})), "non-strict");
  EXPECT_EQ(grade(judge_case(id, {}, {drop()})), "non-strict");
}

TEST(VerdictCorrections, ADropOnARegisteredButRareCodeIsNotAFailure) {
  // 1012-1014 are in IANA's registry, not in RFC 6455 7.4.1: an RFC-only server may refuse them.
  const auto echo = judge_case("close/valid-code-1014", {}, {close(1014)});
  EXPECT_EQ(grade(echo), "pass");
  EXPECT_EQ(grade(judge_case("close/valid-code-1014", {}, {drop()})), "non-strict");
  // For a code 7.4.1 defines, the close must be answered (5.5.1).
  EXPECT_EQ(grade(judge_case("close/valid-code-1000", {}, {drop()})), "fail");
}

TEST(VerdictCorrections, CodesAboveEveryRangeEchoedAreNonStrictAtMost) {
  // 7.4.1 forbids only 1005, 1006 and 1015 on the wire; 7.4.2 assigns nothing above 4999.
  const std::string id = "close/out-of-range-code-5000";
  observation echoed = close(5000);
  echoed.code_out_of_range = true;
  EXPECT_EQ(grade(judge_case(id, {}, {echoed})), "non-strict");
  EXPECT_EQ(grade(judge_case(id, {}, {close(1002)})), "info");
  EXPECT_EQ(grade(judge_case(id, {}, {drop()})), "info");
}

TEST(VerdictCorrections, ANormalCloseAnsweringAnInvalidCloseCodeFails) {
  // 7.4.1/7.4.2: 999 may not be sent; answering it like a valid close accepts it.
  const std::string id = "close/invalid-code-999";
  EXPECT_EQ(grade(judge_case(id, {}, {close(1000)})), "fail");
  EXPECT_EQ(grade(judge_case(id, {}, {close(1002)})), "pass");
  // The echo of 999 is itself an invalid close frame (the codec's close_code_invalid).
  EXPECT_EQ(grade(judge_case(id, {}, {broke(codec::protocol_error::close_code_invalid, 3)})),
            "fail (mismatch)");
}

TEST(VerdictCorrections, AnUnmaskedFrameMustNotBeProcessed) {
  // 5.1: the server MUST close the connection on an unmasked frame.
  EXPECT_EQ(grade(judge_case("framing/unmasked-text", sent().message("Hello"), {text("Hello")})),
            "fail (mismatch)");
  EXPECT_EQ(grade(judge_case("framing/unmasked-text", {}, {close(1002)})), "pass");
  const auto dropped = judge_case("framing/unmasked-text", {}, {drop()});
  EXPECT_EQ(grade(dropped), "pass");
  EXPECT_EQ(to_string(dropped.closing_grade), "non-strict");
  EXPECT_EQ(grade(judge_case("framing/unmasked-ping",
                             sent().pings({"unmasked ping"}).invalid_pings({"unmasked ping"}),
                             {pong("unmasked ping")})),
            "fail (mismatch)");
  EXPECT_EQ(grade(judge_case("framing/unmasked-close", {}, {close(4321)})), "fail");
}

TEST(VerdictCorrections, AFragmentedPingAnsweredBeforeFailingFails) {
  // 5.4/5.5: a ping with FIN clear is invalid; its pong shows it was processed (7.1.7).
  const std::string id = "fragmentation/fragmented-ping";
  const sent before = sent().pings({"fragment1"}).invalid_pings({"fragment1"});
  EXPECT_EQ(grade(judge_case(id, before, {pong("fragment1"), close(1002)})), "fail (mismatch)");
  EXPECT_EQ(grade(judge_case(id, before, {close(1002)})), "pass");
}

TEST(VerdictCorrections, PongsForSomePingsIncludingTheLastAreLegal) {
  // 5.5.3: answering the most recent ping suffices.
  std::vector<std::string> pings;
  for (int i = 0; i < 10; ++i) pings.push_back("payload-" + std::to_string(i));
  const sent before = sent().pings(pings);
  EXPECT_EQ(grade(judge_case("pingpong/ten-pings", before,
                             {pong("payload-0"), pong("payload-2"), pong("payload-9")})),
            "non-strict");
  std::vector<observation> all;
  for (const auto& p : pings) all.push_back(pong(p));
  EXPECT_EQ(grade(judge_case("pingpong/ten-pings", before, all)), "pass");
  EXPECT_EQ(grade(judge_case("pingpong/ten-pings", before,
                             {pong("payload-0"), pong("payload-2"), idle(5000)})),
            "fail (mismatch)");
}

TEST(VerdictCorrections, ACleanCloseAtTheTargetsOwnLimitIsInfo) {
  // 10.4 asks for limits: ws 8.23 closes 4 MiB in 64-byte fragments with 1008 at 16 384.
  const std::string id = "limits/text-4m-fragments-64";
  EXPECT_EQ(grade(judge_case(id, {}, {close(1008)})), "info");
  EXPECT_EQ(grade(judge_case(id, {}, {close(1009)})), "info");
}

TEST(VerdictCorrections, TheMsbOfA64BitLengthCitesTheReceiversDuty) {
  // 5.2's "MUST be 0" binds the sender; the receiver's duty is 10.7 and 7.1.7.
  const test_case& c = builtin("framing/length-64-bit-msb-set");
  EXPECT_NE(std::find(c.rfc.begin(), c.rfc.end(), "10.7"), c.rfc.end());
  EXPECT_NE(std::find(c.rfc.begin(), c.rfc.end(), "7.1.7"), c.rfc.end());
}

TEST(VerdictCorrections, AnEchoThatRacesTheFailureIsNotGraded) {
  // 7.1.7 makes the endpoint close, not flush: with or without the echo, both pass.
  const std::string id = "reserved/rsv-2-after-valid-message";
  EXPECT_EQ(grade(judge_case(id, {}, {text("Hello, world!"), close(1002)})), "pass");
  EXPECT_EQ(grade(judge_case(id, {}, {close(1002)})), "pass");
}

}  // namespace
}  // namespace wsspec::judge_fixtures
