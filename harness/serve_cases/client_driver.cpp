#include "serve_cases/client_driver.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

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

// One case: start the client, wait for its result or a reason why there is none, stop it.
void drive_one(const test_case& c, std::size_t index, const client_driver_options& o,
               result_store& store, const std::function<void(std::size_t, case_result)>& record,
               const std::function<bool()>& stop) {
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
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    while (!stop()) {
      const std::size_t k = next.fetch_add(1);
      if (k >= which.size()) return;
      drive_one(cases[which[k]], which[k], options, store, record, stop);
    }
  };
  const unsigned jobs =
      std::max(1u, std::min<unsigned>(options.jobs, static_cast<unsigned>(which.size())));
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
}

}  // namespace wsspec::serve_cases
