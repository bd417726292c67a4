#include "run/suite_runner.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <ostream>
#include <thread>

#include "run/baseline.hpp"
#include "run/case_weight.hpp"
#include "run/stall_watch.hpp"
#include "run/stop_request.hpp"
#include "version.hpp"
#include "wsspec/reports/observation_text.hpp"

namespace wsspec {

namespace {

// No byte moved for this long while cases wait: said in the progress output.
constexpr std::uint32_t stall_notice_ms = 3000;
// A target that did not answer a new connection in the usual 3 s gets this long to, before the
// run calls it stopped: a target busy with a neighbour's megabytes is slow, not gone.
constexpr std::uint32_t hung_confirm_ms = 10000;

}  // namespace

std::string now_iso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string case_line(const case_result& r, bool accepted) {
  char head[64];
  // One column wider than the longest verdict ("unimplemented"), so the id never touches it.
  std::snprintf(head, sizeof head, "%-14s", std::string(to_string(r.overall)).c_str());
  std::string line = head + r.id;
  if (accepted) line += " (accepted by the baseline)";
  if (r.autobahn) line += " [" + *r.autobahn + "]";
  char ms[32];
  std::snprintf(ms, sizeof ms, " (%.0f ms)", r.duration_ms);
  line += ms;
  if (r.overall != verdict::pass) {
    const std::string& why = deciding_reason(r);
    if (!why.empty()) line += "\n    " + why;
  }
  return line;
}

namespace {

case_result reachability_probe(const run_options& options) {
  test_case t;
  t.id = "reachability-probe";
  t.timeout_ms = 5000;
  t.close_at_end = false;  // the handshake is the question; the closing is the cases' business
  return run_case(t, options);
}

}  // namespace

namespace {

// A case the run did not get to: what it is, the verdict that stands for it, and why.
case_result not_run_result(const test_case& c, verdict v, const std::string& why) {
  case_result r = describe_case(c);
  r.data = r.overall = v;
  r.closing = verdict::info;
  r.reason = "not run: " + why;
  r.closing_reason = "not judged: the case did not run";
  r.not_run = true;
  return r;
}

// What the liveness check of a case saw, in the transport's or the judge's words.
std::string liveness_detail(const case_result& r) {
  for (auto it = r.events.rbegin(); it != r.events.rend(); ++it)
    if (it->what == observation::kind::liveness) return it->detail;
  return "no answer";
}

// What every outcome starts with: the tool, the target, when, and the limits it ran under.
suite_outcome summary_head(const suite_options& options) {
  suite_outcome out;
  out.summary.tool_version = version;
  out.summary.target_url = options.run.url.to_string();
  out.summary.started_at = now_iso8601();
  run_limits& l = out.summary.limits;
  l.head_bytes = options.run.limits.head_bytes;
  l.frame_bytes = options.run.limits.frame_bytes;
  l.message_bytes = options.run.limits.message_bytes;
  l.case_timeout_ms = options.run.timeout_ms;
  l.default_case_timeout_ms = test_case{}.timeout_ms;
  l.total_timeout_ms = options.total_timeout_ms;
  return out;
}

}  // namespace

bool probe_target(const run_options& options, std::string& error) {
  const preflight p = check_target(options);
  if (p.status == preflight::state::unreachable) {
    error = p.probe.reason;
    return false;
  }
  if (p.status == preflight::state::unusable) {
    error = "connected, but " + p.probe.reason;
    return false;
  }
  return true;
}

preflight check_target(const run_options& options) {
  preflight p;
  p.probe = reachability_probe(options);
  if (p.probe.connect_failed)
    p.status = preflight::state::unreachable;
  else if (p.probe.data != verdict::pass)
    p.status = preflight::state::unusable;
  return p;
}

suite_outcome stop_before_running(const std::vector<test_case>& cases, const suite_options& options,
                                  const case_result& probe, std::ostream& progress) {
  suite_outcome out = summary_head(options);
  out.summary.server_header = probe.server_header;
  out.summary.duration_ms = probe.duration_ms;
  // What the target answered, from the probe's typed events: said once, here.
  std::string answer = probe.reason;
  for (auto it = probe.events.rbegin(); it != probe.events.rend(); ++it) {
    if (!it->from_target()) continue;
    answer = describe(*it);
    break;
  }
  out.summary.stopped_because =
      "a well-formed opening request got " + answer + " instead of a valid 101, so no case ran";
  std::size_t failed = 0;
  for (const test_case& c : cases) {
    case_result r = not_run_result(c, verdict::fail, out.summary.stopped_because);
    r.first_violation = probe.first_violation;
    r.events = probe.events;
    const bool accepted = options.accepted && options.accepted(r);
    if (!accepted) ++failed;
    out.summary.cases.push_back(std::move(r));
  }
  progress << "wsspec: " << out.summary.stopped_because
           << "; every case is marked fail, not run, in the reports\n";
  out.final_line =
      std::to_string(cases.size() - failed) + " passed, " + std::to_string(failed) + " failed";
  out.exit = failed ? exit_failed : exit_ok;
  return out;
}

suite_outcome run_suite(const std::vector<test_case>& cases, const suite_options& options,
                        std::ostream& progress) {
  suite_outcome out = summary_head(options);
  out.summary.cases.resize(cases.size());
  const auto start = clock::now();
  if (options.total_timeout_ms)
    stop_at(start + std::chrono::milliseconds(options.total_timeout_ms));

  idle_clock activity;
  run_options run = options.run;
  run.activity = &activity;
  run.check_alive_after_failed_connection = true;

  // Light cases first, --jobs at a time, those that wait on the clock at the front so their
  // waiting overlaps the others' work; then the heavy ones, never beside a light one (a light
  // case must not wait on a target busy with another case's megabytes: determinism at any
  // --jobs); then each huge one alone.
  std::vector<std::size_t> light, heavy, huge;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    switch (weight_of(cases[i])) {
      case case_weight::light:
        light.push_back(i);
        break;
      case case_weight::heavy:
        heavy.push_back(i);
        break;
      case case_weight::huge:
        huge.push_back(i);
        break;
    }
  }
  std::stable_partition(light.begin(), light.end(),
                        [&](std::size_t i) { return waits_on_clock(cases[i]); });
  {
    std::vector<std::uint64_t> cost(cases.size(), 0);
    for (const std::size_t i : heavy) cost[i] = wire_cost(cases[i]);
    std::stable_sort(heavy.begin(), heavy.end(),
                     [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
  }

  std::mutex print_mutex;
  std::size_t done = 0, failed = 0;
  std::vector<bool> ran(cases.size(), false), running(cases.size(), false);
  auto finish = [&](std::size_t i, case_result r) {
    std::lock_guard lock(print_mutex);
    ++done;
    ran[i] = true;
    const bool accepted = options.accepted && options.accepted(r);
    if (counts_as_failure(r.overall, options.strict) && !accepted) ++failed;
    if (out.summary.server_header.empty()) out.summary.server_header = r.server_header;
    if (options.terminal) {
      if (r.overall != verdict::pass) progress << "\r\033[K" << case_line(r, accepted) << "\n";
      progress << "\r\033[K[" << done << "/" << cases.size() << "] " << failed
               << " failed, running " << cases[i].id << std::flush;
    } else {
      progress << case_line(r, accepted) << "\n" << std::flush;
    }
    out.summary.cases[i] = std::move(r);
  };

  // The target stopped serving (after the pre-flight reached it): it is named once, by the
  // case after which it died or hung, and the cases after that are not run.
  std::atomic<bool> target_gone{false};
  std::string gone_because;  // set once, under print_mutex
  auto target_stopped = [&](std::string why) {
    std::lock_guard lock(print_mutex);
    if (gone_because.empty()) gone_because = std::move(why);
    target_gone = true;
  };
  // A case that ended waiting on a silent target: is it only this connection (the case's
  // finding), or has the target stopped answering anyone? A new connection decides, given
  // long enough that a target busy with a neighbour's megabytes still answers it.
  auto check_still_answering = [&](const case_result& r) {
    const bool waited_out = std::any_of(r.events.begin(), r.events.end(), [](const observation& o) {
      return o.what == observation::kind::idle_timeout;
    });
    if (!waited_out || r.alive != case_result::liveness::unchecked || stop_requested()) return;
    std::string why;
    if (check_liveness(run, why) != case_result::liveness::hung) return;
    if (check_liveness(run, why, hung_confirm_ms) != case_result::liveness::hung) return;
    target_stopped("the target stopped answering after " + r.id +
                   ": a new connection's opening handshake and echo got no answer in " +
                   std::to_string(hung_confirm_ms / 1000) + " s");
  };

  auto run_all = [&](const std::vector<std::size_t>& which, unsigned jobs) {
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
      while (!stop_requested() && !target_gone) {
        const std::size_t k = next.fetch_add(1);
        if (k >= which.size()) return;
        {
          std::lock_guard lock(print_mutex);
          running[which[k]] = true;
        }
        case_result r = run_case(cases[which[k]], run);
        // Still waiting on the target while the liveness check asks it on a new connection.
        if (!r.not_run && !r.connect_failed) {
          if (r.alive == case_result::liveness::dead)
            target_stopped("the target died after " + r.id +
                           " (a new connection: " + liveness_detail(r) + ")");
          else
            check_still_answering(r);
        }
        {
          std::lock_guard lock(print_mutex);
          running[which[k]] = false;
        }
        if (r.not_run) return;  // stopped part-way: reported with the cases not run
        if (r.connect_failed) {
          target_stopped("");
          return;  // reported with the cases not run
        }
        finish(which[k], std::move(r));
      }
    };
    jobs = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(which.size())));
    std::vector<std::thread> threads;
    for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
  };
  {
    // Says so early when the target goes quiet; names at most three of the waiting cases.
    stall_watch watch(
        activity, std::chrono::milliseconds(stall_notice_ms),
        [&] {
          std::lock_guard lock(print_mutex);
          std::string names;
          std::size_t n = 0;
          for (std::size_t i = 0; i < cases.size(); ++i) {
            if (!running[i]) continue;
            if (++n <= 3) names += (names.empty() ? "" : ", ") + cases[i].id;
          }
          if (n > 3) names += " and " + std::to_string(n - 3) + " more";
          return names;
        },
        [&](const std::string& line) {
          std::lock_guard lock(print_mutex);
          progress << (options.terminal ? "\r\033[K" : "") << line << "\n" << std::flush;
        });
    run_all(light, options.jobs);
    if (!target_gone && !stop_requested()) run_all(heavy, options.jobs);
    if (!target_gone && !stop_requested()) run_all(huge, 1);
  }
  if (options.terminal) progress << "\r\033[K";
  const std::size_t ran_count = static_cast<std::size_t>(std::count(ran.begin(), ran.end(), true));
  const std::string ran_text =
      std::to_string(ran_count) + " of " + std::to_string(cases.size()) + " cases";
  const int sig = stop_signal();
  const bool timed_out = !sig && deadline_passed();
  stop_at({});
  if (sig || timed_out) {
    // Stopped early: what ran is reported as it ran; the rest is marked, not judged.
    out.summary.incomplete = true;
    out.summary.stopped_because =
        timed_out
            ? "the total time-out (--total-timeout " + duration_text(options.total_timeout_ms) +
                  ") ran out after " + ran_text + "; the others were not reached"
            : std::string(sig == SIGTERM  ? "SIGTERM"
                          : sig == SIGINT ? "SIGINT"
                                          : "a signal") +
                  " after " + ran_text + "; the others were not run";
    for (std::size_t i = 0; i < cases.size(); ++i) {
      if (ran[i]) continue;
      ++failed;  // not judged: a run that did not reach a case did not pass it
      out.summary.cases[i] = not_run_result(
          cases[i], verdict::error,
          (timed_out ? "the run's total time-out ran out (" : "the run was interrupted (") +
              out.summary.stopped_because + ")");
    }
    progress << "wsspec: " << (timed_out ? "stopped: " : "interrupted: ")
             << out.summary.stopped_because << "\n";
  } else if (target_gone && ran_count < cases.size()) {
    // Only when it cost cases: a target that died after the last case is named by that case.
    out.summary.stopped_because =
        gone_because.empty() ? "the target stopped accepting connections after " + ran_text +
                                   "; the others were not run"
                             : gone_because + "; the other " +
                                   std::to_string(cases.size() - ran_count) + " cases were not run";
    for (std::size_t i = 0; i < cases.size(); ++i) {
      if (ran[i]) continue;
      ++failed;  // could not run: an error, as a case that cannot connect always was
      out.summary.cases[i] = not_run_result(cases[i], verdict::error, out.summary.stopped_because);
    }
    progress << "wsspec: " << out.summary.stopped_because << "\n";
  }

  out.summary.duration_ms = std::chrono::duration<double, std::milli>(clock::now() - start).count();
  std::size_t n[6] = {};
  for (const auto& r : out.summary.cases) ++n[static_cast<int>(r.overall)];
  const std::size_t bad = failed;
  const std::size_t good = cases.size() - bad;
  // Index order of verdict: pass, non_strict, info, unimplemented, fail, error.
  progress << n[0] << " pass, " << n[1] << " non-strict, " << n[2] << " info, " << n[3]
           << " unimplemented, " << n[4] << " fail, " << n[5] << " error\n";
  out.final_line = std::to_string(good) + " passed, " + std::to_string(bad) + " failed";
  out.exit = bad ? exit_failed : exit_ok;
  if (!out.summary.stopped_because.empty()) {
    out.final_line += std::string(out.summary.incomplete ? " (incomplete: " : " (stopped: ") +
                      out.summary.stopped_because + ")";
    // A target that stopped serving fails the run even when no case it ran failed; a signal
    // exits as the shell expects (130 for SIGINT, 143 for SIGTERM).
    out.exit = sig ? 128 + sig : exit_failed;
  }
  return out;
}

}  // namespace wsspec
