// results.json (DESIGN.md: "results.json always has at least ...") and Autobahn's index.json
// shape, for CI scripts written against Autobahn|Testsuite.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "wsspec/reports/case_result.hpp"

namespace wsspec {

struct run_summary {
  std::string tool_version;
  std::string target_url;
  std::string server_header;  // the target's Server header, if any
  std::string started_at;     // ISO 8601, UTC
  double duration_ms = 0;
  std::string command;  // the command line that produced the run
  std::vector<case_result> cases;

  // --baseline: the file and how the run compares with it (ids).
  std::string baseline_file;
  std::vector<std::string> baseline_accepted, baseline_new_failures, baseline_now_passing;
};

nlohmann::json to_json(const run_summary& run);

// {agent: {autobahn id: {behavior, behaviorClose, duration, remoteCloseCode}}} for the cases
// that carry an Autobahn id. Verdicts map to Autobahn's words (OK, NON-STRICT, INFORMATIONAL,
// UNIMPLEMENTED, FAILED).
nlohmann::json to_autobahn_json(const run_summary& run, const std::string& agent);

}  // namespace wsspec
