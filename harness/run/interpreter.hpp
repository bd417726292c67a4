// Runs one test case against a target server over one connection: sends the case's bytes,
// turns what comes back into typed observations, and lets the judge (judge/) decide. This
// file owns the socket; the judge never sees one.
//
// Time: every wait is for the target's idleness, measured on the run's idle_clock (no byte
// moved to or from the target on any connection), never for wall time spent queued behind a
// neighbour. An expect step waits its `timeout_ms` (default: the case's) of idleness; the
// closing handshake waits close_timeout_ms. The whole case is bounded by
// total_bound(case) = 4 x its time-out + close_timeout_ms, whatever the target does.
#pragma once

#include <cstdint>

#include "cases/case_model.hpp"
#include "run/idle_clock.hpp"
#include "run/target_reader.hpp"
#include "transport/connection.hpp"
#include "transport/url.hpp"
#include "wsspec/reports/case_result.hpp"

namespace wsspec {

struct run_options {
  ws_url url;
  tls_options tls;
  std::uint32_t timeout_ms = 0;           // overrides every case's time-out when non-zero
  std::uint32_t close_timeout_ms = 2000;  // how long a closing handshake step may idle
  target_limits limits;                   // what wsspec accepts from a target
  std::size_t max_transcript_lines = 400;
  // Also check liveness (as a case's check_alive does) when the case ended suspiciously: the
  // target dropped TCP without a close frame, or an expectation ended by a time-out. The
  // network fuzzer sets it, so crashes and hangs are caught without probing after every run.
  bool check_alive_when_suspicious = false;
  // Check liveness after every case in which the target failed the connection (wsspec run).
  bool check_alive_after_failed_connection = false;
  // The run's record of the target's last activity; null: the case keeps its own.
  idle_clock* activity = nullptr;
  // The client under test is a web browser (serve-cases --browser): RFC 6455 4.1 then requires
  // an Origin field in its opening request, which other clients may leave out.
  bool client_is_browser = false;
};

// The wall-time bound of one case: 4 x its time-out (idle) plus the closing handshake's.
clock::duration total_bound(const test_case& c, const run_options& options);

case_result run_case(const test_case& c, const run_options& options);

// Runs `c` with the roles flipped: wsspec is the server of a client under test that connected
// to it (`wsspec serve-cases`). `conn` is the accepted connection and `already_read` what the
// listener has read of it (the opening request, perhaps more), which the case reads first.
// wsspec's frames go unmasked, the client's must be masked (RFC 6455 5.1, 5.3), and the case's
// `masked: false` frames become masked ones (a server must not mask, 5.1). options.url is
// unused; liveness checks are skipped (a client cannot be probed on a second connection).
case_result run_case_for_client(const test_case& c, const run_options& options,
                                std::unique_ptr<connection> conn, std::string already_read);

// Whether `c` makes sense with the roles flipped: not a case about the server's side of the
// opening handshake (it starts with a `handshake` step) and not one that needs a second
// connection to the peer (`check_alive`).
bool applies_to_clients(const test_case& c);

// A result that says what the case is (id, title, sections, why, ...) and nothing yet of how
// it went.
case_result describe_case(const test_case& c);

// Opens a new connection, completes the opening handshake and has a message echoed, within
// `timeout_ms` of the target's idleness on that connection. Returns alive, dead (refused, reset, or
// dropped) or hung (connected but no answer in time), with the reason when it is not alive.
case_result::liveness check_liveness(const run_options& options, std::string& reason,
                                     std::uint32_t timeout_ms = 3000);

}  // namespace wsspec
