#include "serve_cases/client_driver.hpp"

#include <algorithm>
#include <atomic>
#include <semaphore>
#include <thread>

#include "run/case_weight.hpp"
#include "serve_cases/client_process.hpp"

namespace wsspec::serve_cases {

namespace {

constexpr auto poll_interval = std::chrono::milliseconds(10);

std::string percent_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

case_result setup_error(const test_case& c, std::string why) {
  case_result r = describe_case(c);
  r.data = r.overall = verdict::error;
  r.closing = verdict::info;
  r.reason = std::move(why);
  r.closing_reason = "not judged: the case did not run";
  return r;
}

std::string seconds_text(std::chrono::milliseconds d) {
  const auto ms = d.count();
  return ms % 1000 ? std::to_string(ms) + " ms" : std::to_string(ms / 1000) + " s";
}

// One of the --jobs slots for clients that are starting, held from the start of a client until
// its case is under way (or it has failed to connect).
class start_slot {
 public:
  explicit start_slot(std::counting_semaphore<>& slots) : slots_(slots) {}
  start_slot(const start_slot&) = delete;
  start_slot& operator=(const start_slot&) = delete;
  ~start_slot() { release(); }
  // Waits for a free slot; false when stop() said so first.
  bool acquire(const std::function<bool()>& stop) {
    while (!slots_.try_acquire_for(std::chrono::milliseconds(100)))
      if (stop()) return false;
    held_ = true;
    return true;
  }
  void release() {
    if (held_) slots_.release();
    held_ = false;
  }

 private:
  std::counting_semaphore<>& slots_;
  bool held_ = false;
};

// One case: start the client, wait for its result or a reason why there is none, stop it.
// `slot` is held on entry and handed on once the case is under way.
void drive_one(const test_case& c, std::size_t index, const client_driver_options& o,
               result_store& store, const std::function<void(std::size_t, case_result)>& record,
               const std::function<bool()>& stop, start_slot& slot) {
  store.forget(o.agent, index);
  const std::string url = run_case_url(o.base_url, index, o.agent);
  client_process client;
  std::string error;
  if (!client.start(substitute_url(o.command, url), o.log, error)) {
    record(index, setup_error(c, "the client command could not be started: " + error));
    return;
  }
  const auto started = clock::now();
  const auto connect_by = started + o.client_timeout;
  // Once connected, the case ends within its bound (interpreter.hpp); the allowance covers a
  // client slow to finish its side.
  const auto finish_by = connect_by + total_bound(c, o.run);
  std::string exit_how;
  bool exited = false;
  result_store::progress p = store.progress_of(o.agent, index);
  while (!stop()) {
    if (p != result_store::progress::none) slot.release();
    if (p == result_store::progress::done) break;
    const auto now = clock::now();
    if (p == result_store::progress::none) {
      if (!exited && client.exited(exit_how)) exited = true;
      if (exited) {
        record(index,
               setup_error(c, "the client exited (" + exit_how + ") without connecting to " + url));
        break;
      }
      if (now > connect_by) {
        record(index, setup_error(c, "the client did not connect within " +
                                         seconds_text(o.client_timeout) + " (" + url + ")"));
        break;
      }
    } else if (now > finish_by) {
      break;  // the runner is bounded; this only guards against a stuck runner
    }
    // Woken at once when the case starts or ends; the step bounds how late an exit without a
    // connection, a stop request or a deadline is seen.
    p = store.wait_progress(o.agent, index, p, now + poll_interval);
  }
  client.stop();
}

}  // namespace

std::string run_case_url(const std::string& base_url, std::size_t index, const std::string& agent) {
  return base_url + "runCase?case=" + std::to_string(index + 1) + "&agent=" + percent_encode(agent);
}

void drive_clients(const std::vector<test_case>& cases, const std::vector<std::size_t>& which,
                   const client_driver_options& options, result_store& store,
                   const std::function<void(std::size_t, case_result)>& record,
                   const std::function<bool()>& stop) {
  // Cases that wait on the clock (seconds of quiet, a held-back response) start first, so their
  // waiting overlaps the other clients' starts instead of ending the run alone.
  std::vector<std::size_t> order = which;
  std::stable_partition(order.begin(), order.end(),
                        [&](std::size_t i) { return waits_on_clock(cases[i]); });
  // Starting a client is what costs: a node or python start is tens of milliseconds of CPU,
  // while most cases then take a few. So --jobs bounds the clients starting at once, and a
  // client whose case is under way hands its slot on: up to 2 x jobs clients are alive at once,
  // and a case that waits seconds on the clock does not hold the others back. Each case is
  // still its own client and connection, so verdicts do not depend on this.
  const unsigned jobs =
      std::max(1u, std::min<unsigned>(options.jobs, static_cast<unsigned>(order.size())));
  std::counting_semaphore<> starting(jobs);
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    while (!stop()) {
      start_slot slot(starting);
      if (!slot.acquire(stop)) return;
      const std::size_t k = next.fetch_add(1);
      if (k >= order.size()) return;
      drive_one(cases[order[k]], order[k], options, store, record, stop, slot);
    }
  };
  const unsigned workers = std::min<unsigned>(2 * jobs, static_cast<unsigned>(order.size()));
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < workers; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
}

}  // namespace wsspec::serve_cases
