// Internal to wsspec_reports: the "Requirements" section of the HTML report (html_report.cpp
// calls it): one row per requirement of the map the run carried (run_summary::requirements),
// with the cases of the run that name it, their verdicts and the worst of them; requirements
// no case of the run checks are marked. Every string comes from data (the map, case ids) and is
// escaped like everything else in the report.
#pragma once

#include <cstddef>
#include <string>

#include "wsspec/reports/results_json.hpp"

namespace wsspec::requirements_html {

// The anchor of a case's <details> element, "c-<index>" (the report's own function).
using case_anchor_fn = std::string (*)(std::size_t);

// Appends the section to `out`; nothing when the run has no requirement map.
void write_section(std::string& out, const run_summary& run, case_anchor_fn anchor);

}  // namespace wsspec::requirements_html
