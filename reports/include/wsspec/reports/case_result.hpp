// What running one case produced: two graded verdicts (data exchange, closing behaviour) as
// Autobahn users know them, the combined verdict, a reason a user understands without reading
// code, and the wire transcript.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/reports/observation.hpp"

namespace wsspec {

// Verdict grades, Autobahn-compatible (DESIGN.md); `error` means wsspec could not run the case.
enum class verdict : std::uint8_t { pass, non_strict, info, unimplemented, fail, error };

// "pass", "non-strict", "info", "unimplemented", "fail", "error" (results.json spelling).
std::string_view to_string(verdict v) noexcept;

// The one severity order of verdicts: pass < info < non-strict < unimplemented < fail < error.
// (The enum's order is results.json's historical listing order, not severity.)
int severity(verdict v) noexcept;
// The more severe of two verdicts (the first when equal).
verdict worse(verdict a, verdict b) noexcept;
// The case verdict from its two parts: the worse of the two.
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
  // The wire transcript, typed; reports render it. `transcript` holds the rendered lines of a
  // run read back from results.json (where `events` is empty).
  std::vector<observation> events;
  std::vector<std::string> transcript;
  std::optional<std::uint16_t> remote_close_code;  // the target's close code, if it sent one
  bool target_failed_connection = false;  // the runner then checks that the target still lives
  bool connect_failed = false;            // no TCP connection at all
  std::string server_header;              // the target's Server header, if any

  // The first thing the target sent that breaks RFC 6455 (an invalid frame, message, close or
  // 101 response), with its section; empty when everything it sent was valid. Judged or not,
  // this is what the network fuzzer looks for.
  violation first_violation;
  std::string target_violation;  // first_violation as text, when read back from results.json
  // The check on a second connection that the target still serves (a case's check_alive, or
  // after the target failed the connection): dead = it refuses or drops new connections,
  // hung = it accepts them but completes no handshake and echo in time.
  enum class liveness : std::uint8_t { unchecked, alive, dead, hung };
  liveness alive = liveness::unchecked;
  // The case was not run: the run stopped before it (run_summary::stopped_because says why).
  bool not_run = false;

  // permessage-deflate (RFC 7692) traffic, when the case agreed to it: message bytes before
  // compression and compressed payload bytes, each way; their ratio is what compression did
  // (Autobahn reports the same for its 12.x/13.x cases).
  struct compression_traffic {
    std::uint64_t sent_bytes = 0, sent_compressed = 0;          // wsspec's compressed messages
    std::uint64_t received_bytes = 0, received_compressed = 0;  // the target's compressed ones
    // compressed / bytes; nullopt when no such message went that way.
    static std::optional<double> ratio(std::uint64_t compressed, std::uint64_t bytes) {
      return bytes ? std::optional<double>(double(compressed) / double(bytes)) : std::nullopt;
    }
    bool operator==(const compression_traffic&) const = default;
  };
  std::optional<compression_traffic> compression;

  // When the target is a client: the masking keys of its frames in the order they came, each
  // as the 4 key bytes read big-endian, the first max_mask_keys of them. RFC 6455 5.3 makes
  // them unpredictable; judge_mask_keys (harness/judge/mask_keys.hpp) checks a run's keys.
  static constexpr std::size_t max_mask_keys = 64;
  std::vector<std::uint32_t> client_mask_keys;
};

// The reason that decided the case verdict: the part (data exchange first) whose verdict is the
// case verdict. Console, results.json, HTML, JUnit and comparisons all use this one rule.
const std::string& deciding_reason(const case_result& c) noexcept;

// The transcript as lines: rendered from `events`, or `transcript` for a run read back.
std::vector<std::string> transcript_lines(const case_result& c);

// The first rule the target broke, as text ("" when none).
std::string target_violation_text(const case_result& c);

}  // namespace wsspec
