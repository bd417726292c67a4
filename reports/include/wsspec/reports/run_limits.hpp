// The limits a run was held to (wsspec run's --max-head, --max-frame, --max-message,
// --timeout and --total-timeout): what wsspec accepts from a target and how long it waits.
// Reports show them in their header, so a reader knows the bounds a verdict was reached under
// (a target's 100 MiB message is refused at a 64 MiB limit, not judged).
#pragma once

#include <cstdint>
#include <string>

namespace wsspec {

struct run_limits {
  std::uint64_t head_bytes = 0;               // the largest HTTP response head read
  std::uint64_t frame_bytes = 0;              // the largest frame payload read
  std::uint64_t message_bytes = 0;            // the largest message assembled
  std::uint32_t case_timeout_ms = 0;          // 0: each case's own time-out
  std::uint32_t default_case_timeout_ms = 0;  // a case's time-out when it names none
  std::uint32_t total_timeout_ms = 0;         // 0: the run is not bounded as a whole

  bool known() const noexcept { return head_bytes != 0; }
};

// "64 MiB", "256 KiB", "1000 bytes": exact, in the largest binary unit that divides it.
std::string size_text(std::uint64_t bytes);
// "5 s", "1.5 s", "30 min".
std::string duration_text(std::uint32_t ms);
// One line for a report's header: "head 256 KiB, frame 64 MiB, message 64 MiB, case time-out
// each case's own (5 s unless it names one), total time-out 30 min".
std::string limits_text(const run_limits& l);

}  // namespace wsspec
