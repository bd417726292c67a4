#include "wsspec/reports/junit_xml.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/reports/command_line.hpp"
#include "wsspec/reports/html_report.hpp"

namespace wsspec {

namespace {

namespace rt = report_text;

// Lines of a case's transcript quoted in a <failure> or <error>: the first ones and the last
// ones (how the connection ended).
constexpr std::size_t transcript_head = 30, transcript_tail = 10, transcript_line_bytes = 400;
constexpr std::size_t message_bytes = 300;

// Valid UTF-8 without the characters XML 1.0 forbids, truncated, escaped for element text or a
// quoted attribute value (where TAB, LF and CR are kept as character references).
std::string xml(std::string_view s, std::size_t max = rt::max_field_bytes, bool attribute = false) {
  const std::string clean = rt::truncate(rt::sanitize(s, rt::control_chars::drop), max);
  std::string out;
  out.reserve(clean.size() + clean.size() / 8);
  for (char c : clean) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string attr(std::string_view s, std::size_t max = rt::max_field_bytes) {
  return xml(s, max, true);
}

// Seconds with millisecond precision, as Surefire writes them: "0.012".
std::string seconds(double ms) {
  if (!std::isfinite(ms) || ms < 0) ms = 0;
  std::array<char, 64> buf{};
  auto r =
      std::to_chars(buf.data(), buf.data() + buf.size(), ms / 1000.0, std::chars_format::fixed, 3);
  return r.ec == std::errc{} ? std::string(buf.data(), r.ptr) : std::string("0");
}

// The reason that decided the case verdict, first line only.
std::string short_reason(const case_result& c) {
  std::string_view r = deciding_reason(c);
  if (r.empty()) return "verdict: " + std::string(to_string(c.overall));
  return std::string(r.substr(0, r.find('\n')));
}

std::string details(const run_summary& run, const case_result& c, bool with_transcript) {
  std::string d;
  d += rt::truncate(c.id, 300) + ": " + std::string(to_string(c.overall));
  if (c.autobahn) d += " (Autobahn " + rt::truncate(*c.autobahn, 64) + ")";
  d += "\n" + rt::truncate(c.title) + "\n";
  if (!c.rfc.empty()) {
    d += "RFC sections:";
    for (const auto& s : c.rfc) d += " " + rt::truncate(s, 64);
    d += "\n";
  }
  if (!c.why.empty()) d += "Why: " + rt::truncate(c.why) + "\n";
  d += "\nExpected vs. actual\n";
  d += "  data exchange: " + std::string(to_string(c.data)) + " - " +
       (c.reason.empty() ? std::string("as expected") : rt::truncate(c.reason)) + "\n";
  d += "  closing behaviour: " + std::string(to_string(c.closing)) + " - " +
       (c.closing_reason.empty() ? std::string("as expected") : rt::truncate(c.closing_reason)) +
       "\n";
  if (c.remote_close_code)
    d += "  target's close code: " + std::to_string(*c.remote_close_code) + "\n";
  if (c.target_failed_connection) d += "  the target failed the connection\n";
  if (c.connect_failed) d += "  no TCP connection\n";
  if (c.not_run) d += "  not run: " + run.stopped_because + "\n";
  d += "\nRerun: " + rt::truncate(command_line::rerun_command(run, c.id), 4096) + "\n";
  const std::vector<std::string> transcript = transcript_lines(c);
  if (with_transcript && !transcript.empty()) {
    const std::size_t n = transcript.size();
    d += "\nTranscript (" + std::to_string(n) + " lines):\n";
    auto line = [&](std::size_t i) {
      d += rt::truncate(rt::sanitize(transcript[i]), transcript_line_bytes) + "\n";
    };
    if (n <= transcript_head + transcript_tail) {
      for (std::size_t i = 0; i < n; ++i) line(i);
    } else {
      for (std::size_t i = 0; i < transcript_head; ++i) line(i);
      d += "... " + std::to_string(n - transcript_head - transcript_tail) + " lines left out ...\n";
      for (std::size_t i = n - transcript_tail; i < n; ++i) line(i);
    }
  }
  return d;
}

}  // namespace

std::string render_junit(const run_summary& run) {
  // Surefire's schema declares one root, <testsuite>: a <testsuites> wrapper (one suite per
  // area) fails it at the root. So the run is one suite, and the area lives in each case's
  // classname, which is what Jenkins (package/class), GitLab and the GitHub report actions group
  // by. The cases are written area by area (in the order areas first appear) so that readers
  // that keep document order show them grouped as well.
  std::vector<std::string> areas;
  std::vector<std::vector<const case_result*>> by_area;
  int failures = 0, errors = 0, skipped = 0;
  for (const auto& c : run.cases) {
    const std::string area = c.area.empty() ? "default" : c.area;
    const auto i =
        static_cast<std::size_t>(std::find(areas.begin(), areas.end(), area) - areas.begin());
    if (i == areas.size()) {
      areas.push_back(area);
      by_area.emplace_back();
    }
    by_area[i].push_back(&c);
    failures += c.overall == verdict::fail;
    errors += c.overall == verdict::error;
    skipped += c.overall == verdict::unimplemented;
  }
  // Long text in an attribute is unreadable in every consumer: the full reasons go in the body.
  const std::size_t prop_bytes = 500;
  auto property = [](std::string_view name, const std::string& value) {
    return "    <property name=\"" + std::string(name) + "\" value=\"" + value + "\"/>\n";
  };

  // No timestamp attribute: surefire-test-report 3.0 (Surefire 3.0-3.5) does not declare one
  // on <testsuite>, only 3.0.2 does, and a file valid against both is read by every consumer.
  // The start time is kept, with its zone, as the started_at property. No hostname either:
  // neither schema has it.
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuite name=\"wsspec\" tests=\"" + std::to_string(run.cases.size()) +
         "\" failures=\"" + std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
         "\" skipped=\"" + std::to_string(skipped) + "\" time=\"" + seconds(run.duration_ms) +
         "\">\n";
  out += "  <properties>\n";
  out += property("wsspec.version", attr(run.tool_version, 64));
  out += property("target.url", attr(run.target_url, prop_bytes));
  out += property("target.server", attr(run.server_header, prop_bytes));
  if (!run.started_at.empty()) out += property("started_at", attr(run.started_at, 64));
  if (run.incomplete) out += property("incomplete", "true");
  if (!run.stopped_because.empty()) out += property("stopped", attr(run.stopped_because, 2000));
  if (run.limits.known()) out += property("limits", attr(limits_text(run.limits), prop_bytes));
  if (const std::string cmd = command_line::run_command_line(run); !cmd.empty())
    out += property("command", attr(cmd, prop_bytes));
  out += "  </properties>\n";
  for (std::size_t a = 0; a < areas.size(); ++a) {
    const std::string classname = "wsspec." + attr(areas[a], 200);
    for (const case_result* cp : by_area[a]) {
      const case_result& c = *cp;
      out += "  <testcase name=\"" + attr(c.id, 300) + "\" classname=\"" + classname +
             "\" time=\"" + seconds(c.duration_ms) + "\"";
      const std::string v(to_string(c.overall));
      switch (c.overall) {
        case verdict::fail:
        case verdict::error: {
          // type is required by the 3.0 schema; it carries the verdict.
          const char* tag = c.overall == verdict::fail ? "failure" : "error";
          out += ">\n    <" + std::string(tag) + " message=\"" +
                 attr(short_reason(c), message_bytes) + "\" type=\"" + v + "\">" +
                 xml(details(run, c, true), 64 * 1024) + "</" + tag + ">\n  </testcase>\n";
          break;
        }
        case verdict::unimplemented:
          out += ">\n    <skipped message=\"" + attr(short_reason(c), message_bytes) +
                 "\"/>\n    <system-out>" + xml(details(run, c, false), 16 * 1024) +
                 "</system-out>\n  </testcase>\n";
          break;
        case verdict::non_strict:
        case verdict::info:
          out += ">\n    <system-out>" + xml(details(run, c, false), 16 * 1024) +
                 "</system-out>\n  </testcase>\n";
          break;
        case verdict::pass:
          out += "/>\n";
          break;
      }
    }
  }
  out += "</testsuite>\n";
  return out;
}

}  // namespace wsspec
