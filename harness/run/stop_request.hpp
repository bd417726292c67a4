// A request to stop the run early: SIGINT (Ctrl-C) or SIGTERM. The handler only records the
// signal (an atomic store is all a handler may safely do); the runner looks at it between
// cases and every waiting read looks at it at least every 100 ms, so a run stops within about
// a second and still writes its reports, marked incomplete.
#pragma once

namespace wsspec {

// Installs the handlers for SIGINT and SIGTERM (wsspec run calls it once).
void install_stop_handlers();

// The signal that asked to stop, or 0.
int stop_signal() noexcept;
inline bool stop_requested() noexcept { return stop_signal() != 0; }

// For tests: as if `signal` had arrived (0 clears it).
void request_stop(int signal) noexcept;

}  // namespace wsspec
