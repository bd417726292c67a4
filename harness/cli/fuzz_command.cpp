#include "cli/fuzz_command.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "fuzz/fuzz_runner.hpp"
#include "run/selection.hpp"
#include "run/suite_runner.hpp"
#include "transport/url.hpp"

namespace wsspec::cli {

fuzz_command::fuzz_command(CLI::App& app) {
  command_ = app.add_subcommand(
      "fuzz", "Fuzz a live server with mutated traffic; findings become replayable case files");
  add_target_options(command_, target_);
  add_source_options(command_, sources_);
  command_->add_option("--duration", duration_s_, "Stop after this many seconds (default 60)")
      ->check(CLI::Range(0.1, 86400.0));
  command_->add_option("--seed", seed_, "Seed of the mutations: the same seed, the same inputs");
  command_->add_option("--max-cases", max_cases_,
                       "Stop after this many inputs (default: no limit)");
  command_->add_option("--out", out_dir_,
                       "Folder for the findings' case files (default wsspec-fuzz)");
  command_->add_option("--server-cmd", server_cmd_,
                       "Start the target with this shell command, and restart it after a crash "
                       "or hang (then crashes are minimised and fuzzing goes on)");
  command_
      ->add_option("--wait-ms", wait_ms_,
                   "How long to wait for the answer to one input (default 250)")
      ->check(CLI::Range(10, 60000));
  command_
      ->add_option("--max-findings", max_findings_,
                   "Stop after this many distinct findings (default 10)")
      ->check(CLI::Range(1, 1000));
  command_
      ->add_option("--minimize-budget", minimize_budget_,
                   "Replays spent minimising each finding (default 200)")
      ->check(CLI::Range(0, 100000));
}

bool fuzz_command::selected() const { return command_->parsed(); }

int fuzz_command::run() const {
  fuzz::fuzz_options o;
  if (!apply_target_options(target_, o.run)) return exit_usage;
  std::vector<test_case> cases;
  if (!load_and_select(sources_, cases)) return exit_usage;
  // The fuzzer is a client of a server under test: the cases for clients are not its seeds.
  std::erase_if(cases, [](const test_case& c) { return !runs_in(c, case_peer::server); });
  o.seed = seed_;
  o.duration = std::chrono::milliseconds(static_cast<std::int64_t>(duration_s_ * 1000));
  o.max_cases = max_cases_;
  o.wait_ms = wait_ms_;
  o.out_dir = out_dir_;
  o.server_cmd = server_cmd_;
  o.max_findings = max_findings_;
  o.minimize_budget = minimize_budget_;
  o.terminal = isatty(STDOUT_FILENO);

  // Without --server-cmd the target must already be up; with it, the runner starts it.
  std::string error;
  if (server_cmd_.empty() && !probe_target(o.run, error)) {
    std::cerr << "wsspec: the target " << o.run.url.to_string() << " cannot be reached: " << error
              << "\n";
    return exit_unreachable;
  }
  const fuzz::fuzz_outcome out = fuzz::run_fuzz(cases, o, std::cout);
  if (out.exit == exit_usage || out.exit == exit_unreachable) {
    std::cerr << out.final_line << "\n";
    return out.exit;
  }
  std::cout << out.final_line << std::endl;
  if (!out.findings.empty())
    std::cout << "replay: wsspec run " << target_.url << " --case-dir " << out_dir_ << "\n";
  return out.exit;
}

}  // namespace wsspec::cli
