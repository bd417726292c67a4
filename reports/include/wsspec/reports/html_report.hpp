// The HTML report: one self-contained file (inline CSS and script, no external fetch), readable
// offline and from file://. It shows the run (target, Server header, version, date, duration),
// a summary by verdict, the Autobahn-style matrix of areas x cases, timing charts as inline
// SVG, and per case the RFC sections, the why, expected vs. actual, the wire transcript and the
// command that reruns just that case (docs/reports.md).
//
// Everything that came from the target is untrusted (DESIGN.md, "Reports"): every string is made
// valid UTF-8, stripped of control and bidi characters, truncated and HTML-escaped; no data is
// ever placed inside <script>; a Content-Security-Policy forbids loading anything and allows only
// the report's own script, by its SHA-256 hash.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "wsspec/reports/results_json.hpp"

namespace wsspec {

std::string render_html(const run_summary& run);

// Text helpers shared by the report writers (HTML and JUnit XML); exposed for their tests.
namespace report_text {

// At most this many bytes of any one field (reason, header, title, transcript line) are shown.
inline constexpr std::size_t max_field_bytes = 2000;
// A case's transcript is cut to its first and last lines past this many lines, or past this
// many bytes in all, whichever comes first.
inline constexpr std::size_t max_transcript_lines = 200;
inline constexpr std::size_t max_transcript_bytes = 64 * 1024;

// What to do with a code point a report must not show raw: C0 controls other than TAB, LF and
// CR, DEL, C1 controls, U+FFFE/U+FFFF and the bidi embedding/override/isolate controls.
enum class control_chars { replace, drop };

// Valid UTF-8 out, whatever comes in: each maximal ill-formed subsequence (Unicode 3.9, Table
// 3-7, as the WHATWG decoder does it) becomes one U+FFFD; unwanted code points (above) become
// U+FFFD or are dropped.
std::string sanitize(std::string_view in, control_chars policy = control_chars::replace);

// At most max_bytes of valid UTF-8 `s`, cut on a code point boundary, with a note of the full
// size appended when anything was cut.
std::string truncate(std::string_view s, std::size_t max_bytes = max_field_bytes);

// & < > " ' escaped; safe in element text and in quoted attribute values.
std::string html_escape(std::string_view s);

// A POSIX shell word: `s` unchanged when it has only characters no shell treats specially,
// otherwise single-quoted (always single-quoted when force_quotes).
std::string shell_quote(std::string_view s, bool force_quotes = false);

// The rerun command of one case: wsspec run URL --cases 'ID'.
std::string rerun_command(std::string_view url, std::string_view case_id);

// The link of an RFC section: "5.2" -> RFC 6455 section 5.2, "RFC 7692 7.2.1" -> RFC 7692;
// empty when the text is no section number.
std::string rfc_url(std::string_view section);

// Base64 of the SHA-256 of `data` (the form a CSP 'sha256-...' source wants).
std::string sha256_base64(std::string_view data);

}  // namespace report_text

}  // namespace wsspec
