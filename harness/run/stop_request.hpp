// A request to stop the run early: SIGINT (Ctrl-C), SIGTERM, or the run's total time-out
// (--total-timeout) running out. The handler only records the signal (an atomic store is all a
// handler may safely do); the runner looks between cases and every waiting read looks at least
// every 100 ms, so a run stops within about a second and still writes its reports, marked
// incomplete.
#pragma once

#include <chrono>

namespace wsspec {

// Installs the handlers for SIGINT and SIGTERM (wsspec run calls it once).
void install_stop_handlers();

// The signal that asked to stop, or 0.
int stop_signal() noexcept;

// The run stops at `deadline` (steady clock) as if asked to; time_point{} removes the bound.
void stop_at(std::chrono::steady_clock::time_point deadline) noexcept;
// The total time-out has run out.
bool deadline_passed() noexcept;

// A signal arrived or the total time-out ran out.
inline bool stop_requested() noexcept { return stop_signal() != 0 || deadline_passed(); }

// For tests: as if `signal` had arrived (0 clears it).
void request_stop(int signal) noexcept;

}  // namespace wsspec
