// `wsspec report RESULTS.json... --out DIR [--fail-on-regression]`: reads the results.json of one
// or more runs and writes DIR/index.html (the comparison page: runs side by side, the changes of
// each later run against the first) and DIR/comparison.json (docs/reports.md).
//
// With two or more runs it prints, per later run, the cases that newly fail and newly pass and a
// line "N newly failing, N newly passing, N changed, N added, N removed" (prefixed "#K against
// #1: " when there are more than two runs).
// Exit codes: 0 written; 1 with --fail-on-regression, when a later run has newly failing cases;
// 2 bad usage, or a results file that cannot be read or is malformed (the message names the file
// and the JSON pointer), or the output cannot be written.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace wsspec::cli {

class report_command {
 public:
  explicit report_command(CLI::App& app);
  bool selected() const;
  int run() const;

 private:
  CLI::App* command_ = nullptr;
  std::vector<std::string> inputs_;
  std::string out_dir_;
  bool fail_on_regression_ = false;
};

}  // namespace wsspec::cli
