// junit.xml: the run as JUnit XML in the shape Maven Surefire writes and Jenkins, GitHub and
// GitLab read, valid against Surefire's surefire-test-report.xsd 3.0 and 3.0.2 alike
// (tests/reports/junit-surefire.xsd). The root is one <testsuite name="wsspec"> with the run's
// totals and properties, because that is the only root Surefire's schema declares; each case is
// a <testcase name="CASE ID" classname="wsspec.AREA">, so consumers group by area through the
// classname. fail -> <failure>, error -> <error>, unimplemented -> <skipped>; pass, non-strict
// and info pass, the latter two with their verdict and reason in <system-out>
// (docs/reports.md). Target-controlled text is made valid UTF-8, stripped of what XML 1.0
// forbids, truncated and escaped.
#pragma once

#include <string>

#include "wsspec/reports/results_json.hpp"

namespace wsspec {

std::string render_junit(const run_summary& run);

}  // namespace wsspec
