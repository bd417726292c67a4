#include "wsspec/reports/case_result.hpp"

#include "wsspec/reports/observation_text.hpp"

namespace wsspec {

std::string_view to_string(verdict v) noexcept {
  switch (v) {
    case verdict::pass:
      return "pass";
    case verdict::non_strict:
      return "non-strict";
    case verdict::info:
      return "info";
    case verdict::unimplemented:
      return "unimplemented";
    case verdict::fail:
      return "fail";
    case verdict::error:
      return "error";
  }
  return "error";
}

int severity(verdict v) noexcept {
  switch (v) {
    case verdict::pass:
      return 0;
    case verdict::info:
      return 1;
    case verdict::non_strict:
      return 2;
    case verdict::unimplemented:
      return 3;
    case verdict::fail:
      return 4;
    case verdict::error:
      return 5;
  }
  return 5;
}

verdict worse(verdict a, verdict b) noexcept { return severity(a) >= severity(b) ? a : b; }

verdict combine(verdict data, verdict closing) noexcept { return worse(data, closing); }

const std::string& deciding_reason(const case_result& c) noexcept {
  if (c.data == c.overall && !c.reason.empty()) return c.reason;
  if (c.closing == c.overall && !c.closing_reason.empty()) return c.closing_reason;
  return c.reason.empty() ? c.closing_reason : c.reason;
}

std::vector<std::string> transcript_lines(const case_result& c) {
  if (c.events.empty()) return c.transcript;
  std::vector<std::string> lines;
  lines.reserve(c.events.size());
  for (const auto& o : c.events) lines.push_back(transcript_line(o));
  return lines;
}

std::string target_violation_text(const case_result& c) {
  return c.first_violation.empty() ? c.target_violation : describe(c.first_violation);
}

}  // namespace wsspec
