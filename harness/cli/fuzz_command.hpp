// `wsspec fuzz URL [--duration S] [--seed N] [--max-cases N] [--out DIR] [--server-cmd CMD]
//                  [--wait-ms MS] [--max-findings N] [--minimize-budget N]
//                  [--cases PAT,...] [--exclude PAT,...] [--case-dir DIR] [--insecure] [--ca FILE]`
// Network fuzzing of a live server (fuzz/fuzz_runner.hpp). Findings are case files in DIR:
// `wsspec run URL --case-dir DIR` replays them. Exit codes: 0 nothing found, 1 findings,
// 2 bad usage or bad case file, 3 the target could not be reached (or started) at all.
#pragma once

#include <cstdint>
#include <string>

#include "cli/run_command.hpp"

namespace CLI {
class App;
}

namespace wsspec::cli {

class fuzz_command {
 public:
  explicit fuzz_command(CLI::App& app);
  bool selected() const;
  int run() const;

 private:
  CLI::App* command_ = nullptr;
  target_options target_;
  case_source_options sources_;
  double duration_s_ = 60;
  std::uint64_t seed_ = 1;
  std::uint64_t max_cases_ = 0;
  std::string out_dir_ = "wsspec-fuzz";
  std::string server_cmd_;
  std::uint32_t wait_ms_ = 250;
  unsigned max_findings_ = 10;
  std::uint32_t minimize_budget_ = 200;
};

}  // namespace wsspec::cli
