#include "wsspec/reports/run_limits.hpp"

#include <cstdio>

namespace wsspec {

std::string size_text(std::uint64_t bytes) {
  static constexpr const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  std::size_t u = 0;
  while (u + 1 < std::size(units) && bytes >= 1024 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++u;
  }
  if (u == 0) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  return std::to_string(bytes) + " " + units[u];
}

std::string duration_text(std::uint32_t ms) {
  if (ms % 60000 == 0 && ms >= 60000) return std::to_string(ms / 60000) + " min";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", ms / 1000.0);
  return buf;
}

std::string limits_text(const run_limits& l) {
  std::string s = "head " + size_text(l.head_bytes) + ", frame " + size_text(l.frame_bytes) +
                  ", message " + size_text(l.message_bytes) + ", case time-out ";
  s += l.case_timeout_ms ? duration_text(l.case_timeout_ms)
                         : "each case's own (" + duration_text(l.default_case_timeout_ms) +
                               " unless it names one)";
  s += ", total time-out ";
  s += l.total_timeout_ms ? duration_text(l.total_timeout_ms) : "none";
  return s;
}

}  // namespace wsspec
