#include "cli/serve_cases_command.hpp"

#include <CLI/CLI.hpp>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "cases/requirement_map.hpp"
#include "run/baseline.hpp"
#include "run/selection.hpp"
#include "run/stop_request.hpp"
#include "run/suite_runner.hpp"
#include "serve_cases/agent_name.hpp"
#include "serve_cases/agent_reports.hpp"
#include "serve_cases/case_server.hpp"
#include "serve_cases/client_driver.hpp"
#include "serve_cases/client_process.hpp"
#include "serve_cases/listener.hpp"
#include "serve_cases/result_store.hpp"
#include "transport/tls_server.hpp"
#include "wsspec/reports/command_line.hpp"

namespace wsspec::cli {

namespace sc = serve_cases;

namespace {

std::filesystem::path certificate_path(const std::filesystem::path& out) {
  return out / "tls-cert.pem";
}

// OUT/tls-cert.pem, through a temporary file and a rename: a client never reads half of it.
bool write_certificate(const tls_server_context& tls, const std::filesystem::path& out,
                       std::string& error) {
  std::error_code ec;
  if (!out.empty()) std::filesystem::create_directories(out, ec);
  const std::filesystem::path path = certificate_path(out);
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream f(temporary, std::ios::binary | std::ios::trunc);
    f << tls.certificate_pem();
    if (!f.flush()) {
      error = "cannot write the TLS certificate to " + temporary.string();
      return false;
    }
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    error = "cannot write the TLS certificate to " + path.string() + ": " + ec.message();
    return false;
  }
  return true;
}

}  // namespace

serve_cases_command::serve_cases_command(CLI::App& app, std::vector<std::string> argv)
    : argv_(std::move(argv)) {
  command_ = app.add_subcommand(
      "serve-cases",
      "Test WebSocket clients: listen and run a case on each connection of the client "
      "(Autobahn's fuzzing-server URL protocol, or --client-cmd)");
  command_->add_option("--host", host_, "Address to listen on (numeric)")->capture_default_str();
  command_->add_option("--port", port_, "Port to listen on; 0 picks a free one")
      ->capture_default_str();
  add_source_options(command_, sources_);
  command_
      ->add_option("--out", out_dir_,
                   "Reports per agent in DIR/<agent>/ (results.json, index.html, junit.xml); "
                   "results found there are loaded on start")
      ->capture_default_str();
  command_
      ->add_option("--timeout", timeout_s_,
                   "Time-out of every case, in seconds of the client's idleness (default: each "
                   "case's own)")
      ->check(CLI::Range(0.001, 3600.0));
  command_->add_flag("--strict", strict_, "Count non-strict verdicts as failures");
  command_
      ->add_option("--baseline", baseline_,
                   "Known, accepted non-pass verdicts: only other failures fail the run")
      ->check(CLI::ExistingFile);
  command_->add_option("--client-cmd", client_cmd_,
                       "Start this command once per case, {url} replaced by the case's runCase "
                       "URL; then write the reports and exit");
  command_->add_option("--agent", agent_,
                       "Agent name of --client-cmd (default: the command's first word's basename)");
  command_->add_flag("--browser", browser_,
                     "The client under test is a web browser: its requests must carry Origin "
                     "(RFC 6455 4.1)");
  command_
      ->add_option("--jobs,-j", jobs_,
                   "--client-cmd: clients starting at once (one whose case is under way "
                   "makes room for the next, up to twice as many alive)")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  command_
      ->add_option("--client-timeout", client_timeout_s_,
                   "--client-cmd: seconds a started client has to connect")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  command_->add_flag("--once", once_,
                     "Exit after the first /updateReports, with that agent's exit code");
  command_->add_option("--max-connections", max_connections_, "Connections served at once")
      ->check(CLI::Range(std::size_t{1}, std::size_t{4096}))
      ->capture_default_str();
  command_->add_flag("--tls", tls_,
                     "Serve every connection over TLS (wss://localhost:PORT/ on a loopback host); "
                     "without --tls-cert, a fresh self-signed certificate is written to "
                     "OUT/tls-cert.pem for clients to trust");
  command_->add_option(
      "--tls-cert", tls_cert_,
      "--tls with this certificate (PEM, the chain after the leaf); implies --tls, "
      "needs --tls-key");
  command_->add_option("--tls-key", tls_key_, "The private key (PEM) of --tls-cert");
}

bool serve_cases_command::selected() const { return command_->parsed(); }

int serve_cases_command::run() const {
  std::vector<test_case> selected_cases, cases;
  requirement_map requirements;
  if (!load_and_select(sources_, selected_cases, &requirements)) return exit_usage;
  std::string no_case;
  cases = std::move(selected_cases);
  // The client's cases, and their requirements only: the report's coverage is the client's.
  if (!keep_cases_for(case_peer::client, cases, requirements, no_case)) {
    std::cerr << "wsspec: " << no_case << "\n";
    return exit_usage;
  }

  sc::report_settings settings;
  settings.out = out_dir_;
  settings.strict = strict_;
  if (!baseline_.empty()) {
    baseline base;
    std::string error;
    if (!load_baseline(baseline_, base, error)) {
      std::cerr << "wsspec: bad baseline: " << error << "\n";
      return exit_usage;
    }
    settings.accepted = std::move(base);
    settings.baseline_file = baseline_;
  }
  for (const auto& r : requirements.requirements) {
    settings.requirements.push_back({r.id, r.rfc, r.section, std::string(to_string(r.keyword)),
                                     std::string(to_string(r.binds)), r.text, r.untestable});
  }

  std::vector<std::string> client_words;
  std::string agent;
  if (!client_cmd_.empty()) {
    std::string error;
    const auto words = sc::shell_split(client_cmd_, error);
    if (!words) {
      std::cerr << "wsspec: bad --client-cmd: " << error << "\n";
      return exit_usage;
    }
    if (client_cmd_.find("{url}") == std::string::npos) {
      std::cerr << "wsspec: --client-cmd must contain {url}, where the case's URL goes\n";
      return exit_usage;
    }
    client_words = *words;
    agent =
        agent_.empty() ? sc::default_agent_name(client_words.front()) : sc::safe_agent_name(agent_);
    settings.command = "wsspec serve-cases --client-cmd '" + client_cmd_ + "' --agent " + agent;
  } else {
    settings.command = "wsspec serve-cases";
  }
  // The exact command line when main() passed it: the reports' rerun command of a case is
  // then this one with --cases 'ID' (reports/command_line.hpp).
  if (!argv_.empty()) {
    settings.argv = argv_;
    settings.command = command_line::shell_join(argv_);
  }

  run_options run;
  run.timeout_ms = static_cast<std::uint32_t>(timeout_s_ * 1000);
  run.client_is_browser = browser_;

  std::mutex print_mutex;  // progress lines and results.json saves, one at a time
  constexpr std::size_t save_every = 32;
  std::map<std::string, std::size_t> unsaved;  // cases finished since the agent's last save
  sc::result_store store(cases.size());
  std::atomic<bool> finished{false};
  std::atomic<int> once_exit{exit_ok};

  auto write_reports = [&](const std::string& name) {
    const run_summary s = sc::agent_summary(name, cases, store.results(name), settings);
    const sc::agent_outcome o = sc::judge_agent(s, settings);
    std::string error;
    if (!sc::write_agent_reports(s, name, settings, error))
      std::cerr << "wsspec: " << error << "\n";
    return o;
  };
  sc::case_server_hooks hooks;
  hooks.case_finished = [&](const std::string& name, std::size_t, const case_result& r) {
    std::lock_guard lock(print_mutex);
    const bool accepted =
        settings.accepted &&
        std::any_of(
            settings.accepted->accepted.begin(), settings.accepted->accepted.end(),
            [&](const baseline_entry& e) { return e.id == r.id && e.expected == r.overall; });
    std::cout << (client_words.empty() ? name + ": " : std::string()) << case_line(r, accepted)
              << "\n"
              << std::flush;
    // Saved every save_every cases (and at updateReports, the end and a stop signal): a killed
    // serve-cases loses at most the last few. Saving after every case rewrote the whole file
    // each time (O(n^2), megabytes per case), holding this client's connection meanwhile.
    if (++unsaved[name] < save_every) return;
    unsaved[name] = 0;
    std::string error;
    if (!sc::save_results_json(sc::agent_summary(name, cases, store.results(name), settings), name,
                               settings, error))
      std::cerr << "wsspec: " << error << "\n";
  };
  hooks.reports_requested = [&](const std::optional<std::string>& name) {
    std::lock_guard lock(print_mutex);
    const std::vector<std::string> names = name ? std::vector<std::string>{*name} : store.agents();
    int worst = exit_ok;
    for (const std::string& n : names) {
      const sc::agent_outcome o = write_reports(n);
      worst = std::max(worst, o.exit);
      std::cout << n << ": " << o.final_line;
      if (!settings.out.empty()) std::cout << "; reports in " << (settings.out / n).string();
      std::cout << "\n" << std::flush;
    }
    if (once_ && !finished.exchange(true)) once_exit = worst;
  };

  // TLS is set up (and its certificate written) before listening: bad files are bad usage,
  // and a client that reads the URL line can trust the certificate at once.
  std::shared_ptr<const tls_server_context> tls;
  if (tls_ || !tls_cert_.empty() || !tls_key_.empty()) {
    if (tls_cert_.empty() != tls_key_.empty()) {
      std::cerr << "wsspec: --tls-cert and --tls-key go together (the certificate and its key)\n";
      return exit_usage;
    }
    std::string error;
    tls = tls_cert_.empty() ? tls_server_context::self_signed(error)
                            : tls_server_context::from_files(tls_cert_, tls_key_, error);
    if (tls && tls_cert_.empty() && !write_certificate(*tls, settings.out, error)) tls = nullptr;
    if (!tls) {
      std::cerr << "wsspec: " << error << "\n";
      return exit_usage;
    }
  }

  const sc::case_server server(cases, run, store, hooks);
  sc::listener_options lo;
  lo.host = host_;
  lo.port = port_;
  lo.max_connections = max_connections_;
  lo.tls = tls;
  sc::listener listener(
      lo, [&server](std::unique_ptr<connection> conn, const codec::http_request& request,
                    std::string read) { server.serve(std::move(conn), request, std::move(read)); });
  std::string error;
  if (!listener.open(error)) {
    std::cerr << "wsspec: " << error << "\n";
    return exit_unreachable;
  }
  std::cout << "wsspec serve-cases: listening on " << listener.url() << std::endl;
  if (tls && tls_cert_.empty())
    std::cout << "self-signed TLS certificate for localhost (trust it in the client): "
              << certificate_path(settings.out).string() << std::endl;
  settings.listening_url = listener.url();

  std::vector<std::string> problems;
  for (const auto& [name, summary] : sc::load_saved_results(settings.out, problems)) {
    const std::size_t n = store.adopt(name, cases, summary);
    std::cout << "loaded " << n << " result(s) of agent " << name << " from "
              << (settings.out / name / "results.json").string() << "\n";
  }
  for (const auto& p : problems) std::cerr << "wsspec: ignored (cannot read it): " << p << "\n";
  std::cout << cases.size() << " client cases; drivers: " << listener.url() << "getCaseCount"
            << std::endl;

  install_stop_handlers();
  if (client_words.empty()) {
    listener.run([&] { return finished || stop_requested(); });
    if (once_ && finished) return once_exit;
    // Stopped by a signal: what has run is written, incomplete where cases are missing.
    int worst = exit_ok;
    for (const std::string& n : store.agents()) {
      std::lock_guard lock(print_mutex);
      const sc::agent_outcome o = write_reports(n);
      worst = std::max(worst, o.exit);
      std::cout << n << ": " << o.final_line << "\n";
    }
    std::cout << std::flush;
    return worst;
  }

  std::thread accepting([&] { listener.run([&] { return finished || stop_requested(); }); });
  sc::client_driver_options d;
  d.command = client_words;
  d.base_url = listener.url();
  d.agent = agent;
  d.jobs = jobs_;
  d.client_timeout = std::chrono::milliseconds(static_cast<long>(client_timeout_s_ * 1000));
  d.run = run;
  if (!settings.out.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(settings.out / agent, ec);
    d.log = (settings.out / agent / "client-output.log").string();
  }
  std::vector<std::size_t> all(cases.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  sc::drive_clients(
      cases, all, d, store,
      [&](std::size_t index, case_result r) {
        store.record(agent, index, r);
        hooks.case_finished(agent, index, r);
      },
      [] { return stop_requested(); });
  finished = true;
  accepting.join();
  std::lock_guard lock(print_mutex);
  const sc::agent_outcome o = write_reports(agent);
  std::cout << o.final_line << std::endl;
  return o.exit;
}

}  // namespace wsspec::cli
