// Readable fixtures for the judge: an expectation written as in a case file, what wsspec sent,
// the observations in order, and the outcome with its exact reason. No sockets anywhere: the
// judge is a pure function of these.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "cases/case_loader.hpp"
#include "judge/closing_grader.hpp"
#include "judge/payload_digest.hpp"
#include "judge/step_matcher.hpp"

namespace wsspec::judge_fixtures {

using kind = observation::kind;

// The `expect` value of a case file: an array of events or {"one_of": [...]}.
inline expect_step step(std::string_view expect_json) {
  const std::string text = std::string(R"({"id": "judge/x", "title": "t", "rfc": ["5.2"], )") +
                           R"("why": "w", "steps": [{"expect": )" + std::string(expect_json) +
                           "}]}";
  std::vector<test_case> out;
  case_error err;
  EXPECT_TRUE(load_case_text("judge.json", "judge", text, out, err)) << err.to_string();
  if (out.empty()) return {};
  return std::get<expect_step>(out.front().steps.front());
}

inline observation target(kind k) {
  observation o;
  o.what = k;
  return o;
}
inline std::uint64_t digest(std::string_view s) { return payload_digest(s); }
inline observation message(std::uint8_t opcode, std::string_view payload) {
  observation o = target(kind::message);
  o.opcode = opcode;
  o.size = payload.size();
  o.digest = digest(payload);
  o.preview = std::string(payload.substr(0, preview_bytes));
  return o;
}
inline observation text(std::string_view payload) { return message(1, payload); }
inline observation binary(std::string_view payload) { return message(2, payload); }
inline observation pong(std::string_view payload) {
  observation o = target(kind::pong);
  o.size = payload.size();
  o.preview = std::string(payload);
  return o;
}
inline observation barrier_pong(std::string_view payload) {
  observation o = pong(payload);
  o.matched_barrier = true;
  return o;
}
inline observation ping(std::string_view payload) {
  observation o = target(kind::ping);
  o.size = payload.size();
  o.preview = std::string(payload);
  return o;
}
inline observation close(std::optional<std::uint16_t> code, std::string_view reason = "") {
  observation o = target(kind::close);
  o.code = code;
  o.preview = std::string(reason);
  o.size = reason.size();
  return o;
}
inline observation drop() { return target(kind::tcp_end); }
inline observation reset() {
  observation o = target(kind::tcp_end);
  o.reset = true;
  return o;
}
inline observation idle(double ms) {
  observation o = target(kind::idle_timeout);
  o.idle_ms = ms;
  return o;
}
inline observation broke(codec::protocol_error e, std::uint64_t offset = 0,
                         std::string evidence = {}) {
  observation o = target(kind::broke_rule);
  o.rule.frame = e;
  o.rule.offset = offset;
  o.rule.evidence = std::move(evidence);
  return o;
}
inline observation response(int status, codec::http_fields fields = {}) {
  observation o = target(kind::response);
  o.status = status;
  o.fields = std::move(fields);
  return o;
}

// What wsspec sent before the step: sent().message("Hello").pings({"a", "b"}).
class sent {
 public:
  sent& message(std::string m) {
    last_message_ = std::move(m);
    return *this;
  }
  sent& pings(std::vector<std::string> p) {
    pings_ = std::move(p);
    return *this;
  }
  // Pings sent at or after data the target had to reject.
  sent& invalid_pings(std::vector<std::string> p) {
    invalid_pings_ = std::move(p);
    return *this;
  }
  // Pings that were themselves the first invalid frame (also invalid pings).
  sent& rule_breaking_pings(std::vector<std::string> p) {
    rule_breaking_pings_ = std::move(p);
    return *this;
  }
  sent& barrier(std::string b) {
    barrier_ = std::move(b);
    return *this;
  }
  sent& sections(std::vector<std::string> s) {
    sections_ = std::move(s);
    return *this;
  }
  operator sent_context() const {
    sent_context c;
    c.last_message_size = last_message_.size();
    c.last_message_digest = digest(last_message_);
    c.pings = pings_;
    c.invalid_pings = invalid_pings_;
    c.rule_breaking_pings = rule_breaking_pings_;
    c.barrier = barrier_;
    c.sections = sections_;
    return c;
  }

 private:
  std::string last_message_;
  std::vector<std::string> pings_, invalid_pings_, rule_breaking_pings_;
  std::optional<std::string> barrier_;
  std::vector<std::string> sections_ = {"5.2"};
};

// Feeds the observations until the matcher decides (or they run out).
inline step_outcome judge_step(std::string_view expect_json, const sent& s,
                               const std::vector<observation>& seen) {
  step_matcher m(step(expect_json), s);
  for (const auto& o : seen) {
    if (m.decided()) break;
    m.feed(o);
  }
  return m.outcome();
}

inline const char* state_name(step_outcome::state s);

// One fixture of a rule family: an expectation, what was sent, what the target did, and the
// outcome with its exact words.
struct step_fixture {
  const char* name;
  const char* expect;
  sent before;
  std::vector<observation> seen;
  step_outcome::state state;
  verdict grade;      // matched: the alternative's grade
  std::string words;  // matched: the note; mismatched: the reason
};

inline void check(const step_fixture& f) {
  SCOPED_TRACE(f.name);
  const step_outcome out = judge_step(f.expect, f.before, f.seen);
  EXPECT_STREQ(state_name(out.status), state_name(f.state));
  if (f.state == step_outcome::state::mismatched) {
    EXPECT_EQ(out.reason, f.words);
  } else {
    EXPECT_EQ(to_string(out.grade), to_string(f.grade));
    EXPECT_EQ(out.note, f.words);
  }
  // How a connection was failed is graded in fail_grading_test; no fixture here fails one
  // less than ideally.
  EXPECT_EQ(to_string(out.closing_grade), "pass");
  EXPECT_EQ(out.closing_reason, "");
}

inline constexpr auto matched = step_outcome::state::matched;
inline constexpr auto mismatched = step_outcome::state::mismatched;
inline constexpr auto pending = step_outcome::state::pending;

inline const char* state_name(step_outcome::state s) {
  switch (s) {
    case step_outcome::state::pending:
      return "pending";
    case step_outcome::state::matched:
      return "matched";
    case step_outcome::state::mismatched:
      return "mismatched";
  }
  return "?";
}

}  // namespace wsspec::judge_fixtures
