// wsspec: the command-line entry point (contract: DESIGN.md, "The wsspec command").
#include <CLI/CLI.hpp>
#include <cstdio>

#include "version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"wsspec: WebSocket (RFC 6455 / RFC 7692) conformance tests and fuzzing"};
  app.set_version_flag("--version", wsspec::version);
  app.require_subcommand(1);
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
  return 0;
}
