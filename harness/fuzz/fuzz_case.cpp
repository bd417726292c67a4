#include "fuzz/fuzz_case.hpp"

#include <algorithm>

#include "wsspec/reports/observation_text.hpp"

namespace wsspec::fuzz {

const char* to_string(finding_kind k) {
  switch (k) {
    case finding_kind::none:
      return "none";
    case finding_kind::crash:
      return "crash";
    case finding_kind::hang:
      return "hang";
    case finding_kind::violation:
      return "violation";
  }
  return "none";
}

outcome judge(const case_result& r) {
  outcome o;
  if (r.alive == case_result::liveness::dead || r.connect_failed) {
    o.kind = finding_kind::crash;
    o.signature = "crash";
    o.detail = r.reason;
  } else if (r.alive == case_result::liveness::hung) {
    o.kind = finding_kind::hang;
    o.signature = "hang";
    o.detail = r.reason;
  } else if (!r.first_violation.empty()) {
    o.kind = finding_kind::violation;
    o.rule = r.first_violation;
    o.detail = describe(r.first_violation);
    o.signature = rule_text(r.first_violation);
  }
  return o;
}

namespace {

expect_event event_of(expect_event::kind k) {
  expect_event e;
  e.what = k;
  return e;
}

}  // namespace

test_case fuzz_case(const fuzz_input& in, const std::string& id, std::uint32_t wait_ms,
                    bool reproducer) {
  const std::uint32_t wait = reproducer ? std::max<std::uint32_t>(wait_ms, 2000) : wait_ms;
  test_case c;
  c.id = id;
  c.area = "fuzz";
  c.title = "Fuzz input mutated from " + in.what.from_case;
  c.rfc = {"5.2", "5.5", "10.4"};
  c.why =
      "Whatever a conforming server answers to this input, every frame it sends is valid "
      "(RFC 6455 5.2-5.6, 7.4) and it goes on serving other connections (RFC 6455 10.4 lets it "
      "limit what one client may cost, not stop).";
  c.tags = {"fuzz"};
  c.close_at_end = false;
  c.check_alive = reproducer;
  if (in.what.deflate) {
    // A target that declines the offer makes the case unimplemented before anything is sent.
    c.deflate = in.what.deflate;
    c.rfc.push_back("RFC 7692 6");
    c.tags.push_back("compression");
  }
  c.timeout_ms = 4 * wait + 3000;

  if (in.what.handshake) {
    c.steps.push_back(*in.what.handshake);
    // Any response, or none: refusing a bad request is the catalogue's business (RFC 6455
    // 4.2.1); the fuzzer looks for crashes, hangs and invalid frames.
    expect_step x;
    x.timeout_ms = wait;
    x.alternatives.push_back({verdict::pass, {event_of(expect_event::kind::handshake)}, ""});
    x.alternatives.push_back({verdict::pass, {event_of(expect_event::kind::drop)}, ""});
    x.alternatives.push_back(
        {verdict::pass, {event_of(expect_event::kind::silence)}, "no answer to this request"});
    c.steps.push_back(x);
  }
  c.steps.insert(c.steps.end(), in.what.sends.begin(), in.what.sends.end());

  send_frame sync;
  sync.opcode = 9;
  sync.payload.bytes = "wsspec-sync";
  c.steps.push_back(sync);
  expect_step x;
  x.timeout_ms = wait;
  expect_event pong = event_of(expect_event::kind::pong);
  pong.echo = true;
  x.alternatives.push_back({verdict::pass, {event_of(expect_event::kind::any), pong}, ""});
  x.alternatives.push_back({verdict::pass, {event_of(expect_event::kind::any)}, ""});
  c.steps.push_back(x);
  return c;
}

}  // namespace wsspec::fuzz
