// `wsspec run URL [--cases PAT,...] [--exclude PAT,...] [--jobs N] [--timeout S] [--out DIR]
//                 [--strict] [--baseline FILE] [--insecure] [--ca FILE] [--case-dir DIR]
//                 [--autobahn-json FILE]`
// and `wsspec list [--cases PAT,...] [--exclude PAT,...] [--case-dir DIR] [--json]
//                  [--requirements]`.
// Exit codes (DESIGN.md): 0 all passed, 1 a case failed, 2 bad usage or bad case file,
// 3 the target could not be reached at all.
#pragma once

#include <string>
#include <vector>

#include "cases/case_model.hpp"
#include "run/interpreter.hpp"

namespace CLI {
class App;
}

namespace wsspec {
struct requirement_map;
}

namespace wsspec::cli {

struct case_source_options {
  std::vector<std::string> include, exclude, case_dirs;
};

// The target: its URL and, for wss://, how its certificate is checked (run and fuzz).
struct target_options {
  std::string url;
  bool insecure = false;
  std::string ca_file;
};
void add_target_options(CLI::App* cmd, target_options& t);
// The URL parsed and the TLS settings into `out`; prints the problem and returns false (exit 2)
// on a bad URL.
bool apply_target_options(const target_options& t, run_options& out);

// --cases, --exclude and --case-dir, shared by the commands that take a selection of cases.
void add_source_options(CLI::App* cmd, case_source_options& s);
// Built-in cases plus --case-dir folders, their requirement ids checked against the built-in
// requirement map (into `map` when given), then the selection. Prints the problem and returns
// false (exit 2) on a bad case file, an unknown requirement id or a pattern that matches nothing.
bool load_and_select(const case_source_options& s, std::vector<test_case>& selected,
                     requirement_map* map = nullptr);

class run_command {
 public:
  // `argv`: main's words, recorded in results.json so that a report shows (and reruns) exactly
  // this command.
  explicit run_command(CLI::App& app, std::vector<std::string> argv = {});
  bool selected() const;
  int run() const;

 private:
  CLI::App* command_ = nullptr;
  std::vector<std::string> argv_;
  target_options target_;
  case_source_options sources_;
  unsigned jobs_ = 0;
  double timeout_s_ = 0;
  double total_timeout_s_ = 1800;
  std::uint64_t max_head_ = target_limits{}.head_bytes;
  std::uint64_t max_frame_ = target_limits{}.frame_bytes;
  std::uint64_t max_message_ = target_limits{}.message_bytes;
  std::string out_dir_;
  bool strict_ = false;
  std::string autobahn_json_;
  std::string baseline_;
};

class list_command {
 public:
  explicit list_command(CLI::App& app);
  bool selected() const;
  int run() const;

 private:
  CLI::App* command_ = nullptr;
  case_source_options sources_;
  bool json_ = false;
  bool requirements_ = false;
};

}  // namespace wsspec::cli
