// The network fuzzer's parts: the mutator (deterministic, every mutant a valid case file, every
// kind of mutation reached), the minimiser, the judge, and the fuzz case run for real against
// the reference echo server, where it must find nothing. The whole `wsspec fuzz` command, with
// a server that crashes, is in fuzz_cli_test.cpp.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "cases/case_loader.hpp"
#include "cases/case_writer.hpp"
#include "fuzz/fuzz_case.hpp"
#include "fuzz/minimizer.hpp"
#include "fuzz/mutator.hpp"
#include "run/interpreter.hpp"
#include "running_server.hpp"

namespace wsspec::fuzz {
namespace {

const std::vector<traffic>& catalogue_seeds() {
  static const std::vector<traffic> seeds = [] {
    std::vector<test_case> cases;
    case_error err;
    EXPECT_TRUE(load_builtin_cases(cases, err)) << err.to_string();
    return seed_traffic(cases);
  }();
  return seeds;
}

TEST(FuzzMutator, SameSeedAndIterationSameInput) {
  const auto& seeds = catalogue_seeds();
  for (std::uint64_t i = 0; i < 300; ++i) {
    const fuzz_input a = mutate(seeds, 42, i), b = mutate(seeds, 42, i);
    EXPECT_TRUE(a.what == b.what && a.mutations == b.mutations) << "iteration " << i;
  }
}

TEST(FuzzMutator, OtherSeedsOtherInputs) {
  const auto& seeds = catalogue_seeds();
  std::size_t same = 0;
  for (std::uint64_t i = 0; i < 300; ++i)
    same += mutate(seeds, 1, i).what == mutate(seeds, 2, i).what;
  EXPECT_LT(same, 15u);
}

TEST(FuzzMutator, SeedsAreTheCataloguesTrafficWithoutFloodsOrBigPayloads) {
  std::vector<test_case> cases;
  case_error err;
  ASSERT_TRUE(load_builtin_cases(cases, err));
  const auto& seeds = catalogue_seeds();
  EXPECT_GT(seeds.size(), 450u);
  EXPECT_LT(seeds.size(), cases.size());
  std::set<std::string> from;
  for (const auto& s : seeds) from.insert(s.from_case);
  EXPECT_TRUE(from.count("framing/text-length-125"));
  EXPECT_TRUE(from.count("handshake/refuse-missing-host"));
  EXPECT_FALSE(from.count("limits/fragment-flood")) << "100 000 frames are not a seed";
  for (const auto& s : seeds)
    for (const auto& st : s.sends)
      std::visit(
          [&](const auto& x) {
            if constexpr (requires { x.shape; }) {
              EXPECT_EQ(x.shape.delay_ms, 0u) << s.from_case;
            }
          },
          st);
}

// A finding is written as a case file: whatever the mutator makes must survive that.
TEST(FuzzMutator, EveryMutantIsACaseFileThatLoadsBackTheSame) {
  const auto& seeds = catalogue_seeds();
  for (std::uint64_t i = 0; i < 2000; ++i) {
    const fuzz_input in = mutate(seeds, 7, i);
    const test_case c = fuzz_case(in, "fuzz/crash-s7-i" + std::to_string(i), 250, true);
    std::string text;
    ASSERT_NO_THROW(text = case_to_text(c)) << "iteration " << i;
    std::vector<test_case> back;
    case_error err;
    ASSERT_TRUE(load_case_text("f.json", "fuzz", text, back, err))
        << "iteration " << i << ": " << err.to_string() << "\n"
        << text;
    ASSERT_EQ(back.size(), 1u);
    back[0].source = c.source;
    EXPECT_TRUE(back[0] == c) << "iteration " << i << "\n" << text;
  }
}

TEST(FuzzMutator, ReachesEveryKindOfMutation) {
  const auto& seeds = catalogue_seeds();
  const std::vector<std::string> kinds = {"FIN ",
                                          "RSV bits",
                                          "opcode ",
                                          "unmasked",
                                          "mask key 0000",
                                          "fixed mask key",
                                          "16-bit length",
                                          "64-bit length",
                                          "length field",
                                          "UTF-8 edge",
                                          "payload of",
                                          "close code",
                                          "close body of",
                                          "inserted a ",
                                          "fragments of",
                                          "frame split",
                                          "removed",
                                          "repeated",
                                          "inserted a step",
                                          "written in",
                                          "header ",
                                          "a second",
                                          "method ",
                                          "version ",
                                          "request target",
                                          "-byte frame right after"};
  std::map<std::string, int> seen;
  for (std::uint64_t i = 0; i < 5000; ++i)
    for (const auto& m : mutate(seeds, 3, i).mutations)
      for (const auto& k : kinds)
        if (m.find(k) != std::string::npos) ++seen[k];
  for (const auto& k : kinds) EXPECT_GT(seen[k], 0) << "never: " << k;
}

// ---- minimiser ---------------------------------------------------------------------------------

send_frame frame(std::uint8_t op, std::string payload) {
  send_frame f;
  f.opcode = op;
  f.payload.bytes = std::move(payload);
  return f;
}

TEST(FuzzMinimizer, ShrinksToTheOneFieldThatMatters) {
  // The "bug": a ping whose length is in the 64-bit form.
  auto bug = [](const fuzz_input& in) {
    for (const auto& s : in.what.sends)
      if (const auto* f = std::get_if<send_frame>(&s);
          f && f->opcode == 9 && f->form == send_frame::length_form::bits64)
        return true;
    return false;
  };
  fuzz_input in;
  in.what.handshake.emplace();
  in.what.handshake->set = {{"Origin", "x"}};
  send_message m;
  m.payload.bytes = std::string(1000, 'm');
  m.fragment_size = 10;
  in.what.sends.push_back(m);
  send_frame ping = frame(9, std::string(100, 'p'));
  ping.form = send_frame::length_form::bits64;
  ping.rsv = 3;
  ping.fin = false;
  ping.shape.chunk = 2;
  ping.count = 3;
  ping.key = std::array<std::uint8_t, 4>{1, 2, 3, 4};
  in.what.sends.push_back(ping);
  in.what.sends.push_back(frame(1, "after"));
  ASSERT_TRUE(bug(in));

  const minimized out = minimize(in, bug, 500);
  ASSERT_EQ(out.input.what.sends.size(), 1u);
  EXPECT_FALSE(out.input.what.handshake);
  const auto& f = std::get<send_frame>(out.input.what.sends[0]);
  EXPECT_EQ(f.opcode, 9);
  EXPECT_EQ(f.form, send_frame::length_form::bits64);
  EXPECT_EQ(f.rsv, 0);
  EXPECT_TRUE(f.fin);
  EXPECT_EQ(f.shape.chunk, 0u);
  EXPECT_EQ(f.count, 1u);
  EXPECT_FALSE(f.key);
  EXPECT_TRUE(f.payload.bytes.empty());
  EXPECT_TRUE(bug(out.input));
  EXPECT_LT(out.replays, 60u);
}

TEST(FuzzMinimizer, StopsAtItsBudgetWithTheBestSoFar) {
  fuzz_input in;
  for (int i = 0; i < 50; ++i) in.what.sends.push_back(frame(1, "x"));
  std::uint32_t calls = 0;
  const minimized out = minimize(
      in, [&](const fuzz_input&) { return ++calls, true; }, 10);
  EXPECT_EQ(calls, 10u);
  EXPECT_EQ(out.replays, 10u);
  EXPECT_EQ(out.input.what.sends.size(), 40u);
}

TEST(FuzzMinimizer, NothingSmallerFailsSoTheInputStays) {
  fuzz_input in;
  in.what.sends = {frame(1, "a"), frame(2, "b")};
  const minimized out = minimize(
      in, [](const fuzz_input&) { return false; }, 100);
  EXPECT_TRUE(out.input.what == in.what);
}

// ---- judge -------------------------------------------------------------------------------------

TEST(FuzzJudge, KindsAndSignaturesWithoutTheEvidence) {
  case_result r;
  EXPECT_EQ(judge(r).kind, finding_kind::none);
  r.first_violation.frame = codec::protocol_error::control_frame_too_long;
  r.first_violation.evidence = std::string("\x8a\x7e\x00\x7e", 4);
  EXPECT_EQ(judge(r).kind, finding_kind::violation);
  EXPECT_EQ(judge(r).signature,
            "a control frame has a payload longer than 125 bytes (RFC 6455 5.5)");
  EXPECT_EQ(judge(r).rule.section(), "RFC 6455 5.5");
  // The evidence is in the detail, never in the signature.
  EXPECT_NE(judge(r).detail.find("8a 7e 00 7e"), std::string::npos) << judge(r).detail;
  r.first_violation = {};
  r.first_violation.handshake = codec::response_error::accept_mismatch;
  r.first_violation.detail = "the Sec-WebSocket-Accept does not match the key sent: got \"a=\"";
  EXPECT_EQ(judge(r).signature,
            "invalid 101 response: the Sec-WebSocket-Accept does not match the key sent (RFC 6455 "
            "4.1)");
  r.alive = case_result::liveness::hung;
  EXPECT_EQ(judge(r).kind, finding_kind::hang);
  r.alive = case_result::liveness::dead;
  EXPECT_EQ(judge(r).kind, finding_kind::crash);
  EXPECT_EQ(judge(r).signature, "crash");
}

// ---- against the reference server ------------------------------------------------------------

// The reference echo server in-process, and how the fuzzer runs its cases against it.
class reference_server {
 public:
  reference_server()
      : server_([] {
          echo_server_options o;
          o.port = 0;
          return o;
        }()) {
    options_.url.host = "127.0.0.1";
    options_.url.port = server_.port();
    options_.url.resource = "/";
    options_.check_alive_when_suspicious = true;
    options_.close_timeout_ms = 250;
  }
  const run_options& options() const { return options_; }

 private:
  test::running_server server_;
  run_options options_;
};

TEST(FuzzCase, TheReferenceServerGivesNoFinding) {
  reference_server server;
  const auto& seeds = catalogue_seeds();
  std::map<std::string, int> suspicious;
  for (std::uint64_t i = 0; i < 400; ++i) {
    const fuzz_input in = mutate(seeds, 11, i);
    const case_result r =
        run_case(fuzz_case(in, "fuzz/i" + std::to_string(i), 250, false), server.options());
    const outcome o = judge(r);
    EXPECT_EQ(o.kind, finding_kind::none)
        << "input " << i << " from " << in.what.from_case << ": " << o.detail;
    EXPECT_EQ(r.data, verdict::pass) << "input " << i << ": " << r.reason;
    if (r.alive != case_result::liveness::unchecked) ++suspicious["checked"];
  }
  // Silent or dropped connections are checked; the reference server fails bad input with a
  // close frame, so most inputs need no check at all.
  EXPECT_LT(suspicious["checked"], 200);
}

TEST(FuzzCase, TheSyncPingEndsTheWaitAtOnce) {
  reference_server server;
  fuzz_input in;
  send_message m;
  m.payload.bytes = "hello";
  in.what.sends.push_back(m);
  const case_result r = run_case(fuzz_case(in, "fuzz/sync", 5000, false), server.options());
  EXPECT_EQ(r.data, verdict::pass) << r.reason;
  EXPECT_EQ(r.alive, case_result::liveness::unchecked);
  EXPECT_LT(r.duration_ms, 1000) << "the pong, not the 5 s wait, ended the case";
}

TEST(FuzzCase, AReproducerChecksLivenessEvenWhenAllWentWell) {
  reference_server server;
  fuzz_input in;
  in.what.sends.push_back(frame(1, "hi"));
  const case_result r = run_case(fuzz_case(in, "fuzz/alive", 250, true), server.options());
  EXPECT_EQ(r.data, verdict::pass) << r.reason;
  EXPECT_EQ(r.alive, case_result::liveness::alive);
}

TEST(FuzzCase, ALengthThatLiesEndsInSilenceAndIsChecked) {
  reference_server server;
  fuzz_input in;
  // Binary: a text frame's bytes would fail the UTF-8 check first (RFC 6455 8.1).
  send_frame f = frame(2, "short");
  f.length = 1000;  // the server waits for 995 more bytes, the ping among them
  in.what.sends.push_back(f);
  const case_result r = run_case(fuzz_case(in, "fuzz/lie", 200, false), server.options());
  EXPECT_EQ(r.data, verdict::pass) << r.reason;
  std::string transcript;
  for (const auto& l : r.transcript) transcript += l + "\n";
  EXPECT_EQ(r.alive, case_result::liveness::alive) << "silence is suspicious: checked\n"
                                                   << transcript;
}

TEST(FuzzCase, LivenessOfAClosedPortIsDead) {
  run_options o;
  o.url.host = "127.0.0.1";
  o.url.port = 1;  // nothing listens on port 1 here
  o.url.resource = "/";
  std::string why;
  EXPECT_EQ(check_liveness(o, why), case_result::liveness::dead);
  EXPECT_NE(why.find("refused"), std::string::npos) << why;
}

}  // namespace
}  // namespace wsspec::fuzz
