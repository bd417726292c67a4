#include "cli/serve_command.hpp"

#include <CLI/CLI.hpp>
#include <asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <system_error>

#include "serve/echo_server.hpp"

namespace wsspec::cli {

serve_command::serve_command(CLI::App& app)
    : command_(app.add_subcommand("serve",
                                  "Run the reference echo server (RFC 6455, and "
                                  "permessage-deflate of RFC 7692; built on the codec) "
                                  "until SIGINT/SIGTERM")) {
  command_->add_option("--host", host_, "Address or name to listen on")->capture_default_str();
  command_->add_option("--port", port_, "TCP port; 0 picks a free one")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  command_
      ->add_option("--max-message", max_message_,
                   "Largest message accepted, in bytes, compressed and inflated (RFC 7692); "
                   "larger ones fail with close 1009")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command_->add_flag("--no-deflate", no_deflate_,
                     "Decline every permessage-deflate offer (RFC 7692); RSV1 is then always "
                     "an error");
  command_
      ->add_option("--deflate-server-window", deflate_server_window_,
                   "Largest LZ77 window the server compresses with, as window bits (8-15); "
                   "below 15 the response states server_max_window_bits (RFC 7692 7.1.2.1)")
      ->capture_default_str()
      ->check(CLI::Range(8, 15));
  command_
      ->add_option("--deflate-level", deflate_level_,
                   "zlib's compression level for echoed messages, 0 (stored) to 9 (smallest); "
                   "1 is the fastest that still compresses")
      ->capture_default_str()
      ->check(CLI::Range(0, 9));
  command_->add_flag("--deflate-no-context-takeover", deflate_no_context_takeover_,
                     "Always answer with server_no_context_takeover: every echoed message is "
                     "compressed with an empty window (RFC 7692 7.1.1.1)");
  command_->add_flag("-v,--verbose", verbose_,
                     "One line on stderr per connection failed, rejected or timed out, and per "
                     "permessage-deflate offer accepted or declined");
}

bool serve_command::selected() const { return command_->parsed(); }

int serve_command::run() const {
  echo_server_options options;
  options.host = host_;
  options.port = port_;
  options.max_message_size = max_message_;
  options.deflate = !no_deflate_;
  options.deflate_server_max_window_bits = static_cast<std::uint8_t>(deflate_server_window_);
  options.deflate_server_no_context_takeover = deflate_no_context_takeover_;
  options.deflate_level = deflate_level_;
  options.verbose = verbose_;
  std::unique_ptr<echo_server> server;
  try {
    server = std::make_unique<echo_server>(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wsspec serve: %s\n", e.what());
    return 3;
  }
  // Installed before the "listening" line, so a script may signal as soon as it has read it.
  asio::signal_set signals(server->context(), SIGINT, SIGTERM);
  signals.async_wait([&server](const std::error_code& ec, int) {
    if (!ec) server->stop();
  });
  const bool ipv6 = host_.find(':') != std::string::npos && host_.front() != '[';
  std::printf("listening on ws://%s%s%s:%u/\n", ipv6 ? "[" : "", host_.c_str(), ipv6 ? "]" : "",
              static_cast<unsigned>(server->port()));
  std::fflush(stdout);
  server->run();
  return 0;
}

}  // namespace wsspec::cli
