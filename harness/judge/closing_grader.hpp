// Grades the closing behaviour of a case (RFC 6455 5.5.1, 7.1.1-7.1.7), apart from its data
// exchange, as Autobahn does. Pure: the runner tells it how the steps left the connection,
// does the one thing it asks (send close 1000, or answer the target's close), and feeds it what
// the target does next until it has decided.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "wsspec/reports/case_result.hpp"
#include "wsspec/reports/observation.hpp"

namespace wsspec {

// How the steps left the connection.
struct closing_start {
  bool data_failed = false;  // the data exchange already failed: closing is not judged
  bool established = false;  // the 101 was accepted (else there is nothing to close)
  bool tcp_gone = false;     // the target closed or reset TCP
  bool peer_sent_close = false;
  std::optional<std::uint16_t> peer_close_code;
  bool we_sent_close = false;  // a step sent a close frame
  bool close_at_end = true;    // the case asks wsspec to close when the steps are done
  // From the step that matched a `fail`: the target failed the connection, but not ideally.
  verdict fail_grade = verdict::pass;
  std::string fail_reason;
  std::uint32_t close_timeout_ms = 2000;  // for the reasons' words only
  // The target is a client and wsspec its server: after the closing handshake wsspec closes
  // TCP itself (RFC 6455 7.1.1: the server closes first), so nothing is awaited after it.
  bool peer_is_client = false;
  // wsspec ended its sending half of TCP (an end_sending step): it can send no close frame, and
  // the steps after the FIN already judged how the target ended the connection.
  bool we_ended_sending = false;
};

class closing_grader {
 public:
  enum class action : std::uint8_t {
    none,          // nothing to send; feed() until decided (or decided already)
    send_close,    // send close 1000, then feed()
    answer_close,  // answer the target's close (echoing its code), then feed()
  };

  explicit closing_grader(const closing_start& start);
  action first_action() const noexcept { return action_; }

  // One observation from the target after the action (frames, close, TCP end, idle time-out).
  void feed(const observation& o);
  bool decided() const noexcept { return decided_; }

  verdict grade() const noexcept { return grade_; }
  const std::string& reason() const noexcept { return reason_; }

 private:
  enum class phase : std::uint8_t { await_close, await_tcp_end, done };
  void decide(verdict v, std::string why);
  void raise(verdict v, std::string why);

  closing_start start_;
  action action_ = action::none;
  phase phase_ = phase::done;
  bool decided_ = false;
  verdict grade_ = verdict::pass;
  std::string reason_;
};

}  // namespace wsspec
