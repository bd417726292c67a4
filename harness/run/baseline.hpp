// A baseline: the known, accepted non-pass verdicts of one target, so CI gates on regressions
// instead of on deviations the target's authors already know about. File format (JSON):
//
//   {
//     "target": "python3-websockets 10.4",          (optional, for people)
//     "accepted": [
//       {"id": "handshake/version-8", "verdict": "fail",
//        "reason": "answers 400 without Sec-WebSocket-Version (RFC 6455 4.2.2, 4.4)"}
//     ]
//   }
//
// A case whose verdict counts as a failure is accepted when the baseline lists its id with
// exactly that verdict; any other failure is new and fails the run. Entries whose case now
// passes are reported so they can be removed. Entries for cases that did not run are ignored.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "wsspec/reports/case_result.hpp"

namespace wsspec {

struct baseline_entry {
  std::string id;
  verdict expected = verdict::fail;
  std::string reason;
};

struct baseline {
  std::string target;
  std::vector<baseline_entry> accepted;
};

// On failure returns false with "FILE: /accepted/3/verdict: reason" in `error`.
bool load_baseline(const std::filesystem::path& file, baseline& out, std::string& error);
bool parse_baseline(std::string_view text, const std::string& file_name, baseline& out,
                    std::string& error);

struct baseline_outcome {
  std::vector<std::string> accepted;      // failing cases the baseline accepts
  std::vector<std::string> new_failures;  // failing cases it does not
  std::vector<std::string> now_passing;   // baseline entries whose case no longer fails
};

// Whether a verdict fails a run: fail and error always, non-strict with --strict.
bool counts_as_failure(verdict v, bool strict) noexcept;

baseline_outcome apply_baseline(const baseline& b, const std::vector<case_result>& results,
                                bool strict);

}  // namespace wsspec
