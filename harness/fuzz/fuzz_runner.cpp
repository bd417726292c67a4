#include "fuzz/fuzz_runner.hpp"

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>

#include "cases/case_loader.hpp"
#include "cases/case_writer.hpp"
#include "fuzz/deflate_mutator.hpp"
#include "fuzz/minimizer.hpp"
#include "fuzz/target_process.hpp"
#include "run/suite_runner.hpp"

namespace wsspec::fuzz {

namespace {

using steady = std::chrono::steady_clock;

class fuzzer {
 public:
  fuzzer(const std::vector<test_case>& cases, const fuzz_options& o, std::ostream& progress)
      : options_(o),
        progress_(progress),
        seeds_(seed_traffic(cases)),
        deflate_seeds_(deflate_seed_traffic(cases)) {
    run_ = o.run;
    run_.check_alive_when_suspicious = true;
    run_.close_timeout_ms = std::max<std::uint32_t>(o.wait_ms, 100);
    run_.max_transcript_lines = 200;
  }

  fuzz_outcome run() {
    start_ = last_status_ = steady::now();
    if (seeds_.empty()) {
      out_.exit = exit_usage;
      out_.final_line = "wsspec fuzz: the selected cases send nothing to mutate";
      return out_;
    }
    std::error_code ec;
    std::filesystem::create_directories(options_.out_dir, ec);
    if (ec) {
      out_.exit = exit_usage;
      out_.final_line =
          "wsspec fuzz: cannot create " + options_.out_dir.string() + ": " + ec.message();
      return out_;
    }
    if (!options_.server_cmd.empty()) {
      process_ = std::make_unique<target_process>(options_.server_cmd, options_.run,
                                                  options_.out_dir / "server.log");
      std::string error;
      if (!process_->start(error)) {
        out_.exit = exit_unreachable;
        out_.final_line = "wsspec fuzz: " + error;
        return out_;
      }
    }
    probe_deflate();
    loop();
    if (process_) process_->stop();
    finish();
    return out_;
  }

 private:
  bool time_left() const { return steady::now() - start_ < options_.duration; }

  std::string case_id(const char* what, std::uint64_t i) const {
    return std::string("fuzz/") + what + "-s" + std::to_string(options_.seed) + "-i" +
           std::to_string(i);
  }

  outcome replay(const fuzz_input& in, const std::string& id) {
    return judge(run_case(fuzz_case(in, id, options_.wait_ms, false), run_));
  }

  // After a crash or a hang: a fresh target, if wsspec started it; otherwise whether the
  // target came back by itself (a supervisor, or a hang that ended with the connection).
  bool revive() {
    std::string why;
    if (process_) {
      if (process_->restart(why)) return true;
      out_.stopped_because = "the target could not be restarted: " + why;
      return false;
    }
    if (check_liveness(options_.run, why) == case_result::liveness::alive) return true;
    out_.stopped_because = "the target no longer serves connections (" + why +
                           "); start it again, or let wsspec do it with --server-cmd, and rerun";
    return false;
  }

  void status_line(bool force) {
    const auto now = steady::now();
    if (!force && now - last_status_ < std::chrono::seconds(5)) return;
    last_status_ = now;
    const double s = std::chrono::duration<double>(now - start_).count();
    char line[160];
    std::snprintf(line, sizeof line, "fuzz: %llu inputs in %.1f s (%.0f/s), %zu finding(s)",
                  static_cast<unsigned long long>(out_.iterations), s,
                  s > 0 ? static_cast<double>(out_.iterations) / s : 0.0, out_.findings.size());
    if (options_.terminal) {
      progress_ << "\r\033[K" << line << std::flush;
    } else {
      progress_ << line << "\n" << std::flush;
    }
  }

  // Compressed inputs only for a target that agrees to permessage-deflate: against one that
  // declines, each would end at its 101 (unimplemented) and cost an input for nothing.
  void probe_deflate() {
    if (deflate_seeds_.empty()) return;
    fuzz_input probe;
    probe.what.from_case = "the permessage-deflate probe";
    probe.what.deflate = default_deflate_offer;
    send_message m;
    m.payload.bytes = "wsspec fuzz: permessage-deflate?";
    m.compressed = true;
    probe.what.sends.push_back(m);
    const case_result r =
        run_case(fuzz_case(probe, "fuzz/deflate-probe", options_.wait_ms, false), run_);
    // A 101 that accepts the offer wrongly is agreement too: the compressed inputs then show
    // the broken rule as a finding.
    out_.deflate_agreed = !r.connect_failed && r.data != verdict::unimplemented &&
                          (r.data != verdict::fail || !r.first_violation.empty());
    if (!out_.deflate_agreed) deflate_seeds_.clear();
    if (options_.terminal) progress_ << "\r\033[K";
    if (out_.deflate_agreed) {
      progress_ << "fuzz: the target agrees to permessage-deflate: about one input in three is "
                   "compressed\n";
    } else {
      progress_ << "fuzz: "
                << (r.connect_failed ? "could not ask the target about"
                                     : "the target does not agree to")
                << " permessage-deflate (" << r.reason << "): no compressed inputs\n";
    }
    progress_ << std::flush;
  }

  void loop() {
    std::optional<fuzz_input> previous;
    for (std::uint64_t i = 0;; ++i) {
      if (!time_left()) break;
      if (options_.max_cases && i >= options_.max_cases) break;
      if (out_.findings.size() >= options_.max_findings) {
        out_.stopped_because = "found " + std::to_string(options_.max_findings) +
                               " distinct findings (--max-findings)";
        break;
      }
      fuzz_input in = mutate(seeds_, deflate_seeds_, options_.seed, i);
      const case_result r =
          run_case(fuzz_case(in, case_id("input", i), options_.wait_ms, false), run_);
      ++out_.iterations;
      if (in.what.deflate) {
        ++out_.compressed_inputs;
        if (!r.connect_failed && r.data != verdict::unimplemented) ++out_.compressed_agreed;
      }
      status_line(false);
      outcome o;
      std::uint64_t at = i;
      if (r.connect_failed) {
        // Gone before this input was sent: the previous one is the suspect (its own run saw
        // nothing because the target went down after answering it).
        if (!previous) {
          out_.stopped_because = "the target stopped accepting connections: " + r.reason;
          break;
        }
        o = {finding_kind::crash, "crash", r.reason, {}};
        in = *previous;
        at = i - 1;
      } else {
        o = judge(r);
      }
      previous = in;
      if (o.kind == finding_kind::none) continue;
      if (!on_finding(in, o, at)) break;
    }
  }

  // Returns false when fuzzing cannot go on (the target is down for good).
  bool on_finding(const fuzz_input& in, const outcome& o, std::uint64_t iteration) {
    const bool target_down = o.kind == finding_kind::crash || o.kind == finding_kind::hang;
    if (auto it = seen_.find(o.signature); it != seen_.end()) {
      ++out_.findings[it->second].duplicates;
      return !target_down || revive();
    }
    seen_[o.signature] = out_.findings.size();
    finding f;
    f.kind = o.kind;
    f.signature = o.signature;
    f.detail = o.detail;
    f.iteration = iteration;
    f.from_case = in.what.from_case;
    if (options_.terminal) progress_ << "\r\033[K";
    progress_ << "finding " << out_.findings.size() + 1 << ": " << to_string(o.kind) << " at input "
              << iteration << " (mutated from " << in.what.from_case << "): " << o.detail << "\n"
              << std::flush;

    bool alive = !target_down || revive();
    fuzz_input best = in;
    if (alive) {
      const std::function<bool(const fuzz_input&)> still_fails = [&](const fuzz_input& c) {
        if (!time_left() || !alive) return false;
        const outcome again = replay(c, case_id(to_string(o.kind), iteration));
        const bool down = again.kind == finding_kind::crash || again.kind == finding_kind::hang;
        if (down) alive = revive();
        return again.signature == o.signature;
      };
      // Confirm first: a bug that does not show again is reported as it was found.
      if (still_fails(in)) {
        const minimized m = minimize(in, still_fails, options_.minimize_budget);
        best = m.input;
        f.replays = m.replays + 1;
        f.minimized = true;
      }
    }
    f.mutations = best.mutations;
    f.file = write(best, o, iteration);
    f.replayed = !f.file.empty() && alive;
    if (f.replayed) f.reproduced = replay_file(f.file, o, alive);
    const char* replay = !f.replayed    ? ", not replayed: the target is down)"
                         : f.reproduced ? ", reproduces)"
                                        : ", did not reproduce when replayed)";
    progress_ << "  -> " << f.file.string()
              << (f.minimized ? " (minimised in " + std::to_string(f.replays) + " replays"
                              : std::string(" (not minimised"))
              << replay << "\n"
              << std::flush;
    out_.findings.push_back(std::move(f));
    return alive;
  }

  std::filesystem::path write(const fuzz_input& in, const outcome& o, std::uint64_t iteration) {
    const std::string id = case_id(to_string(o.kind), iteration);
    test_case c = fuzz_case(in, id, options_.wait_ms, true);
    std::string what;
    switch (o.kind) {
      case finding_kind::crash:
        what = "the target stops serving connections (it crashed)";
        c.rfc = {"10.4"};
        break;
      case finding_kind::hang:
        what = "the target stops answering new connections (it hangs)";
        c.rfc = {"10.4"};
        break;
      default: {
        what = "the target's answer breaks a rule: " + o.signature;
        std::string sec = o.rule.section();
        if (sec.starts_with("RFC 6455 ")) sec = sec.substr(9);
        c.rfc = {sec.empty() ? "5.2" : sec};
      }
    }
    c.title = "Fuzz finding: after this input " + what;
    std::string how;
    for (const auto& m : in.mutations) how += (how.empty() ? "" : "; ") + m;
    c.why = "Found by wsspec fuzz --seed " + std::to_string(options_.seed) + " as input " +
            std::to_string(iteration) + " (" + in.what.from_case +
            " mutated: " + (how.empty() ? "unchanged" : how) +
            "), then minimised to the steps below. " + c.why;
    c.tags = {"fuzz", to_string(o.kind)};
    std::string text;
    try {
      text = case_to_text(c);
    } catch (const std::exception& e) {
      progress_ << "  cannot write the finding as a case file: " << e.what() << "\n";
      return {};
    }
    const std::filesystem::path file = options_.out_dir / (id.substr(id.find('/') + 1) + ".json");
    std::ofstream f(file, std::ios::binary);
    f << text;
    f.close();
    if (!f) {
      progress_ << "  cannot write " << file.string() << "\n";
      return {};
    }
    return file;
  }

  // The proof that matters: the file, as `wsspec run --case-dir` will read it, shows the bug.
  bool replay_file(const std::filesystem::path& file, const outcome& o, bool& alive) {
    std::ifstream in(file, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<test_case> loaded;
    case_error err;
    if (!load_case_text(file.filename().string(), options_.out_dir.filename().string(), text,
                        loaded, err) ||
        loaded.size() != 1) {
      progress_ << "  the finding's file does not load: " << err.to_string() << "\n";
      return false;
    }
    run_options ro = options_.run;
    const outcome again = judge(run_case(loaded.front(), ro));
    if (again.kind == finding_kind::crash || again.kind == finding_kind::hang) alive = revive();
    return again.signature == o.signature;
  }

  void finish() {
    out_.elapsed_s = std::chrono::duration<double>(steady::now() - start_).count();
    if (options_.terminal) progress_ << "\r\033[K";
    char line[200];
    std::snprintf(line, sizeof line,
                  "fuzz: %llu inputs in %.1f s (%.0f/s), seed %llu: %zu finding(s)",
                  static_cast<unsigned long long>(out_.iterations), out_.elapsed_s,
                  out_.elapsed_s > 0 ? static_cast<double>(out_.iterations) / out_.elapsed_s : 0.0,
                  static_cast<unsigned long long>(options_.seed), out_.findings.size());
    out_.final_line = line;
    if (!out_.findings.empty()) out_.final_line += " in " + options_.out_dir.string();
    out_.exit = out_.findings.empty() ? exit_ok : exit_failed;
    if (!out_.stopped_because.empty())
      progress_ << "stopped early: " << out_.stopped_because << "\n";
    const std::string compression =
        "fuzz: permessage-deflate: " + std::to_string(out_.compressed_inputs) +
        " compressed input(s), agreed in " + std::to_string(out_.compressed_agreed) +
        (out_.deflate_agreed ? "" : " (the target did not agree when asked)");
    progress_ << compression << "\n";

    std::ofstream log(options_.out_dir / "fuzz-run.txt", std::ios::binary);
    log << out_.final_line << "\n" << compression << "\n";
    if (!out_.stopped_because.empty()) log << "stopped early: " << out_.stopped_because << "\n";
    for (const auto& f : out_.findings) {
      log << "\n"
          << to_string(f.kind) << " at input " << f.iteration << ": " << f.detail << "\n"
          << "  file: " << f.file.string() << "\n  mutated from: " << f.from_case << "\n"
          << "  minimised: "
          << (f.minimized ? "yes, " + std::to_string(f.replays) + " replays" : "no")
          << "\n  reproduced from the file: "
          << (!f.replayed    ? "not replayed (the target was down)"
              : f.reproduced ? "yes"
                             : "no")
          << "\n"
          << "  seen again: " << f.duplicates << " time(s)\n";
      for (const auto& m : f.mutations) log << "  mutation: " << m << "\n";
    }
  }

  const fuzz_options& options_;
  std::ostream& progress_;
  std::vector<traffic> seeds_;
  std::vector<traffic> deflate_seeds_;  // emptied when the target does not agree to deflate
  run_options run_;
  std::unique_ptr<target_process> process_;
  steady::time_point start_, last_status_;
  std::map<std::string, std::size_t> seen_;
  fuzz_outcome out_;
};

}  // namespace

fuzz_outcome run_fuzz(const std::vector<test_case>& cases, const fuzz_options& options,
                      std::ostream& progress) {
  return fuzzer(cases, options, progress).run();
}

}  // namespace wsspec::fuzz
