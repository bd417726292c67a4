// Several runs side by side (`wsspec report A/results.json B/results.json ...`): the union of
// their cases as rows, one column per run, and the diff of every later run against the first
// (what newly fails, what newly passes, what else changed, which cases were added or removed).
//
// "The same target" is taken loosely: any two runs can be diffed (an upgrade of one server, or two
// servers); the page and comparison.json label each run with its target URL, Server header and
// start time so the reader can tell what was compared (docs/reports.md).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "wsspec/reports/results_json.hpp"

namespace wsspec {

// fail and error: the run did not get a conforming answer. Everything else passed in the sense
// of the exit code (non-strict, info and unimplemented pass unless --strict).
bool is_failing(verdict v) noexcept;


struct compared_run {
  std::string source;  // where it came from (the results.json path), for labels
  run_summary run;
};

struct comparison_row {
  std::string id;
  std::string area;
  std::string title;  // from the first run that has the case
  std::optional<std::string> autobahn;
  // Per run: the index of the case in that run's cases, or nullopt when the run lacks it.
  std::vector<std::optional<std::size_t>> cells;
  // Not every run has the same verdict (a missing case counts as a verdict of its own).
  bool differs = false;
};

enum class change_kind {
  newly_failing,  // pass/non-strict/info/unimplemented or not run -> fail/error
  newly_passing,  // fail/error -> pass/non-strict/info/unimplemented
  changed,        // another verdict of the same side (pass -> non-strict, fail -> error, ...)
  added,          // not run -> a passing verdict
  removed,        // run -> not run
};

std::string_view to_string(change_kind k) noexcept;

struct case_change {
  std::size_t row = 0;  // index into comparison::rows
  change_kind kind = change_kind::changed;
  std::optional<verdict> before, after;  // nullopt: the run does not have the case
};

struct run_diff {
  std::size_t base = 0, run = 0;  // indices into comparison::runs
  // Each in row order.
  std::vector<case_change> newly_failing, newly_passing, changed, added, removed;
};

struct comparison {
  std::vector<compared_run> runs;
  std::vector<std::string> areas;  // in order of first appearance (first run first)
  // Grouped by area (in `areas` order); within an area in the case order of the first run that
  // has the case, then the cases only later runs have, in their order.
  std::vector<comparison_row> rows;
  std::vector<run_diff> diffs;  // run i against run 0, for i = 1 .. runs.size()-1

  // The case of `run` in row `row`, or nullptr when that run lacks it.
  const case_result* cell(std::size_t row, std::size_t run) const;
  std::size_t differing_rows() const;
};

// Builds the comparison. A case id that appears twice in one run (the reader refuses such files)
// is taken from its first occurrence.
comparison compare_runs(std::vector<compared_run> runs);

// The diff of `run` against `base` over c.rows.
run_diff diff_runs(const comparison& c, std::size_t base, std::size_t run);

// comparison.json: {tool, runs: [...], cases: [{id, area, title, autobahn, verdicts, differs}],
// diffs: [{base, run, counts, newly_failing: [{id, before, after, reason}], ...}]}; fields in
// docs/reports.md.
nlohmann::json to_json(const comparison& c, const std::string& tool_version);

}  // namespace wsspec
