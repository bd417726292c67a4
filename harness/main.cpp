// wsspec: the command-line entry point (contract: DESIGN.md, "The wsspec command").
#include <malloc.h>
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/fuzz_command.hpp"
#include "cli/report_command.hpp"
#include "cli/run_command.hpp"
#include "cli/serve_cases_command.hpp"
#include "cli/serve_command.hpp"
#include "version.hpp"

int main(int argc, char** argv) {
  // Megabyte messages come and go all run long. glibc raises its mmap threshold to the size of
  // each big block freed, after which such blocks stay in per-thread heaps and the peak RSS
  // grows with the run, not with the largest message. A fixed threshold returns them at once.
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  CLI::App app{"wsspec: WebSocket (RFC 6455 / RFC 7692) conformance tests and fuzzing"};
  app.set_version_flag("--version", wsspec::version);
  app.require_subcommand(1);
  const wsspec::cli::run_command run{app, {argv, argv + argc}};
  const wsspec::cli::list_command list{app};
  const wsspec::cli::serve_command serve{app};
  const wsspec::cli::report_command report{app};
  const wsspec::cli::fuzz_command fuzz{app};
  const wsspec::cli::serve_cases_command serve_cases{app, {argv, argv + argc}};
  // Exit code 2 for bad usage, as the contract says, instead of CLI11's default.
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  if (run.selected()) return run.run();
  if (list.selected()) return list.run();
  if (serve.selected()) return serve.run();
  if (report.selected()) return report.run();
  if (fuzz.selected()) return fuzz.run();
  if (serve_cases.selected()) return serve_cases.run();
  return 0;
}
