// One agent's reports under --out: OUT/<agent>/results.json, index.html and junit.xml, from the
// same writers and with the same fields as `wsspec run --out`, plus target.agent and
// target.role = "client". A case the agent has not run yet is listed not_run (verdict error)
// and the file is marked incomplete until every selected case has a result, as an interrupted
// `wsspec run` marks its own. Files are replaced atomically (a temporary file, then rename), so
// a restarted or killed serve-cases never finds half a results.json.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cases/case_model.hpp"
#include "run/baseline.hpp"
#include "wsspec/reports/results_json.hpp"

namespace wsspec::serve_cases {

struct report_settings {
  std::filesystem::path out;      // empty: no files are written
  std::string listening_url;      // "ws://127.0.0.1:9001/"
  std::string command;            // the command line, for the reports' rerun hint
  std::vector<std::string> argv;  // its words, when known (results.json "argv")
  bool strict = false;
  std::optional<baseline> accepted;  // --baseline
  std::string baseline_file;
  std::vector<requirement_info> requirements;
};

// The id of the run-level result agent_summary adds: RFC 6455 5.3 judged on the masking keys of
// every case the client ran (judge/mask_keys.hpp), not a case of the catalogue.
inline constexpr std::string_view run_level_mask_keys_id = "client/masking-keys-of-the-run";

// The agent's run as `wsspec run` would report it, plus the run-level masking-key result.
run_summary agent_summary(const std::string& agent, const std::vector<test_case>& cases,
                          const std::vector<std::optional<case_result>>& results,
                          const report_settings& settings);

struct agent_outcome {
  int exit = 0;            // 0 every case passed (or failed as the baseline allows), else 1
  std::string final_line;  // "N passed, N failed" (+ " (incomplete: ...)")
};
// A case not run counts as failed: a run that did not reach a case did not pass it.
agent_outcome judge_agent(const run_summary& summary, const report_settings& settings);

// OUT/<agent>/results.json only (after every case); false with the reason on failure.
bool save_results_json(const run_summary& summary, const std::string& agent,
                       const report_settings& settings, std::string& error);
// All three files (updateReports, the end of a run).
bool write_agent_reports(const run_summary& summary, const std::string& agent,
                         const report_settings& settings, std::string& error);

// OUT/<agent>/results.json of earlier runs, by agent (the folder's name); a file that cannot be
// read is reported in `problems` and skipped.
std::vector<std::pair<std::string, run_summary>> load_saved_results(
    const std::filesystem::path& out, std::vector<std::string>& problems);

}  // namespace wsspec::serve_cases
