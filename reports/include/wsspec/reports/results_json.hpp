// results.json (DESIGN.md: "results.json always has at least ...") and Autobahn's index.json
// shape, for CI scripts written against Autobahn|Testsuite.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/reports/case_result.hpp"
#include "wsspec/reports/run_limits.hpp"

namespace wsspec {

// A requirement of the requirement map (cases/requirements.json) as reports show it; which
// cases of the run name it comes from case_result::requirements.
struct requirement_info {
  std::string id;       // "6455-5.1-server-fails-on-unmasked-frame"
  std::string rfc;      // "6455"
  std::string section;  // "5.1"
  std::string keyword;  // "MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY"
  std::string binds;    // "server", "client", "both"
  std::string text;
  std::string untestable;  // why no case can check it; empty when one can
};

struct run_summary {
  std::string tool_version;
  std::string target_url;
  std::string server_header;  // the target's Server header, if any
  // A client under test (wsspec serve-cases): its agent name; empty when the target is a server.
  std::string target_agent;
  std::string started_at;  // ISO 8601, UTC
  double duration_ms = 0;
  // The command line that produced the run: its words as the program got them (empty in a
  // results.json written before they were recorded), and as one shell-quoted line.
  std::vector<std::string> argv;
  std::string command;
  std::vector<case_result> cases;
  // The requirement map the cases refer to (empty when the run had none).
  std::vector<requirement_info> requirements;

  // --baseline: the file and how the run compares with it (ids).
  // Why the run stopped before running (some of) its cases; empty when it ran them all.
  std::string stopped_because;
  // The run ended early (SIGINT, SIGTERM, --total-timeout): the cases marked not_run were not
  // judged.
  bool incomplete = false;
  // What the run accepted from the target and how long it waited (unknown: not recorded).
  run_limits limits;

  std::string baseline_file;
  std::vector<std::string> baseline_accepted, baseline_new_failures, baseline_now_passing;
};

nlohmann::json to_json(const run_summary& run);

// {agent: {autobahn id: {behavior, behaviorClose, duration, remoteCloseCode}}} for the cases
// that carry an Autobahn id. Verdicts map to Autobahn's words (OK, NON-STRICT, INFORMATIONAL,
// UNIMPLEMENTED, FAILED).
nlohmann::json to_autobahn_json(const run_summary& run, const std::string& agent);

// Autobahn's word for a verdict (index.json's "behavior", the fuzzing server's getCaseStatus): OK,
// NON-STRICT, INFORMATIONAL, UNIMPLEMENTED, FAILED (fail and error: a case wsspec could not run
// did not pass).
std::string_view autobahn_behavior(verdict v) noexcept;

}  // namespace wsspec
