// sent_stream reads wsspec's own bytes as the peer under test would, to know which pings came
// after input that peer had to reject. Wire bytes in, the "invalid pings" out.
#include "run/sent_stream.hpp"

#include <gtest/gtest.h>

#include <random>

#include "run/wire_encoding.hpp"

namespace wsspec {
namespace {

std::string frame(std::uint8_t opcode, std::string_view payload, bool masked) {
  std::mt19937 keys;
  frame_spec f;
  f.opcode = opcode;
  f.masked = masked;
  std::string out;
  append_frame(out, f, payload, keys);
  return out;
}

void send_ping(sent_stream& s, bool masked) {
  s.sent(frame(0x9, "p", masked));
  s.sent_ping("p");
}

// Testing a server: wsspec's masked frames are valid; an unmasked one is what the server must
// reject (5.1), so a ping after it is an invalid ping.
TEST(SentStream, AServerRejectsUnmaskedFrames) {
  sent_stream valid;
  valid.sent(frame(0x1, "hello", true));
  send_ping(valid, true);
  EXPECT_TRUE(valid.invalid_pings().empty());

  sent_stream broken;
  broken.sent(frame(0x1, "hello", false));
  send_ping(broken, true);
  EXPECT_EQ(broken.invalid_pings(), std::vector<std::string>{"p"});
}

// A ping that is itself the first invalid frame (unmasked, to a server) is a rule-breaking
// ping; a ping after it is only an invalid one: the judge says which a pong answered.
TEST(SentStream, TellsAPingThatBreaksTheRuleFromOneAfterIt) {
  sent_stream s;
  s.sent(frame(0x1, "hello", true));
  s.sent(frame(0x9, "bad", false));
  s.sent_ping("bad");
  send_ping(s, true);
  EXPECT_EQ(s.invalid_pings(), (std::vector<std::string>{"bad", "p"}));
  EXPECT_EQ(s.rule_breaking_pings(), std::vector<std::string>{"bad"});

  sent_stream after;
  after.sent(frame(0x1, "hello", false));
  send_ping(after, true);
  EXPECT_EQ(after.invalid_pings(), std::vector<std::string>{"p"});
  EXPECT_TRUE(after.rule_breaking_pings().empty());
}

// Testing a client (serve-cases): the same rule mirrored. Unmasked server frames are valid, so
// a pong to a later ping is no reaction to rejected input; a masked one is what a client must
// reject.
TEST(SentStream, AClientRejectsMaskedFrames) {
  sent_stream valid;
  valid.peer_is_client();
  valid.sent(frame(0x1, "hello", false));
  send_ping(valid, false);
  EXPECT_TRUE(valid.invalid_pings().empty());

  sent_stream broken;
  broken.peer_is_client();
  broken.sent(frame(0x1, "hello", true));
  send_ping(broken, false);
  EXPECT_EQ(broken.invalid_pings(), std::vector<std::string>{"p"});
}

}  // namespace
}  // namespace wsspec
