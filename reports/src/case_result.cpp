#include "wsspec/reports/case_result.hpp"

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

namespace {
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
}  // namespace

verdict combine(verdict data, verdict closing) noexcept {
  return severity(data) >= severity(closing) ? data : closing;
}

}  // namespace wsspec
