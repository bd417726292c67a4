// `wsspec serve-cases [--host H] [--port P] [--cases PAT,...] [--exclude PAT,...] [--case-dir DIR]
//   [--out DIR] [--timeout S] [--strict] [--baseline FILE] [--client-cmd 'CMD {url}']
//   [--agent NAME] [--browser] [--jobs N] [--client-timeout S] [--once]`: tests WebSocket
// clients. wsspec listens and speaks Autobahn's fuzzing-server URL protocol
// (docs/serve-cases.md); each /runCase connection runs one client-applicable case with the roles
// flipped.
//
// The first line on stdout is `wsspec serve-cases: listening on ws://HOST:PORT/` (flushed), so
// scripts can read the port of --port 0; with --tls [--tls-cert F --tls-key F] every connection
// is TLS and the URL is `wss://localhost:PORT/` (a name, for the client to send as SNI). Exit
// codes: 0 every case passed (or failed as the baseline allows), 1 a case failed or did not run,
// 2 bad usage or bad case file, 3 it cannot listen. Without --client-cmd and --once it serves
// until SIGINT or SIGTERM.
#pragma once

#include <cstdint>
#include <string>

#include "cli/run_command.hpp"

namespace CLI {
class App;
}

namespace wsspec::cli {

class serve_cases_command {
 public:
  // `argv`: the program's whole command line, recorded in the reports (their rerun commands).
  explicit serve_cases_command(CLI::App& app, std::vector<std::string> argv = {});
  bool selected() const;
  int run() const;

 private:
  CLI::App* command_ = nullptr;
  std::vector<std::string> argv_;
  std::string host_ = "127.0.0.1";
  std::uint16_t port_ = 9001;
  case_source_options sources_;
  std::string out_dir_ = "wsspec-clients";
  double timeout_s_ = 0;
  bool strict_ = false;
  std::string baseline_;
  std::string client_cmd_;
  std::string agent_;
  unsigned jobs_ = 1;
  double client_timeout_s_ = 10;
  bool once_ = false;
  bool browser_ = false;  // --browser: RFC 6455 4.1's Origin rule applies
  std::size_t max_connections_ = 64;
  bool tls_ = false;  // --tls; --tls-cert/--tls-key imply it
  std::string tls_cert_, tls_key_;
};

}  // namespace wsspec::cli
