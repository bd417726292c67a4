#include "wsspec/reports/command_line.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "wsspec/reports/html_report.hpp"
#include "wsspec/reports/results_json.hpp"

namespace wsspec::command_line {

namespace {

// How `wsspec run` (harness/cli/run_command.cpp) parses the options the rerun leaves out. The
// greedy ones are CLI11 vector options: they take every following word up to the next option,
// except the URL (CLI11 leaves a required positional its word).
constexpr std::array<std::string_view, 2> dropped_greedy = {"--cases", "--exclude"};
constexpr std::array<std::string_view, 4> dropped_single = {"--out", "--autobahn-json", "--jobs",
                                                            "-j"};

bool one_of(std::string_view word, const auto& names) {
  return std::find(names.begin(), names.end(), word) != names.end();
}

bool is_ws_url(std::string_view w) {
  auto starts_ci = [&](std::string_view p) {
    if (w.size() < p.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i) {
      const char c = w[i] >= 'A' && w[i] <= 'Z' ? static_cast<char>(w[i] - 'A' + 'a') : w[i];
      if (c != p[i]) return false;
    }
    return true;
  };
  return starts_ci("ws://") || starts_ci("wss://");
}

bool is_option(std::string_view w) { return w.size() > 1 && w.front() == '-'; }

}  // namespace

std::string shell_join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& w : argv) {
    if (!out.empty()) out += ' ';
    out += report_text::shell_quote(w);
  }
  return out;
}

std::vector<std::string> rerun_argv(const std::vector<std::string>& argv,
                                    std::string_view case_id) {
  if (argv.size() < 2 || argv[1] != "run") return {};
  std::vector<std::string> out = {argv[0], argv[1]};
  std::optional<std::size_t> end_of_options;  // the position of "--" in `out`, if any
  for (std::size_t i = 2; i < argv.size(); ++i) {
    const std::string_view w = argv[i];
    if (w == "--") {  // everything after it is positional: kept as it is
      end_of_options = out.size();
      out.insert(out.end(), argv.begin() + static_cast<std::ptrdiff_t>(i), argv.end());
      break;
    }
    const std::string_view name = w.substr(0, w.find('='));
    const bool attached = name.size() < w.size();  // --name=value
    if (one_of(name, dropped_greedy)) {
      if (attached) continue;
      while (i + 1 < argv.size() && !is_option(argv[i + 1]) && !is_ws_url(argv[i + 1])) ++i;
      continue;
    }
    if (one_of(name, dropped_single)) {
      if (!attached && i + 1 < argv.size()) ++i;
      continue;
    }
    if (w.size() > 2 && w.starts_with("-j") && w[2] != '-') continue;  // -j8
    out.emplace_back(w);
  }
  const std::array<std::string, 2> select = {"--cases", std::string(case_id)};
  out.insert(
      end_of_options ? out.begin() + static_cast<std::ptrdiff_t>(*end_of_options) : out.end(),
      select.begin(), select.end());
  return out;
}

std::string rerun_command(const run_summary& run, std::string_view case_id) {
  using report_text::shell_quote;
  std::vector<std::string> words = rerun_argv(run.argv, case_id);
  if (words.empty()) {
    return "wsspec run " + shell_quote(run.target_url) + " --cases " + shell_quote(case_id, true);
  }
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i) out += ' ';
    // The case id quoted even when it needs no quotes, as the command always showed it.
    const bool id = i > 0 && words[i - 1] == "--cases" && words[i] == case_id;
    out += shell_quote(words[i], id);
  }
  return out;
}

std::string run_command_line(const run_summary& run) {
  return run.argv.empty() ? run.command : shell_join(run.argv);
}

}  // namespace wsspec::command_line
