#include "serve_cases/result_store.hpp"

#include <algorithm>

namespace wsspec::serve_cases {

result_store::agent_state& result_store::state_of(const std::string& agent) {
  agent_state& s = agents_[agent];
  if (s.results.size() != case_count_) {
    s.results.resize(case_count_);
    s.running.resize(case_count_, false);
  }
  return s;
}

void result_store::begin(const std::string& agent, std::size_t index) {
  {
    std::lock_guard lock(mutex_);
    state_of(agent).running.at(index) = true;
  }
  changed_.notify_all();
}

void result_store::record(const std::string& agent, std::size_t index, case_result r) {
  {
    std::lock_guard lock(mutex_);
    agent_state& s = state_of(agent);
    s.results.at(index) = std::move(r);
    s.running.at(index) = false;
  }
  changed_.notify_all();
}

bool result_store::wait_idle(const std::optional<std::string>& agent, clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  auto idle = [&] {
    for (const auto& [name, s] : agents_) {
      if (agent && name != *agent) continue;
      if (std::find(s.running.begin(), s.running.end(), true) != s.running.end()) return false;
    }
    return true;
  };
  return changed_.wait_until(lock, deadline, idle);
}

std::size_t result_store::adopt(const std::string& agent, const std::vector<test_case>& cases,
                                const run_summary& read) {
  std::lock_guard lock(mutex_);
  agent_state& s = state_of(agent);
  std::size_t taken = 0;
  for (const case_result& r : read.cases) {
    if (r.not_run) continue;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      if (cases[i].id != r.id) continue;
      if (!s.results[i]) ++taken;
      s.results[i] = r;
      break;
    }
  }
  return taken;
}

std::optional<verdict> result_store::wait_verdict(const std::string& agent, std::size_t index,
                                                  clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  // Asking creates no agent: only runCase and a restart do.
  const auto it = agents_.find(agent);
  if (it == agents_.end()) return std::nullopt;
  const agent_state& s = it->second;
  changed_.wait_until(lock, deadline, [&] { return !s.running.at(index); });
  if (s.running[index] || !s.results[index]) return std::nullopt;
  return s.results[index]->overall;
}

result_store::progress result_store::progress_of(const std::string& agent,
                                                 std::size_t index) const {
  std::lock_guard lock(mutex_);
  return progress_locked(agent, index);
}

result_store::progress result_store::wait_progress(const std::string& agent, std::size_t index,
                                                   progress seen,
                                                   clock::time_point deadline) const {
  std::unique_lock lock(mutex_);
  progress now = progress_locked(agent, index);
  changed_.wait_until(lock, deadline,
                      [&] { return (now = progress_locked(agent, index)) != seen; });
  return now;
}

result_store::progress result_store::progress_locked(const std::string& agent,
                                                     std::size_t index) const {
  const auto it = agents_.find(agent);
  if (it == agents_.end()) return progress::none;
  if (it->second.running.at(index)) return progress::running;
  return it->second.results.at(index) ? progress::done : progress::none;
}

void result_store::forget(const std::string& agent, std::size_t index) {
  std::lock_guard lock(mutex_);
  if (const auto it = agents_.find(agent); it != agents_.end())
    it->second.results.at(index).reset();
}

std::vector<std::optional<case_result>> result_store::results(const std::string& agent) const {
  std::lock_guard lock(mutex_);
  const auto it = agents_.find(agent);
  if (it == agents_.end()) return std::vector<std::optional<case_result>>(case_count_);
  return it->second.results;
}

std::vector<std::string> result_store::agents() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, s] : agents_) out.push_back(name);
  return out;
}

}  // namespace wsspec::serve_cases
