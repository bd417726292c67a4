// Runs a selection of cases against one target on --jobs threads (one connection per case),
// checks after every case that failed the connection that the target still answers, prints
// progress, and returns what the run's exit code must be (DESIGN.md).
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "cases/case_model.hpp"
#include "run/interpreter.hpp"
#include "wsspec/reports/results_json.hpp"

namespace wsspec {

struct suite_options {
  run_options run;
  unsigned jobs = 1;
  bool strict = false;    // non-strict verdicts count as failures
  bool terminal = false;  // live progress on one updating line instead of a line per case
  // --total-timeout: the cases not reached by then are marked not run (0: no bound).
  std::uint32_t total_timeout_ms = 0;
  // True for a failing result the baseline accepts: it is shown but does not fail the run.
  std::function<bool(const case_result&)> accepted;
};

// Exit codes of `wsspec run` (DESIGN.md).
enum exit_code : int { exit_ok = 0, exit_failed = 1, exit_usage = 2, exit_unreachable = 3 };

struct suite_outcome {
  run_summary summary;
  int exit = exit_ok;
  std::string final_line;  // "N passed, N failed"
};

// Connects and completes one opening handshake; false with the reason if the target cannot be
// reached at all (then nothing else is run and the exit code is 3).
bool probe_target(const run_options& options, std::string& error);

// Before a run: can the cases run at all? `unreachable`: no TCP connection (or TLS session),
// exit 3 and no report. `unusable`: the target answers, but its answer to a well-formed opening
// request is no usable 101 (garbage, an error status, a broken 101, nothing in time); every
// case would fail on its handshake, so none is run (stop_before_running).
struct preflight {
  enum class state : std::uint8_t { ready, unreachable, unusable };
  state status = state::ready;
  case_result probe;  // what the check saw: its typed events, reason and broken rule
};
preflight check_target(const run_options& options);

// The outcome of a run the pre-flight stopped: every case `fail`, marked not run, with the
// probe's finding as its reason (said once, in the summary's stopped_because too) and the
// probe's events as its transcript; the exit code is 1.
suite_outcome stop_before_running(const std::vector<test_case>& cases, const suite_options& options,
                                  const case_result& probe, std::ostream& progress);

// The progress line of a finished case (without a terminal): verdict, id, Autobahn id, time,
// and for anything but pass the deciding reason on a second line. Also `wsspec serve-cases`'s.
std::string case_line(const case_result& r, bool accepted);

suite_outcome run_suite(const std::vector<test_case>& cases, const suite_options& options,
                        std::ostream& progress);

// The current UTC time as results.json's started_at writes it: 2026-12-07T17:52:43Z.
std::string now_iso8601();

}  // namespace wsspec
