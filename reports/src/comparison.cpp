#include "wsspec/reports/comparison.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <utility>

namespace wsspec {

bool is_failing(verdict v) noexcept { return v == verdict::fail || v == verdict::error; }

std::string_view to_string(change_kind k) noexcept {
  switch (k) {
    case change_kind::newly_failing:
      return "newly_failing";
    case change_kind::newly_passing:
      return "newly_passing";
    case change_kind::changed:
      return "changed";
    case change_kind::added:
      return "added";
    case change_kind::removed:
      return "removed";
  }
  return "changed";
}

const case_result* comparison::cell(std::size_t row, std::size_t run) const {
  if (row >= rows.size() || run >= runs.size()) return nullptr;
  const auto& i = rows[row].cells[run];
  return i ? &runs[run].run.cases[*i] : nullptr;
}

std::size_t comparison::differing_rows() const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [](const comparison_row& r) { return r.differs; }));
}

run_diff diff_runs(const comparison& c, std::size_t base, std::size_t run) {
  run_diff d;
  d.base = base;
  d.run = run;
  for (std::size_t r = 0; r < c.rows.size(); ++r) {
    const case_result* b = c.cell(r, base);
    const case_result* a = c.cell(r, run);
    if (!a && !b) continue;
    case_change ch;
    ch.row = r;
    if (b) ch.before = b->overall;
    if (a) ch.after = a->overall;
    if (!b) {
      // A new case that fails is what a CI gate must notice, so it counts as newly failing.
      ch.kind = is_failing(*ch.after) ? change_kind::newly_failing : change_kind::added;
    } else if (!a) {
      ch.kind = change_kind::removed;
    } else if (*ch.before == *ch.after) {
      continue;
    } else if (is_failing(*ch.after) && !is_failing(*ch.before)) {
      ch.kind = change_kind::newly_failing;
    } else if (!is_failing(*ch.after) && is_failing(*ch.before)) {
      ch.kind = change_kind::newly_passing;
    } else {
      ch.kind = change_kind::changed;
    }
    switch (ch.kind) {
      case change_kind::newly_failing:
        d.newly_failing.push_back(ch);
        break;
      case change_kind::newly_passing:
        d.newly_passing.push_back(ch);
        break;
      case change_kind::changed:
        d.changed.push_back(ch);
        break;
      case change_kind::added:
        d.added.push_back(ch);
        break;
      case change_kind::removed:
        d.removed.push_back(ch);
        break;
    }
  }
  return d;
}

comparison compare_runs(std::vector<compared_run> runs) {
  comparison c;
  c.runs = std::move(runs);
  const std::size_t n = c.runs.size();

  // Rows per area, each area's rows in first-seen order; areas in first-seen order.
  std::vector<std::vector<comparison_row>> by_area;
  std::unordered_map<std::string, std::size_t> area_index;
  std::unordered_map<std::string, std::pair<std::size_t, std::size_t>> where;  // id -> bucket, pos
  for (std::size_t k = 0; k < n; ++k) {
    const auto& cases = c.runs[k].run.cases;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const case_result& cr = cases[i];
      auto it = where.find(cr.id);
      if (it == where.end()) {
        auto [a, fresh] = area_index.try_emplace(cr.area, by_area.size());
        if (fresh) {
          by_area.emplace_back();
          c.areas.push_back(cr.area);
        }
        comparison_row row;
        row.id = cr.id;
        row.area = cr.area;
        row.title = cr.title;
        row.autobahn = cr.autobahn;
        row.cells.assign(n, std::nullopt);
        by_area[a->second].push_back(std::move(row));
        it = where.emplace(cr.id, std::make_pair(a->second, by_area[a->second].size() - 1)).first;
      }
      auto& cell = by_area[it->second.first][it->second.second].cells[k];
      if (!cell) cell = i;
    }
  }
  for (auto& bucket : by_area) {
    for (auto& row : bucket) c.rows.push_back(std::move(row));
  }
  for (std::size_t r = 0; r < c.rows.size(); ++r) {
    auto verdict_of = [&](std::size_t k) -> std::optional<verdict> {
      const case_result* cr = c.cell(r, k);
      return cr ? std::optional<verdict>(cr->overall) : std::nullopt;
    };
    for (std::size_t k = 1; k < n; ++k) {
      if (verdict_of(k) != verdict_of(0)) c.rows[r].differs = true;
    }
  }
  for (std::size_t k = 1; k < n; ++k) c.diffs.push_back(diff_runs(c, 0, k));
  return c;
}

namespace {

nlohmann::json verdict_or_null(const std::optional<verdict>& v) {
  return v ? nlohmann::json(std::string(to_string(*v))) : nlohmann::json(nullptr);
}

nlohmann::json summary_of(const run_summary& run) {
  std::array<int, 6> counts{};
  for (const auto& cr : run.cases) ++counts[static_cast<std::size_t>(cr.overall)];
  nlohmann::json s = nlohmann::json::object();
  for (verdict v : {verdict::pass, verdict::non_strict, verdict::info, verdict::unimplemented,
                    verdict::fail, verdict::error}) {
    s[std::string(to_string(v))] = counts[static_cast<std::size_t>(v)];
  }
  return s;
}

}  // namespace

nlohmann::json to_json(const comparison& c, const std::string& tool_version) {
  using nlohmann::json;
  json j;
  j["tool"] = {{"name", "wsspec"}, {"version", tool_version}};
  json runs = json::array();
  for (std::size_t k = 0; k < c.runs.size(); ++k) {
    const run_summary& r = c.runs[k].run;
    runs.push_back({{"index", k},
                    {"source", c.runs[k].source},
                    {"tool", {{"name", "wsspec"}, {"version", r.tool_version}}},
                    {"target", {{"url", r.target_url}, {"server", r.server_header}}},
                    {"started_at", r.started_at},
                    {"duration_ms", r.duration_ms},
                    {"command", r.command},
                    {"summary", summary_of(r)},
                    {"cases", r.cases.size()}});
  }
  j["runs"] = std::move(runs);
  json cases = json::array();
  for (std::size_t row = 0; row < c.rows.size(); ++row) {
    const comparison_row& r = c.rows[row];
    json verdicts = json::array();
    for (std::size_t k = 0; k < c.runs.size(); ++k) {
      const case_result* cr = c.cell(row, k);
      verdicts.push_back(cr ? verdict_or_null(cr->overall) : json(nullptr));
    }
    cases.push_back({{"id", r.id},
                     {"area", r.area},
                     {"title", r.title},
                     {"autobahn", r.autobahn ? json(*r.autobahn) : json(nullptr)},
                     {"verdicts", std::move(verdicts)},
                     {"differs", r.differs}});
  }
  j["cases"] = std::move(cases);
  json diffs = json::array();
  for (const run_diff& d : c.diffs) {
    auto list = [&](const std::vector<case_change>& changes) {
      json a = json::array();
      for (const case_change& ch : changes) {
        const case_result* before = c.cell(ch.row, d.base);
        const case_result* after = c.cell(ch.row, d.run);
        a.push_back({{"id", c.rows[ch.row].id},
                     {"before", verdict_or_null(ch.before)},
                     {"after", verdict_or_null(ch.after)},
                     {"reason", after ? json(deciding_reason(*after)) : json(nullptr)},
                     {"reason_before", before ? json(deciding_reason(*before)) : json(nullptr)}});
      }
      return a;
    };
    diffs.push_back({{"base", d.base},
                     {"run", d.run},
                     {"counts",
                      {{"newly_failing", d.newly_failing.size()},
                       {"newly_passing", d.newly_passing.size()},
                       {"changed", d.changed.size()},
                       {"added", d.added.size()},
                       {"removed", d.removed.size()}}},
                     {"newly_failing", list(d.newly_failing)},
                     {"newly_passing", list(d.newly_passing)},
                     {"changed", list(d.changed)},
                     {"added", list(d.added)},
                     {"removed", list(d.removed)}});
  }
  j["diffs"] = std::move(diffs);
  return j;
}

}  // namespace wsspec
