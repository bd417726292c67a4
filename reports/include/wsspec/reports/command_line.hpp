// The command line of a run: results.json records its words (`argv`), and the reports show them
// as one line a user can paste into a POSIX shell to run the same again, and derive from them
// the command that reruns a single case with the run's own flags (docs/reports.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wsspec {
struct run_summary;
}

namespace wsspec::command_line {

// Each word shell-quoted (report_text::shell_quote), joined by single spaces: a POSIX shell
// splits the result back into exactly `argv`, with no expansion of `*`, `$` or `~`.
std::string shell_join(const std::vector<std::string>& argv);

// The words that rerun just `case_id` against the same target in the same way: the run's own
// words (program, `run`, URL, --insecure, --ca, --case-dir, --timeout, --total-timeout,
// --max-*, --strict, --baseline and any flag this version does not know) without what would
// select other cases or overwrite the run's outputs (--cases, --exclude, --out,
// --autobahn-json) and without --jobs, then `--cases case_id`. Empty when `argv` is not a
// `wsspec run` command line.
std::vector<std::string> rerun_argv(const std::vector<std::string>& argv, std::string_view case_id);

// The rerun command as text: from the run's argv when results.json has one, otherwise (a run
// recorded before argv was) `wsspec run URL --cases 'ID'`. The case id is always quoted.
std::string rerun_command(const run_summary& run, std::string_view case_id);

// The run's command line as text: its argv shell-quoted, or the `command` string of a
// results.json written before argv was recorded.
std::string run_command_line(const run_summary& run);

}  // namespace wsspec::command_line
