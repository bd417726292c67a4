#include "cli/run_command.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "cases/case_loader.hpp"
#include "cases/requirement_map.hpp"
#include "run/baseline.hpp"
#include "run/selection.hpp"
#include "run/stop_request.hpp"
#include "run/suite_runner.hpp"
#include "wsspec/codec/frame_header.hpp"
#include "wsspec/reports/command_line.hpp"
#include "wsspec/reports/html_report.hpp"
#include "wsspec/reports/junit_xml.hpp"

namespace wsspec::cli {

void add_target_options(CLI::App* cmd, target_options& t) {
  cmd->add_option("url", t.url, "ws:// or wss:// URL of the server under test")->required();
  cmd->add_flag("--insecure", t.insecure, "wss://: do not verify the server's certificate");
  cmd->add_option("--ca", t.ca_file, "wss://: trust the CA certificates in this PEM file")
      ->check(CLI::ExistingFile);
}

bool apply_target_options(const target_options& t, run_options& out) {
  std::string error;
  const auto url = parse_ws_url(t.url, error);
  if (!url) {
    std::cerr << "wsspec: bad URL '" << t.url << "': " << error << "\n";
    return false;
  }
  out.url = *url;
  out.tls.verify = !t.insecure;
  out.tls.ca_file = t.ca_file;
  return true;
}

void add_source_options(CLI::App* cmd, case_source_options& s) {
  cmd->add_option("--cases", s.include, "Run only cases whose id, Autobahn id or area matches")
      ->delimiter(',');
  cmd->add_option("--exclude", s.exclude, "Leave out matching cases")->delimiter(',');
  cmd->add_option("--case-dir", s.case_dirs, "Also load the case files of this folder")
      ->check(CLI::ExistingDirectory);
}

bool load_and_select(const case_source_options& s, std::vector<test_case>& selected,
                     requirement_map* map) {
  std::vector<test_case> all;
  case_error err;
  requirement_map requirements;
  if (!load_builtin_requirements(requirements, err)) {
    std::cerr << "wsspec: bad requirement map: " << err.to_string() << "\n";
    return false;
  }
  bool ok = load_builtin_cases(all, err);
  for (const auto& dir : s.case_dirs) ok = ok && load_case_dir(dir, all, err);
  ok = ok && check_unique_ids(all, err) && check_requirement_ids(all, requirements, err);
  if (!ok) {
    std::cerr << "wsspec: bad case file: " << err.to_string() << "\n";
    return false;
  }
  if (map) *map = std::move(requirements);
  std::string why;
  if (!select_cases(all, s.include, s.exclude, selected, why)) {
    std::cerr << "wsspec: " << why << "\n";
    return false;
  }
  return true;
}

namespace {

bool write_file(const std::filesystem::path& path, const std::string& text) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  std::ofstream f(path, std::ios::binary);
  f << text;
  f.close();
  if (!f) {
    std::cerr << "wsspec: cannot write " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace

run_command::run_command(CLI::App& app, std::vector<std::string> argv) : argv_(std::move(argv)) {
  command_ = app.add_subcommand("run", "Run the test cases against a WebSocket server");
  add_target_options(command_, target_);
  add_source_options(command_, sources_);
  command_->add_option("--jobs,-j", jobs_,
                       "Cases run in parallel (default: twice the number of cores)");
  command_
      ->add_option("--timeout", timeout_s_,
                   "Time-out of every case, in seconds of the target's idleness (default: each "
                   "case's own, 5 s unless it names one)")
      ->check(CLI::Range(0.001, 3600.0));
  command_
      ->add_option("--total-timeout", total_timeout_s_,
                   "Bound of the whole run, in seconds: the cases not reached by then are "
                   "marked not run (0: no bound)")
      ->check(CLI::Range(0.0, 604800.0))
      ->capture_default_str();
  // Sizes take a unit: 256KiB, 64MiB (KB and KiB both mean 1024 bytes).
  const auto size = CLI::AsSizeValue(false);
  command_->add_option("--max-head", max_head_, "Largest response head read from the target")
      ->transform(size)
      ->capture_default_str();
  command_->add_option("--max-frame", max_frame_, "Largest frame payload read from the target")
      ->transform(size)
      ->capture_default_str();
  command_->add_option("--max-message", max_message_, "Largest message read from the target")
      ->transform(size)
      ->capture_default_str();
  command_->add_option("--out", out_dir_,
                       "Write results.json, index.html and junit.xml into this folder");
  command_->add_flag("--strict", strict_, "Count non-strict verdicts as failures");
  command_
      ->add_option("--baseline", baseline_,
                   "Known, accepted non-pass verdicts: only other failures fail the run")
      ->check(CLI::ExistingFile);
  command_->add_option("--autobahn-json", autobahn_json_,
                       "Also write results in the shape of Autobahn's index.json");
}

bool run_command::selected() const { return command_->parsed(); }

int run_command::run() const {
  suite_options o;
  if (!apply_target_options(target_, o.run)) return exit_usage;
  std::vector<test_case> cases;
  requirement_map requirements;
  if (!load_and_select(sources_, cases, &requirements)) return exit_usage;
  std::string error;
  // wsspec run tests a server: the cases for clients (wsspec serve-cases) are left out.
  if (!keep_cases_for(case_peer::server, cases, requirements, error)) {
    std::cerr << "wsspec: " << error << "\n";
    return exit_usage;
  }

  baseline base;
  if (!baseline_.empty() && !load_baseline(baseline_, base, error)) {
    std::cerr << "wsspec: bad baseline: " << error << "\n";
    return exit_usage;
  }

  o.run.timeout_ms = static_cast<std::uint32_t>(timeout_s_ * 1000);
  o.total_timeout_ms = static_cast<std::uint32_t>(total_timeout_s_ * 1000);
  for (const auto& [flag, value] :
       {std::pair{"--max-head", max_head_}, std::pair{"--max-frame", max_frame_},
        std::pair{"--max-message", max_message_}}) {
    // At least a frame header's worth; at most what a frame can announce.
    if (value < 14 || value > codec::max_payload_length) {
      std::cerr << "wsspec: " << flag << " " << value
                << " is out of range (14 bytes to 2^63-1 bytes)\n";
      return exit_usage;
    }
  }
  o.run.limits.head_bytes = max_head_;
  o.run.limits.frame_bytes = max_frame_;
  o.run.limits.message_bytes = max_message_;
  // A case mostly waits for the target's next answer, so two per core keep the cores busy.
  o.jobs = jobs_ ? jobs_ : 2 * std::max(1u, std::thread::hardware_concurrency());
  o.strict = strict_;
  o.terminal = isatty(STDOUT_FILENO);
  if (!baseline_.empty()) {
    o.accepted = [&base](const case_result& r) {
      for (const auto& e : base.accepted)
        if (e.id == r.id) return e.expected == r.overall;
      return false;
    };
  }

  // Exit 3 only without a connection; a target that answers but breaks its handshake gets
  // its report.
  install_stop_handlers();
  const preflight pf = check_target(o.run);
  if (pf.status == preflight::state::unreachable) {
    std::cerr << "wsspec: the target " << o.run.url.to_string()
              << " cannot be reached: " << pf.probe.reason << "\n";
    return exit_unreachable;
  }
  suite_outcome out = pf.status == preflight::state::ready
                          ? run_suite(cases, o, std::cout)
                          : stop_before_running(cases, o, pf.probe, std::cout);
  out.summary.argv = argv_;
  out.summary.command =
      argv_.empty() ? "wsspec run " + target_.url : command_line::shell_join(argv_);
  for (const auto& r : requirements.requirements) {
    out.summary.requirements.push_back({r.id, r.rfc, r.section, std::string(to_string(r.keyword)),
                                        std::string(to_string(r.binds)), r.text, r.untestable});
  }
  if (!baseline_.empty()) {
    const baseline_outcome b = apply_baseline(base, out.summary.cases, strict_);
    out.summary.baseline_file = baseline_;
    out.summary.baseline_accepted = b.accepted;
    out.summary.baseline_new_failures = b.new_failures;
    out.summary.baseline_now_passing = b.now_passing;
    if (!b.accepted.empty())
      std::cout << b.accepted.size() << " failing case(s) accepted by the baseline " << baseline_
                << "\n";
    for (const auto& id : b.now_passing) {
      const auto it = std::find_if(out.summary.cases.begin(), out.summary.cases.end(),
                                   [&](const case_result& r) { return r.id == id; });
      if (it != out.summary.cases.end() && it->overall == verdict::pass) {
        std::cout << "baseline entry " << id << " now passes: remove it from " << baseline_ << "\n";
      } else if (it != out.summary.cases.end()) {
        std::cout << "baseline entry " << id << " is now " << to_string(it->overall)
                  << ", not what the baseline lists: update " << baseline_ << "\n";
      }
    }
  }

  if (!out_dir_.empty()) {
    const std::filesystem::path dir(out_dir_);
    if (!write_file(dir / "index.html", render_html(out.summary)) ||
        !write_file(dir / "junit.xml", render_junit(out.summary)))
      return exit_usage;
    if (!write_file(
            dir / "results.json",
            to_json(out.summary).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
                "\n"))
      return exit_usage;
  }
  if (!autobahn_json_.empty()) {
    const std::string agent =
        out.summary.server_header.empty() ? "UnknownServer" : out.summary.server_header;
    if (!write_file(autobahn_json_,
                    to_autobahn_json(out.summary, agent)
                            .dump(3, ' ', false, nlohmann::json::error_handler_t::replace) +
                        "\n"))
      return exit_usage;
  }
  std::cout << out.final_line << std::endl;
  return out.exit;
}

list_command::list_command(CLI::App& app) {
  command_ = app.add_subcommand("list", "List the test cases");
  add_source_options(command_, sources_);
  command_->add_flag("--json", json_, "Print {\"cases\": [...], \"requirements\": [...]} as JSON");
  command_->add_flag("--requirements", requirements_,
                     "List the requirement map: per requirement the number of selected cases "
                     "naming it, why it is untestable, or NOT COVERED");
}

bool list_command::selected() const { return command_->parsed(); }

int list_command::run() const {
  std::vector<test_case> cases;
  requirement_map map;
  if (!load_and_select(sources_, cases, &map)) return exit_usage;
  const auto naming = cases_by_requirement(map, cases);
  if (json_) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& c : cases) {
      arr.push_back({{"id", c.id},
                     {"autobahn", c.autobahn ? nlohmann::json(*c.autobahn) : nullptr},
                     {"rfc", c.rfc},
                     {"requirements", c.requirements},
                     {"title", c.title},
                     {"area", c.area},
                     {"tags", c.tags},
                     {"peer", to_string(peer_of(c))}});
    }
    nlohmann::json reqs = nlohmann::json::array();
    for (std::size_t i = 0; i < map.requirements.size(); ++i) {
      const requirement& r = map.requirements[i];
      nlohmann::json ids = nlohmann::json::array();
      for (const std::size_t k : naming[i]) ids.push_back(cases[k].id);
      reqs.push_back({{"id", r.id},
                      {"rfc", r.rfc},
                      {"section", r.section},
                      {"keyword", to_string(r.keyword)},
                      {"binds", to_string(r.binds)},
                      {"text", r.text},
                      {"untestable", r.untestable.empty() ? nlohmann::json(nullptr)
                                                          : nlohmann::json(r.untestable)},
                      {"cases", std::move(ids)}});
    }
    std::cout << nlohmann::json{{"cases", arr}, {"requirements", reqs}}.dump(2) << "\n";
    return exit_ok;
  }
  if (requirements_) {
    std::size_t id_w = 0, section_w = 0, covered = 0, untestable = 0, open = 0;
    for (const auto& r : map.requirements) {
      id_w = std::max(id_w, r.id.size());
      section_w = std::max(section_w, r.section.size());
    }
    auto pad = [](std::string s, std::size_t w) {
      if (s.size() < w) s.append(w - s.size(), ' ');
      return s;
    };
    for (std::size_t i = 0; i < map.requirements.size(); ++i) {
      const requirement& r = map.requirements[i];
      std::cout << pad(r.id, id_w) << "  " << pad(r.section, section_w) << "  "
                << pad(std::string(to_string(r.keyword)), 10) << "  "
                << pad(std::string(to_string(r.binds)), 6) << "  ";
      if (!naming[i].empty()) {
        ++covered;
        std::cout << naming[i].size() << (naming[i].size() == 1 ? " case" : " cases") << "\n";
      } else if (!r.untestable.empty()) {
        ++untestable;
        std::cout << "untestable: " << r.untestable << "\n";
      } else {
        ++open;
        std::cout << "NOT COVERED\n";
      }
    }
    std::cout << map.requirements.size() << " requirements: " << covered << " covered by "
              << cases.size() << " cases, " << untestable << " untestable, " << open
              << " not covered\n";
    return exit_ok;
  }
  for (const auto& c : cases) {
    std::cout << c.id;
    if (c.autobahn) std::cout << "  [" << *c.autobahn << "]";
    std::cout << "  " << c.title << "\n";
  }
  std::cout << cases.size() << " cases\n";
  return exit_ok;
}

}  // namespace wsspec::cli
