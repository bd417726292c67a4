// Autobahn|Testsuite's fuzzing-server URL protocol (docs/serve-cases.md), parsed from the
// request-target of a client's opening request: which endpoint, which case, which agent.
// Pure: no sockets, so every odd URL a client can send is tested from strings.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cases/case_model.hpp"

namespace wsspec::serve_cases {

enum class endpoint_kind : std::uint8_t {
  case_count,      // /getCaseCount
  case_info,       // /getCaseInfo?case=N
  case_status,     // /getCaseStatus?case=N&agent=A
  run_case,        // /runCase?case=N&agent=A
  update_reports,  // /updateReports[?agent=A]
  unknown,         // any other path: HTTP 404
};

struct endpoint_request {
  endpoint_kind kind = endpoint_kind::unknown;
  std::string path;                  // percent-decoded, without the query
  std::optional<std::size_t> index;  // 0-based index of the case in the selection
  std::optional<std::string> agent;  // as the client sent it (decoded), not yet sanitised
  // Why the parameters do not do for this endpoint (a case out of range, no agent for
  // runCase, ...); the connection is then closed with 1008 and this as the reason.
  std::string problem;
};

// Parses `target` ("/runCase?case=3&agent=ws", or an absolute http(s) URI) against the selected
// cases. `case` is 1-based (Autobahn's numbering); Autobahn's `casetuple=1.1.1` names a case by
// its Autobahn id (or wsspec id) instead. A parameter given twice is a problem, as in Autobahn.
endpoint_request parse_endpoint(std::string_view target, const std::vector<test_case>& cases);

// "%41+b" -> "A b" (application/x-www-form-urlencoded); nullopt for a broken %-escape.
std::optional<std::string> url_decode(std::string_view s);

}  // namespace wsspec::serve_cases
