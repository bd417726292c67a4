// junit.xml: the run as JUnit XML in the shape Maven Surefire writes and Jenkins, GitHub and
// GitLab read (tests/reports/junit-surefire.xsd): one <testsuite> per area, one <testcase> per
// case. fail -> <failure>, error -> <error>, unimplemented -> <skipped>; pass, non-strict and
// info pass, the latter two with their verdict and reason in <system-out> (docs/reports.md).
// Target-controlled text is made valid UTF-8, stripped of what XML 1.0 forbids, truncated and
// escaped.
#pragma once

#include <string>

#include "wsspec/reports/results_json.hpp"

namespace wsspec {

std::string render_junit(const run_summary& run);

}  // namespace wsspec
