// What running one case produced: two graded verdicts (data exchange, closing behaviour) as
// Autobahn users know them, the combined verdict, a reason a user understands without reading
// code, and the wire transcript.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsspec {

// Verdict grades, Autobahn-compatible (DESIGN.md); `error` means wsspec could not run the case.
enum class verdict : std::uint8_t { pass, non_strict, info, unimplemented, fail, error };

// "pass", "non-strict", "info", "unimplemented", "fail", "error" (results.json spelling).
std::string_view to_string(verdict v) noexcept;

// The case verdict from its two parts: the worse of the two, in the order
// pass < info < non-strict < unimplemented < fail < error.
verdict combine(verdict data, verdict closing) noexcept;

struct case_result {
  // What the case is (copied from the case so a report needs nothing else).
  std::string id;
  std::string area;
  std::string title;
  std::optional<std::string> autobahn;
  std::vector<std::string> rfc;
  std::vector<std::string> requirements;  // the requirement ids the case checks
  std::string why;
  std::vector<std::string> tags;

  verdict data = verdict::pass;
  verdict closing = verdict::pass;
  verdict overall = verdict::pass;
  std::string reason;          // data exchange: expected vs. actual, with the RFC section
  std::string closing_reason;  // closing behaviour, likewise
  double duration_ms = 0;
  std::vector<std::string> transcript;
  std::optional<std::uint16_t> remote_close_code;  // the target's close code, if it sent one
  bool target_failed_connection = false;  // the runner then checks that the target still lives
  bool connect_failed = false;            // no TCP connection at all
  std::string server_header;              // the target's Server header, if any

  // The first thing the target sent that breaks RFC 6455 (an invalid frame, message, close or
  // 101 response), with its section; empty when everything it sent was valid. Judged or not,
  // this is what the network fuzzer looks for.
  std::string target_violation;
  // The check on a second connection that the target still serves (a case's check_alive, or
  // after the target failed the connection): dead = it refuses or drops new connections,
  // hung = it accepts them but completes no handshake and echo in time.
  enum class liveness : std::uint8_t { unchecked, alive, dead, hung };
  liveness alive = liveness::unchecked;
};

}  // namespace wsspec
