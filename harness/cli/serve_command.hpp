// `wsspec serve [--host H] [--port P] [--max-message BYTES] [--no-deflate]
// [--deflate-server-window BITS] [--deflate-no-context-takeover] [--verbose]`: runs the
// reference echo server (serve/echo_server.hpp) until SIGINT or SIGTERM.
//
// On start it prints exactly one line to stdout, `listening on ws://HOST:PORT/`, and flushes it,
// so scripts and tests can read the port (useful with --port 0). Exit codes: 0 after a signal,
// 3 when it cannot listen (the address is in use, the host does not resolve, ...).
#pragma once

#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace wsspec::cli {

class serve_command {
 public:
  // Registers the `serve` subcommand and its options on `app`.
  explicit serve_command(CLI::App& app);

  // True when the command line chose `serve` (after app.parse()).
  bool selected() const;
  // Runs the server; returns the exit code.
  int run() const;

 private:
  CLI::App* command_ = nullptr;
  std::string host_ = "127.0.0.1";
  std::uint16_t port_ = 9001;
  std::uint64_t max_message_ = std::uint64_t{64} << 20;
  bool no_deflate_ = false;
  unsigned deflate_server_window_ = 15;
  bool deflate_no_context_takeover_ = false;
  int deflate_level_ = 1;
  bool verbose_ = false;
};

}  // namespace wsspec::cli
