// Per agent, the result of each selected case, shared by the connection threads of
// `wsspec serve-cases`: runCase records, getCaseStatus waits for and reads, updateReports and the
// end of the run take a snapshot. Agents are keyed by their safe name (agent_name.hpp).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cases/case_model.hpp"
#include "run/interpreter.hpp"
#include "wsspec/reports/results_json.hpp"

namespace wsspec::serve_cases {

class result_store {
 public:
  explicit result_store(std::size_t case_count) : case_count_(case_count) {}

  // A case of `agent` has started (a runCase connection was routed to it).
  void begin(const std::string& agent, std::size_t index);
  // Its result: replaces an earlier one, ends the running mark, wakes getCaseStatus waiters.
  void record(const std::string& agent, std::size_t index, case_result r);
  // Takes the results of a run read back from results.json (a restart): each case of `read` that
  // is one of `cases` (by id) and was run (not marked not_run). Returns how many were taken.
  std::size_t adopt(const std::string& agent, const std::vector<test_case>& cases,
                    const run_summary& read);

  // The verdict of the case for the agent; while a runCase of it is in progress, waits for it
  // up to `deadline`. nullopt: no result (not run, or still running at the deadline).
  std::optional<verdict> wait_verdict(const std::string& agent, std::size_t index,
                                      clock::time_point deadline);

  // Waits until no runCase of `agent` (of any agent: nullopt) is in progress, up to `deadline`:
  // updateReports comes right after the driver's last runCase closed, maybe before its result
  // is recorded. False at the deadline.
  bool wait_idle(const std::optional<std::string>& agent, clock::time_point deadline);
  enum class progress : std::uint8_t { none, running, done };
  progress progress_of(const std::string& agent, std::size_t index) const;
  // Waits until the case's progress is no longer `seen`, up to `deadline`; returns it then.
  // --client-cmd follows its client's case by this, woken the moment the case starts or ends.
  progress wait_progress(const std::string& agent, std::size_t index, progress seen,
                         clock::time_point deadline) const;
  // Drops the agent's result of the case (--client-cmd runs it afresh).
  void forget(const std::string& agent, std::size_t index);

  // The agent's results in selection order (nullopt: not run yet).
  std::vector<std::optional<case_result>> results(const std::string& agent) const;
  std::vector<std::string> agents() const;

 private:
  struct agent_state {
    std::vector<std::optional<case_result>> results;
    std::vector<bool> running;
  };
  agent_state& state_of(const std::string& agent);  // under mutex_
  progress progress_locked(const std::string& agent, std::size_t index) const;

  std::size_t case_count_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::map<std::string, agent_state> agents_;
};

}  // namespace wsspec::serve_cases
