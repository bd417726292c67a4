// The comparison page of `wsspec report`: one self-contained file (inline CSS and script, no
// fetch), the runs side by side. From top to bottom: each run's facts and summary, the changes of
// every later run against the first (newly failing, newly passing, other changes, added,
// removed, with the verdicts before and after and the new reason), and the Autobahn-style
// matrix: one row per case grouped by area, one column per run, cells coloured by verdict, with
// filters by area, "only rows that differ" and text (docs/reports.md).
//
// Every string from the results files is untrusted, exactly as in the single-run report: made
// valid UTF-8, stripped of control and bidi characters, truncated, HTML-escaped, never placed in
// the script; the CSP allows only the page's own script, by hash.
#pragma once

#include <string>

#include "wsspec/reports/comparison.hpp"

namespace wsspec {

// `tool_version`: the wsspec that renders the page (the runs carry their own versions).
std::string render_comparison_html(const comparison& c, const std::string& tool_version);

}  // namespace wsspec
