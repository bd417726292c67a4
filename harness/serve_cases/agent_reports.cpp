#include "serve_cases/agent_reports.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <fstream>

#include "judge/mask_keys.hpp"
#include "run/interpreter.hpp"
#include "run/suite_runner.hpp"
#include "version.hpp"
#include "wsspec/reports/html_report.hpp"
#include "wsspec/reports/junit_xml.hpp"
#include "wsspec/reports/results_reader.hpp"

namespace wsspec::serve_cases {

namespace fs = std::filesystem;

namespace {

// Write beside, then rename over: a reader (or a restart after a kill) sees the old file or the
// new one, never part of one. The name is unique per call, so two threads never share one.
bool replace_file(const fs::path& path, const std::string& text, std::string& error) {
  static std::atomic<unsigned> serial{0};
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const fs::path temp =
      path.parent_path() / ("." + path.filename().string() + "." + std::to_string(getpid()) + "." +
                            std::to_string(serial.fetch_add(1)) + ".tmp");
  {
    std::ofstream f(temp, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    if (!f) {
      error = "cannot write " + temp.string();
      fs::remove(temp, ec);
      return false;
    }
  }
  fs::rename(temp, path, ec);
  if (ec) {
    error = "cannot replace " + path.string() + ": " + ec.message();
    fs::remove(temp, ec);
    return false;
  }
  return true;
}

std::string results_text(const run_summary& summary) {
  nlohmann::json j = to_json(summary);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

case_result not_run_yet(const test_case& c, const std::string& agent) {
  case_result r = describe_case(c);
  r.data = r.overall = verdict::error;
  r.closing = verdict::info;
  r.reason = "not run: the client (agent " + agent + ") has not run this case yet";
  r.closing_reason = "not judged: the case did not run";
  r.not_run = true;
  return r;
}

// RFC 6455 5.3 across the run: every case's keys in case order (the same order at any --jobs),
// so a client that restarts one generator with the same seed on every connection, which no
// single case shows, is caught. Results loaded from an earlier run (a restart with the same
// --out) bring their keys back from results.json ("client_mask_keys"), so they count too.
std::optional<case_result> masking_keys_of_the_run(const std::vector<case_result>& cases) {
  std::vector<std::uint32_t> keys;
  for (const auto& c : cases)
    keys.insert(keys.end(), c.client_mask_keys.begin(), c.client_mask_keys.end());
  if (keys.empty()) return std::nullopt;
  const mask_key_judgement j = judge_mask_keys(keys);
  case_result r;
  r.id = std::string(run_level_mask_keys_id);
  r.area = "client";
  r.title = "The masking keys of all the client's frames in the run are unpredictable";
  r.rfc = {"5.3", "10.3"};
  r.requirements = {"6455-5.3-unpredictable-mask-key", "6455-5.3-fresh-mask-key",
                    "6455-10.3-client-new-key-per-frame"};
  r.why =
      "RFC 6455 5.3 says a client MUST take each frame's masking key fresh from a strong source "
      "of entropy, so keys must not repeat or follow a pattern across connections either; the "
      "keys of every case, in case order, are judged together.";
  r.data = r.overall = j.grade;
  r.reason = j.reason;
  r.closing = verdict::pass;
  return r;
}

}  // namespace

run_summary agent_summary(const std::string& agent, const std::vector<test_case>& cases,
                          const std::vector<std::optional<case_result>>& results,
                          const report_settings& settings) {
  run_summary s;
  s.tool_version = version;
  s.target_url = settings.listening_url;
  s.target_agent = agent;
  s.started_at = now_iso8601();
  s.command = settings.command;
  s.argv = settings.argv;
  s.requirements = settings.requirements;
  std::size_t ran = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (i < results.size() && results[i]) {
      ++ran;
      s.duration_ms += results[i]->duration_ms;
      if (s.server_header.empty()) s.server_header = results[i]->server_header;
      s.cases.push_back(*results[i]);
    } else {
      s.cases.push_back(not_run_yet(cases[i], agent));
    }
  }
  if (auto keys = masking_keys_of_the_run(s.cases)) s.cases.push_back(std::move(*keys));
  if (ran < cases.size()) {
    s.incomplete = true;
    s.stopped_because = "the client (agent " + agent + ") has run " + std::to_string(ran) + " of " +
                        std::to_string(cases.size()) + " cases";
  }
  if (settings.accepted) {
    const baseline_outcome b = apply_baseline(*settings.accepted, s.cases, settings.strict);
    s.baseline_file = settings.baseline_file;
    s.baseline_accepted = b.accepted;
    s.baseline_new_failures = b.new_failures;
    s.baseline_now_passing = b.now_passing;
  }
  return s;
}

agent_outcome judge_agent(const run_summary& summary, const report_settings& settings) {
  std::size_t failed = 0;
  for (const case_result& r : summary.cases) {
    if (!counts_as_failure(r.overall, settings.strict)) continue;
    const bool accepted =
        !r.not_run && settings.accepted &&
        std::any_of(
            settings.accepted->accepted.begin(), settings.accepted->accepted.end(),
            [&](const baseline_entry& e) { return e.id == r.id && e.expected == r.overall; });
    if (!accepted) ++failed;
  }
  agent_outcome o;
  o.exit = failed ? 1 : 0;
  o.final_line = std::to_string(summary.cases.size() - failed) + " passed, " +
                 std::to_string(failed) + " failed";
  if (summary.incomplete) o.final_line += " (incomplete: " + summary.stopped_because + ")";
  return o;
}

bool save_results_json(const run_summary& summary, const std::string& agent,
                       const report_settings& settings, std::string& error) {
  if (settings.out.empty()) return true;
  return replace_file(settings.out / agent / "results.json", results_text(summary), error);
}

bool write_agent_reports(const run_summary& summary, const std::string& agent,
                         const report_settings& settings, std::string& error) {
  if (settings.out.empty()) return true;
  const fs::path dir = settings.out / agent;
  return replace_file(dir / "index.html", render_html(summary), error) &&
         replace_file(dir / "junit.xml", render_junit(summary), error) &&
         replace_file(dir / "results.json", results_text(summary), error);
}

std::vector<std::pair<std::string, run_summary>> load_saved_results(
    const fs::path& out, std::vector<std::string>& problems) {
  std::vector<std::pair<std::string, run_summary>> found;
  std::error_code ec;
  if (out.empty() || !fs::is_directory(out, ec)) return found;
  for (const fs::directory_entry& e : fs::directory_iterator(out, ec)) {
    const fs::path file = e.path() / "results.json";
    if (!e.is_directory(ec) || !fs::is_regular_file(file, ec)) continue;
    run_summary s;
    results_error err;
    if (!read_results_file(file, s, err)) {
      problems.push_back(err.to_string());
      continue;
    }
    found.emplace_back(e.path().filename().string(), std::move(s));
  }
  return found;
}

}  // namespace wsspec::serve_cases
