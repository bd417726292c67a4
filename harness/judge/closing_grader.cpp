#include "judge/closing_grader.hpp"

#include "wsspec/reports/observation_text.hpp"

namespace wsspec {

using kind = observation::kind;

closing_grader::closing_grader(const closing_start& s) : start_(s) {
  if (s.data_failed) {
    decide(verdict::info, "not judged: the data exchange already failed");
    return;
  }
  if (s.fail_grade != verdict::pass) raise(s.fail_grade, s.fail_reason);
  if (s.tcp_gone || !s.established) {
    decided_ = true;  // nothing left to close: a refused handshake, or TCP already gone
    return;
  }
  if (s.we_ended_sending) {
    decided_ = true;  // after wsspec's FIN no close frame can go out; the steps judged the rest
    return;
  }
  if (!s.peer_sent_close) {
    if (!s.close_at_end && !s.we_sent_close) {
      decided_ = true;  // the case leaves the connection open on purpose
      return;
    }
    if (!s.we_sent_close) action_ = action::send_close;
    phase_ = phase::await_close;
    return;
  }
  if (!s.we_sent_close) action_ = action::answer_close;
  phase_ = phase::await_tcp_end;
  if (s.peer_is_client) decided_ = true;  // wsspec, the server, closes TCP now
}

void closing_grader::raise(verdict v, std::string why) {
  if (severity(v) > severity(grade_)) {
    grade_ = v;
    reason_ = std::move(why);
  }
}

void closing_grader::decide(verdict v, std::string why) {
  raise(v, std::move(why));
  decided_ = true;
  phase_ = phase::done;
}

void closing_grader::feed(const observation& o) {
  if (decided_ || !o.from_target()) return;
  const std::string timeout_ms = std::to_string(start_.close_timeout_ms);
  if (phase_ == phase::await_close) {
    // Data may still arrive before the target's close (RFC 6455 5.5.1); it is not judged.
    switch (o.what) {
      case kind::close:
        if (o.code && *o.code != 1000)
          raise(verdict::non_strict, "the target answered close 1000 with code " +
                                         std::to_string(*o.code) +
                                         " (RFC 6455 5.5.1: it typically echoes the code)");
        phase_ = phase::await_tcp_end;
        if (start_.peer_is_client) decided_ = true;  // wsspec, the server, closes TCP now
        return;
      case kind::idle_timeout:
        return decide(verdict::fail, "the target did not answer wsspec's close frame within " +
                                         timeout_ms +
                                         " ms of idleness (RFC 6455 5.5.1: it MUST send a close "
                                         "frame in response)");
      case kind::tcp_end:
        return decide(verdict::non_strict,
                      "the target closed TCP without answering wsspec's close frame (RFC 6455 "
                      "5.5.1: it MUST send a close frame in response, unless it already sent "
                      "one)");
      case kind::broke_rule:
        return decide(verdict::fail, "while closing, the target sent " + describe(o));
      default:
        return;
    }
  }
  if (phase_ == phase::await_tcp_end) {
    // RFC 6455 7.1.1: after the closing handshake the server closes TCP first.
    switch (o.what) {
      case kind::tcp_end:
        decided_ = true;
        phase_ = phase::done;
        return;
      case kind::idle_timeout:
        return decide(verdict::non_strict,
                      "after the closing handshake the target did not close the TCP connection "
                      "within " +
                          timeout_ms + " ms (RFC 6455 7.1.1: the server SHOULD close it first)");
      case kind::broke_rule:
        return decide(verdict::fail, "after the closing handshake, the target sent " + describe(o));
      case kind::message:
      case kind::close:
        return decide(verdict::fail, "after its close frame, the target sent " + describe(o) +
                                         " (RFC 6455 5.5.1: no data after a close frame)");
      default:
        return;
    }
  }
}

}  // namespace wsspec
