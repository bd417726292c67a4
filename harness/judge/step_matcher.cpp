#include "judge/step_matcher.hpp"

#include <algorithm>
#include <cmath>

#include "judge/payload_digest.hpp"
#include "run/payload.hpp"
#include "wsspec/reports/observation_text.hpp"

namespace wsspec {

namespace {

using kind = observation::kind;

std::string codes_text(const std::vector<std::uint16_t>& cs) {
  std::string s;
  for (auto c : cs) s += (s.empty() ? "" : "/") + std::to_string(c);
  return s.empty() ? "any code" : s;
}

std::ptrdiff_t index_of(const std::vector<std::string>& v, const std::string& s) {
  const auto it = std::find(v.begin(), v.end(), s);
  return it == v.end() ? -1 : it - v.begin();
}

}  // namespace

std::string cite_sections(const std::vector<std::string>& sections) {
  if (sections.empty()) return "";
  // "(RFC 6455 4.1, 4.2.1; RFC 7692 7.2.1)": each RFC named once.
  std::string s = " (";
  std::string rfc;
  for (const std::string& sec : sections) {
    const bool other = sec.starts_with("RFC ");
    const std::size_t cut = other ? sec.find(' ', 4) : std::string::npos;
    const std::string this_rfc = other ? sec.substr(0, cut) : "RFC 6455";
    const std::string number = other && cut != std::string::npos ? sec.substr(cut + 1) : sec;
    if (this_rfc != rfc) {
      s += (rfc.empty() ? "" : "; ") + this_rfc + " " + number;
      rfc = this_rfc;
    } else {
      s += ", " + number;
    }
  }
  return s + ")";
}

std::string describe(const expect_event& e) {
  switch (e.what) {
    case expect_event::kind::message:
      return std::string(!e.opcode        ? "a"
                         : *e.opcode == 1 ? "a text"
                                          : "a binary") +
             (e.echo ? " message echoing what was sent" : " message");
    case expect_event::kind::pong:
      return e.echo      ? "a pong echoing the ping's payload"
             : e.payload ? "a pong of " +
                               payload_text(materialize(*e.payload), materialize(*e.payload).size())
                         : "a pong";
    case expect_event::kind::close:
      return e.codes.empty() ? "a close frame" : "a close frame with code " + codes_text(e.codes);
    case expect_event::kind::fail:
      return "the target failing the connection (close " + codes_text(e.codes) + ", or a TCP drop)";
    case expect_event::kind::drop:
      return "the TCP connection to end";
    case expect_event::kind::silence:
      return "nothing before the answer to wsspec's next ping";
    case expect_event::kind::any:
      return "any valid frames";
    case expect_event::kind::handshake: {
      std::string s;
      // A long list is a class of statuses ("any 4xx/5xx"): say so, not all of them.
      const bool errors_only = std::all_of(e.statuses.begin(), e.statuses.end(),
                                           [](int st) { return st >= 400 && st < 600; });
      if (e.statuses.size() > 4 && errors_only)
        s = "4xx/5xx error";
      else
        for (int st : e.statuses) s += (s.empty() ? "" : "/") + std::to_string(st);
      std::string h;
      for (const auto& [name, value] : e.headers)
        h += (h.empty() ? " with " : " and ") + name + (value.empty() ? " absent" : ": " + value);
      return "an HTTP " + (s.empty() ? std::string("any-status") : s) + " response" + h +
             (e.crlf ? " with every line ending in CRLF" : "");
    }
  }
  return "?";
}

std::string describe(const expect_step& step) {
  std::string expected;
  for (const auto& a : step.alternatives) {
    std::string seq;
    for (const auto& ev : a.events) seq += (seq.empty() ? "" : ", then ") + describe(ev);
    expected += (expected.empty() ? "" : "; or ") + seq;
  }
  return expected;
}

step_matcher::step_matcher(const expect_step& step, sent_context sent)
    : step_(step), sent_(std::move(sent)), tracks_(step.alternatives.size()) {
  decide_if_complete();
}

step_matcher::fit step_matcher::match_pong(const expect_event& want, const observation& o) const {
  const std::string& got = o.preview;  // pong payloads are at most 125 bytes: kept whole
  std::string wanted;
  if (want.echo) {
    if (sent_.pings.empty()) return fit::out;
    wanted = sent_.pings.back();
  } else if (want.payload) {
    wanted = materialize(*want.payload);
  } else {
    return fit::advance;
  }
  if (got == wanted) return fit::advance;
  // 5.5.3: a pong for an earlier ping than the awaited one may come first; one for a later
  // ping means the awaited ping is not going to be answered.
  const auto g = index_of(sent_.pings, got), w = index_of(sent_.pings, wanted);
  if (g >= 0 && w >= 0 && g < w) return fit::skip;
  if (g < 0) return fit::skip;  // unsolicited (5.5.3)
  return fit::out;
}

step_matcher::fit step_matcher::match(const expect_event& want, const observation& o,
                                      track& t) const {
  switch (want.what) {
    case expect_event::kind::message:
      if (o.what != kind::message) return fit::out;
      if (want.opcode && *want.opcode != o.opcode) return fit::out;
      if (want.echo)
        return o.size == sent_.last_message_size && o.digest == sent_.last_message_digest
                   ? fit::advance
                   : fit::out;
      if (want.payload) {
        const std::string p = materialize(*want.payload);
        return o.size == p.size() && o.digest == payload_digest(p) ? fit::advance : fit::out;
      }
      return fit::advance;
    case expect_event::kind::pong:
      return o.what == kind::pong ? match_pong(want, o) : fit::out;
    case expect_event::kind::close:
      if (o.what != kind::close) return fit::out;
      if (want.codes.empty()) return fit::advance;
      return o.code && std::count(want.codes.begin(), want.codes.end(), *o.code) ? fit::advance
                                                                                 : fit::out;
    case expect_event::kind::fail:
      if (o.what == kind::close) {
        if (!want.codes.empty() &&
            (!o.code || !std::count(want.codes.begin(), want.codes.end(), *o.code))) {
          t.closing_grade = verdict::non_strict;
          t.closing_reason = "the target failed the connection with " + describe(o) +
                             " where code " + codes_text(want.codes) +
                             " fits the error (RFC 6455 7.4.1)";
        }
        return fit::advance;
      }
      if (o.what == kind::tcp_end) {
        t.closing_grade = verdict::non_strict;
        t.closing_reason =
            "the target dropped the TCP connection without a close frame (RFC 6455 7.1.7: it "
            "SHOULD send one first, with code " +
            codes_text(want.codes) + ")";
        return fit::advance;
      }
      return fit::out;
    case expect_event::kind::drop:
      return o.what == kind::tcp_end ? fit::advance : fit::out;
    case expect_event::kind::silence:
      if (o.what == kind::idle_timeout) return fit::advance;
      if (o.what == kind::pong && o.matched_barrier && sent_.barrier && o.preview == *sent_.barrier)
        return fit::advance;
      return fit::out;
    case expect_event::kind::any:
      return fit::out;  // handled in feed(), which knows the event after it
    case expect_event::kind::handshake: {
      if (o.what != kind::response) return fit::out;
      if (!want.statuses.empty() &&
          !std::count(want.statuses.begin(), want.statuses.end(), o.status))
        return fit::out;
      for (const auto& [name, value] : want.headers) {
        // [name, ""]: the response must not have the header; [name, token]: it must list it.
        if (value.empty() ? codec::count_fields(o.fields, name) != 0
                          : !codec::field_contains_token(o.fields, name, value))
          return fit::out;
      }
      if (want.crlf && o.bare_lf) return fit::out;
      return fit::advance;
    }
  }
  return fit::out;
}

const step_outcome& step_matcher::feed(const observation& o) {
  if (decided()) return outcome_;
  // The target's pings are answered by the runner; its fragments make up a message that is
  // judged when complete; wsspec's own actions are not the target's behaviour.
  if (!o.from_target() || o.what == kind::ping || o.what == kind::fragment) return outcome_;
  const bool barrier_pong =
      o.what == kind::pong && o.matched_barrier && sent_.barrier && o.preview == *sent_.barrier;
  if (o.what == kind::pong && o.matched_barrier && !barrier_pong) return outcome_;  // stale
  const bool answers_invalid_ping =
      o.what == kind::pong && !o.matched_barrier && index_of(sent_.invalid_pings, o.preview) >= 0;

  // A 101 that breaks RFC 6455 4.1 is no 101 a case can expect.
  if (o.what == kind::response && !o.rule.empty()) {
    mismatch(o, "");
    return outcome_;
  }
  bool accepted = false;
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    track& t = tracks_[i];
    if (!t.alive) continue;
    const auto& events = step_.alternatives[i].events;
    if (t.pos == events.size()) continue;
    const expect_event& want = events[t.pos];
    if (want.what == expect_event::kind::any) {
      // A lazy wildcard: the event after it wins when it matches; valid frames are swallowed;
      // as the last event it ends with the connection or the time-out.
      const bool last = t.pos + 1 == events.size();
      if (!last && match(events[t.pos + 1], o, t) == fit::advance) {
        t.pos += 2;
        accepted = true;
      } else if (last && (o.what == kind::tcp_end || o.what == kind::idle_timeout)) {
        ++t.pos;
        accepted = true;
      } else if (o.what == kind::message || o.what == kind::pong || o.what == kind::close) {
        accepted = true;
      } else {
        t.alive = false;
      }
      continue;
    }
    const fit f = match(want, o, t);
    if (f == fit::advance) {
      ++t.pos;
      accepted = true;
      if (o.what == kind::close) t.close = o;
    } else if (o.what == kind::pong && want.what != expect_event::kind::pong && !barrier_pong &&
               !answers_invalid_ping) {
      accepted = true;  // an unsolicited pong, or one for an earlier ping (5.5.3)
    } else if (f == fit::skip) {
      accepted = true;
    } else {
      t.alive = false;
    }
  }
  if (accepted) {
    ++seen_;
    decide_if_complete();
    if (decided() && outcome_.grade != verdict::pass) outcome_.note += after_fin(o);
    return outcome_;
  }
  if (answers_invalid_ping && index_of(sent_.rule_breaking_pings, o.preview) >= 0) {
    mismatch(o,
             "it answered a ping that was itself invalid, so it processed a frame it had to "
             "reject instead of failing the connection");
  } else if (answers_invalid_ping) {
    mismatch(o,
             "it answered a ping wsspec sent after the invalid data, so it went on processing "
             "input it had to reject (RFC 6455 7.1.7: after failing the connection an endpoint "
             "MUST NOT process further data)",
             /*cites_its_rule=*/true);
  } else if (o.what == kind::response) {
    mismatch(o, header_shortfall(o));
  } else if (barrier_pong) {
    mismatch(o,
             "the pong of the ping wsspec sent after the probed bytes proves the target had "
             "processed them without doing so");
  } else {
    mismatch(o, "");
  }
  return outcome_;
}

// Where a response had an expected status but not the expected headers, which header was
// wrong: "it has no Sec-WebSocket-Version header listing 13".
std::string step_matcher::header_shortfall(const observation& o) const {
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    const auto& events = step_.alternatives[i].events;
    if (tracks_[i].pos >= events.size()) continue;
    const expect_event& want = events[tracks_[i].pos];
    if (want.what != expect_event::kind::handshake) continue;
    if (!want.statuses.empty() && !std::count(want.statuses.begin(), want.statuses.end(), o.status))
      continue;
    for (const auto& [name, value] : want.headers) {
      if (value.empty() && codec::count_fields(o.fields, name) != 0)
        return "it has a " + name + " header it must not have";
      if (!value.empty() && !codec::field_contains_token(o.fields, name, value))
        return codec::count_fields(o.fields, name) == 0
                   ? "it has no " + name + " header"
                   : "its " + name + " header does not list " + value;
    }
  }
  return "";
}

// " (it kept its end of TCP open 2503 ms after wsspec's FIN with no close frame)": a time-out
// after an end_sending step, measured from the FIN, not from the target's last frame.
std::string step_matcher::after_fin(const observation& o) const {
  if (!sent_.ended_sending_at_ms || o.what != kind::idle_timeout) return "";
  const auto ms = std::llround(std::max(0.0, o.t_ms - *sent_.ended_sending_at_ms));
  return " (it kept its end of TCP open " + std::to_string(ms) +
         " ms after wsspec's FIN with no close frame" +
         (o.bound ? std::string(", sending all the while") : std::string()) + ")";
}

void step_matcher::decide_if_complete() {
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    const track& t = tracks_[i];
    if (!t.alive || t.pos != step_.alternatives[i].events.size()) continue;
    const alternative& a = step_.alternatives[i];
    outcome_.status = step_outcome::state::matched;
    outcome_.grade = a.grade;
    outcome_.note = a.note;
    // A graded close says in the target's own words which limit or rule it applied.
    if (a.grade != verdict::pass && t.close && !a.note.empty())
      outcome_.note += " (the target sent " + describe(*t.close) + ")";
    outcome_.closing_grade = t.closing_grade;
    outcome_.closing_reason = t.closing_reason;
    return;
  }
}

void step_matcher::mismatch(const observation& o, const std::string& why, bool cites_its_rule) {
  outcome_.status = step_outcome::state::mismatched;
  const std::string expected = describe(step_);
  std::string r;
  if (o.what == kind::idle_timeout) {
    r = "expected " + expected + "; " + describe(o) + after_fin(o);
  } else {
    r = "expected " + expected + "; got " + describe(o);
    if (seen_ > 0) r += " (after " + std::to_string(seen_) + " matching event(s))";
  }
  if (!why.empty()) r += ": " + why;
  // A violation names its own section; the case's sections would only repeat it.
  // A violation names its own section, and so does a rule quoted in `why`; otherwise the
  // case's sections say which rule the expectation stands for.
  if (o.what != kind::broke_rule && o.rule.empty() && !cites_its_rule)
    r += cite_sections(sent_.sections);
  outcome_.reason = std::move(r);
}

}  // namespace wsspec
