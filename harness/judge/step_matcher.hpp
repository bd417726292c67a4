// Judges one `expect` step: which of the step's alternatives the target's observations
// follow, event by event, and the grade that earns. Pure: it sees observations, never a
// socket, so every rule is tested from fixtures (tests/judge/).
//
// Rules beyond "events in order":
// - A barrier: when wsspec sent a ping after the probed bytes, its pong proves the target has
//   processed everything before it. `silence` matches that pong; any other awaited event that
//   has not come by then never will, so its alternative is out.
// - A pong answering a ping wsspec sent at or after the first invalid byte of the case is a
//   reaction to input the target had to reject: every alternative not awaiting a pong is out.
// - Other pongs to earlier pings are skipped where an alternative awaits the pong of a later
//   ping (RFC 6455 5.5.3 lets a peer answer only the most recent one); a pong for a later ping
//   than the awaited one means the awaited one will not come. Unsolicited pongs are allowed
//   (5.5.3) and ignored.
// - After wsspec's FIN (an end_sending step), a time-out says how long the target kept its end
//   of TCP open since, whether it decides an alternative or mismatches.
// - `fail` is best as a close frame with one of the codes; another code or a bare TCP drop
//   still fails the connection (7.1.7 "SHOULD send a Close frame") and grades the closing
//   behaviour non-strict.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cases/case_model.hpp"
#include "wsspec/reports/observation.hpp"

namespace wsspec {

// What wsspec sent before the step, so echoes and answers to pings can be recognised.
struct sent_context {
  // The last message sent: its size and the payload_digest of its bytes (observation::digest).
  std::uint64_t last_message_size = 0;
  std::uint64_t last_message_digest = 0;
  std::vector<std::string> pings;  // payloads of the pings sent, in order
  // Pings sent at or after the first byte the reference codec (as a server) rejects.
  std::vector<std::string> invalid_pings;
  // Of those, the pings that were themselves the first frame to reject.
  std::vector<std::string> rule_breaking_pings;
  // The barrier ping sent after this step's probed bytes, if one was.
  std::optional<std::string> barrier;
  // The case's sections, cited where a mismatch has no section of its own.
  std::vector<std::string> sections;
  // When wsspec ended its sending half of TCP (a FIN, no close frame), in the case's
  // milliseconds: a time-out after it is the target keeping its end open that long.
  std::optional<double> ended_sending_at_ms;
};

struct step_outcome {
  enum class state : std::uint8_t { pending, matched, mismatched };
  state status = state::pending;
  // matched: the alternative's grade and note.
  verdict grade = verdict::pass;
  std::string note;
  // matched: how the target failed the connection, when not ideally (7.1.7).
  verdict closing_grade = verdict::pass;
  std::string closing_reason;
  // mismatched: expected vs. what came, with the section.
  std::string reason;
};

class step_matcher {
 public:
  step_matcher(const expect_step& step, sent_context sent);

  // Feeds one thing the target did (or an idle time-out). Observations of wsspec's own
  // actions and the target's pings (answered by the runner) change nothing.
  const step_outcome& feed(const observation& o);
  const step_outcome& outcome() const noexcept { return outcome_; }
  bool decided() const noexcept { return outcome_.status != step_outcome::state::pending; }

 private:
  struct track {
    std::size_t pos = 0;
    bool alive = true;
    verdict closing_grade = verdict::pass;
    std::string closing_reason;
    std::optional<observation> close;  // the close frame this alternative took, if any
  };
  enum class fit : std::uint8_t { advance, skip, out };
  fit match(const expect_event& want, const observation& o, track& t) const;
  fit match_pong(const expect_event& want, const observation& o) const;
  void decide_if_complete();
  std::string header_shortfall(const observation& o) const;
  std::string after_fin(const observation& o) const;
  void mismatch(const observation& o, const std::string& why, bool cites_its_rule = false);

  expect_step step_;
  sent_context sent_;
  std::vector<track> tracks_;
  std::size_t seen_ = 0;  // observations that some alternative accepted
  step_outcome outcome_;
};

// "a text message echoing what was sent", "the target failing the connection (close 1002, or
// a TCP drop)": what a case expects, for reasons.
std::string describe(const expect_event& e);
std::string describe(const expect_step& step);
// " (RFC 6455 5.2, RFC 7692 7.2.1)" for a case's sections; "" when there are none.
std::string cite_sections(const std::vector<std::string>& sections);

}  // namespace wsspec
