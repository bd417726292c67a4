// The closing grader: how the steps left the connection, wsspec's one action, what the target
// did next, and the grade with its exact reason, for every branch.
#include "fixtures.hpp"

namespace wsspec::judge_fixtures {
namespace {

struct fixture {
  const char* name;
  closing_start start;
  closing_grader::action action;
  std::vector<observation> seen;
  bool decided;
  verdict grade;
  std::string words;
};

closing_start open_connection() {
  closing_start s;
  s.established = true;
  return s;
}

TEST(ClosingGrader, Fixtures) {
  closing_start data_failed = open_connection();
  data_failed.data_failed = true;
  closing_start refused;
  closing_start gone = open_connection();
  gone.tcp_gone = true;
  closing_start left_open = open_connection();
  left_open.close_at_end = false;
  closing_start peer_closed = open_connection();
  peer_closed.peer_sent_close = true;
  peer_closed.peer_close_code = 1002;
  closing_start both_closed = peer_closed;
  both_closed.we_sent_close = true;
  closing_start failed_by_drop = gone;
  failed_by_drop.fail_grade = verdict::non_strict;
  failed_by_drop.fail_reason = "dropped without a close frame";
  closing_start we_closed = open_connection();
  we_closed.we_sent_close = true;

  using a = closing_grader::action;
  const std::vector<fixture> fixtures = {
      {"not judged when the data exchange failed",
       data_failed,
       a::none,
       {},
       true,
       verdict::info,
       "not judged: the data exchange already failed"},
      {"nothing to close after a refused handshake", refused, a::none, {}, true, verdict::pass, ""},
      {"nothing to close when TCP is gone", gone, a::none, {}, true, verdict::pass, ""},
      {"how the target failed the connection carries over",
       failed_by_drop,
       a::none,
       {},
       true,
       verdict::non_strict,
       "dropped without a close frame"},
      {"a case may leave the connection open", left_open, a::none, {}, true, verdict::pass, ""},
      {"wsspec closes; the target answers and closes TCP",
       open_connection(),
       a::send_close,
       {close(1000), drop()},
       true,
       verdict::pass,
       ""},
      {"data before the target's close is not judged",
       open_connection(),
       a::send_close,
       {text("late"), close(1000), drop()},
       true,
       verdict::pass,
       ""},
      {"the target answers with another code",
       open_connection(),
       a::send_close,
       {close(1001), drop()},
       true,
       verdict::non_strict,
       "the target answered close 1000 with code 1001 (RFC 6455 5.5.1: it typically echoes the "
       "code)"},
      {"the target never answers the close",
       open_connection(),
       a::send_close,
       {idle(2000)},
       true,
       verdict::fail,
       "the target did not answer wsspec's close frame within 2000 ms of idleness (RFC 6455 "
       "5.5.1: it MUST send a close frame in response)"},
      {"the target drops TCP instead of answering",
       open_connection(),
       a::send_close,
       {drop()},
       true,
       verdict::non_strict,
       "the target closed TCP without answering wsspec's close frame (RFC 6455 5.5.1: it MUST "
       "send a close frame in response, unless it already sent one)"},
      {"an invalid frame while closing",
       open_connection(),
       a::send_close,
       {broke(codec::protocol_error::reserved_bits_set, 3)},
       true,
       verdict::fail,
       "while closing, the target sent an invalid frame: a reserved bit (RSV1-3) is set but no "
       "negotiated extension defines it (RFC 6455 5.2) at byte 3"},
      {"a case that sent close itself waits for the answer",
       we_closed,
       a::none,
       {close(1000), drop()},
       true,
       verdict::pass,
       ""},
      {"wsspec answers the target's close",
       peer_closed,
       a::answer_close,
       {drop()},
       true,
       verdict::pass,
       ""},
      {"the server keeps TCP open after the closing handshake",
       both_closed,
       a::none,
       {idle(2000)},
       true,
       verdict::non_strict,
       "after the closing handshake the target did not close the TCP connection within 2000 ms "
       "(RFC 6455 7.1.1: the server SHOULD close it first)"},
      {"a message after the target's close",
       both_closed,
       a::none,
       {text("x")},
       true,
       verdict::fail,
       "after its close frame, the target sent a text message of 1 byte: 78 |x| (RFC 6455 "
       "5.5.1: no data after a close frame)"},
      {"a second close frame",
       both_closed,
       a::none,
       {close(1000)},
       true,
       verdict::fail,
       "after its close frame, the target sent a close frame with code 1000 (RFC 6455 5.5.1: no "
       "data after a close frame)"},
      {"a broken frame after the closing handshake",
       both_closed,
       a::none,
       {broke(codec::protocol_error::reserved_opcode, 12)},
       true,
       verdict::fail,
       "after the closing handshake, the target sent an invalid frame: the frame uses a reserved "
       "opcode (0x3-0x7 or 0xB-0xF) (RFC 6455 5.2) at byte 12"},
      {"pongs and pings while closing change nothing",
       open_connection(),
       a::send_close,
       {pong("x"), ping("y"), close(1000), drop()},
       true,
       verdict::pass,
       ""},
      {"undecided until the target acts",
       open_connection(),
       a::send_close,
       {},
       false,
       verdict::pass,
       ""},
  };
  for (const auto& f : fixtures) {
    SCOPED_TRACE(f.name);
    closing_grader g(f.start);
    EXPECT_EQ(static_cast<int>(g.first_action()), static_cast<int>(f.action));
    for (const auto& o : f.seen) g.feed(o);
    EXPECT_EQ(g.decided(), f.decided);
    EXPECT_EQ(to_string(g.grade()), to_string(f.grade));
    EXPECT_EQ(g.reason(), f.words);
  }
}

}  // namespace
}  // namespace wsspec::judge_fixtures
