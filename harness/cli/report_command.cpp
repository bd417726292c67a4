#include "cli/report_command.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "run/suite_runner.hpp"
#include "version.hpp"
#include "wsspec/reports/comparison.hpp"
#include "wsspec/reports/comparison_html.hpp"
#include "wsspec/reports/html_report.hpp"
#include "wsspec/reports/results_reader.hpp"

namespace wsspec::cli {

namespace {

bool write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) {
    std::cerr << "wsspec: cannot write " << path.string() << "\n";
    return false;
  }
  return true;
}

// Case ids come from the files: no control characters or bidi overrides reach the terminal.
std::string printable(const std::string& s) { return report_text::sanitize(s); }

std::string verdict_word(const std::optional<verdict>& v) {
  return v ? std::string(to_string(*v)) : std::string("not run");
}

}  // namespace

report_command::report_command(CLI::App& app) {
  command_ = app.add_subcommand(
      "report", "Compare runs: their results.json side by side, and what changed between them");
  command_->add_option("results", inputs_, "results.json of each run (the first is the base)")
      ->required();
  command_->add_option("--out", out_dir_, "Write index.html and comparison.json into this folder")
      ->required();
  command_->add_flag("--fail-on-regression", fail_on_regression_,
                     "Exit 1 when a later run has cases that newly fail");
}

bool report_command::selected() const { return command_->parsed(); }

int report_command::run() const {
  std::vector<compared_run> runs;
  runs.reserve(inputs_.size());
  for (const auto& input : inputs_) {
    compared_run r;
    r.source = input;
    results_error err;
    if (!read_results_file(input, r.run, err)) {
      std::cerr << "wsspec: bad results file: " << err.to_string() << "\n";
      return exit_usage;
    }
    runs.push_back(std::move(r));
  }
  const comparison c = compare_runs(std::move(runs));

  const std::filesystem::path dir(out_dir_);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::cerr << "wsspec: cannot create " << dir.string() << ": " << ec.message() << "\n";
    return exit_usage;
  }
  if (!write_file(dir / "index.html", render_comparison_html(c, version)) ||
      !write_file(
          dir / "comparison.json",
          to_json(c, version).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
              "\n")) {
    return exit_usage;
  }

  std::cout << "wrote " << (dir / "index.html").string() << " and "
            << (dir / "comparison.json").string() << "\n";
  bool regression = false;
  for (const run_diff& d : c.diffs) {
    const std::string prefix = c.diffs.size() > 1 ? "#" + std::to_string(d.run + 1) + " against #" +
                                                        std::to_string(d.base + 1) + ": "
                                                  : std::string();
    auto lines = [&](std::string_view what, const std::vector<case_change>& list) {
      for (const case_change& ch : list) {
        std::cout << prefix << what << ": " << printable(c.rows[ch.row].id) << " ("
                  << verdict_word(ch.before) << " -> " << verdict_word(ch.after) << ")\n";
      }
    };
    lines("newly failing", d.newly_failing);
    lines("newly passing", d.newly_passing);
    std::cout << prefix << d.newly_failing.size() << " newly failing, " << d.newly_passing.size()
              << " newly passing, " << d.changed.size() << " changed, " << d.added.size()
              << " added, " << d.removed.size() << " removed\n";
    regression = regression || !d.newly_failing.empty();
  }
  std::cout << std::flush;
  return fail_on_regression_ && regression ? exit_failed : exit_ok;
}

}  // namespace wsspec::cli
