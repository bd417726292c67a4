#include "wsspec/reports/results_json.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "wsspec/reports/observation_text.hpp"

#include <algorithm>
#include <optional>

namespace wsspec {

namespace {

const char* liveness_word(case_result::liveness l) {
  switch (l) {
    case case_result::liveness::unchecked:
      return "unchecked";
    case case_result::liveness::alive:
      return "alive";
    case case_result::liveness::dead:
      return "dead";
    case case_result::liveness::hung:
      return "hung";
  }
  return "unchecked";
}

// Target-controlled text may be any bytes; JSON needs valid UTF-8, so invalid bytes become
// U+FFFD (nlohmann's "replace" handler does exactly that when dumping).
nlohmann::json opt(const std::optional<std::string>& s) { return s ? nlohmann::json(*s) : nullptr; }

// Per requirement of the map: the cases of the run naming it and the worst of their verdicts
// (null when no case of the run names it).
// The typed transcript: what each event is, and only the fields that kind carries (the
// rendered "transcript" lines say the same for people).
nlohmann::json event_json(const observation& o) {
  using k = observation::kind;
  nlohmann::json e = {{"t_ms", std::round(o.t_ms * 1000) / 1000}, {"what", to_string(o.what)}};
  switch (o.what) {
    case k::sent_frame:
    case k::fragment:
      e["opcode"] = o.opcode;
      e["fin"] = o.fin;
      if (o.rsv) e["rsv"] = o.rsv;
      if (o.length) e["length_field"] = *o.length;
      [[fallthrough]];
    case k::sent_message:
    case k::message:
    case k::sent_raw:
    case k::sent_barrier:
    case k::ping:
    case k::pong:
    case k::sent_request:
      if (o.what == k::sent_message || o.what == k::message) e["opcode"] = o.opcode;
      e["size"] = o.size;
      if (o.count > 1) e["count"] = o.count;
      if (o.frames > 1) e["frames"] = o.frames;
      if (o.matched_barrier) e["barrier"] = true;
      break;
    case k::sent_close:
    case k::close:
      e["code"] = o.code ? nlohmann::json(*o.code) : nlohmann::json(nullptr);
      if (o.code_out_of_range) e["code_out_of_range"] = true;
      break;
    case k::request:
      e["size"] = o.size;
      if (!o.rule.empty()) e["rule"] = o.rule.signature();
      break;
    case k::tls_hello:
      e["server_name"] = opt(o.server_name);
      break;
    case k::sent_response:
    case k::response:
      e["status"] = o.status;
      if (!o.rule.empty()) e["rule"] = o.rule.signature();
      break;
    case k::broke_rule:
      e["rule"] = o.rule.signature();
      e["section"] = o.rule.section();
      if (o.rule.frame != codec::protocol_error::none) e["offset"] = o.rule.offset;
      break;
    case k::tcp_end:
      e["reset"] = o.reset;
      if (o.length) e["frame_unfinished"] = {{"announced", *o.length}, {"received", o.size}};
      break;
    case k::idle_timeout:
      e["idle_ms"] = o.idle_ms;
      if (o.bound) e["bound"] = true;
      if (o.length) e["frame_unfinished"] = {{"announced", *o.length}, {"received", o.size}};
      break;
    case k::write_stopped:
      e["written"] = o.size;
      break;
    case k::liveness:
      e["alive"] = o.alive;
      break;
    case k::rounds_omitted:
      e["rounds"] = o.count;
      break;
    case k::sent_pong:
    case k::sent_fin:
    case k::not_connected:
      break;
  }
  return e;
}

nlohmann::json requirements_json(const run_summary& run) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : run.requirements) {
    nlohmann::json ids = nlohmann::json::array();
    std::optional<verdict> worst;
    for (const auto& c : run.cases) {
      if (std::find(c.requirements.begin(), c.requirements.end(), r.id) == c.requirements.end())
        continue;
      ids.push_back(c.id);
      worst = worst ? combine(*worst, c.overall) : c.overall;
    }
    out.push_back({{"id", r.id},
                   {"rfc", r.rfc},
                   {"section", r.section},
                   {"keyword", r.keyword},
                   {"binds", r.binds},
                   {"text", r.text},
                   {"untestable",
                    r.untestable.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.untestable)},
                   {"cases", std::move(ids)},
                   {"verdict", worst ? nlohmann::json(to_string(*worst)) : nullptr}});
  }
  return out;
}

}  // namespace

std::string_view autobahn_behavior(verdict v) noexcept {
  switch (v) {
    case verdict::pass:
      return "OK";
    case verdict::non_strict:
      return "NON-STRICT";
    case verdict::info:
      return "INFORMATIONAL";
    case verdict::unimplemented:
      return "UNIMPLEMENTED";
    case verdict::fail:
    case verdict::error:
      return "FAILED";
  }
  return "FAILED";
}

nlohmann::json to_json(const run_summary& run) {
  nlohmann::json j;
  j["tool"] = {{"name", "wsspec"}, {"version", run.tool_version}};
  j["target"] = {{"url", run.target_url}, {"server", run.server_header}};
  if (!run.target_agent.empty()) {
    j["target"]["agent"] = run.target_agent;
    j["target"]["role"] = "client";
  }
  j["started_at"] = run.started_at;
  j["duration_ms"] = run.duration_ms;
  j["command"] = run.command;
  if (!run.argv.empty()) j["argv"] = run.argv;  // the words of `command`, unquoted
  nlohmann::json summary = {{"pass", 0},          {"non-strict", 0}, {"info", 0},
                            {"unimplemented", 0}, {"fail", 0},       {"error", 0}};
  nlohmann::json cases = nlohmann::json::array();
  for (const auto& c : run.cases) {
    summary[std::string(to_string(c.overall))] =
        summary[std::string(to_string(c.overall))].get<int>() + 1;
    nlohmann::json cj = {
        {"id", c.id},
        {"autobahn", opt(c.autobahn)},
        {"rfc", c.rfc},
        {"requirements", c.requirements},
        {"title", c.title},
        {"area", c.area},
        {"tags", c.tags},
        {"why", c.why},
        {"verdict", to_string(c.overall)},
        {"reason", deciding_reason(c)},
        {"verdict_data", to_string(c.data)},
        {"reason_data", c.reason},
        {"verdict_closing", to_string(c.closing)},
        {"reason_closing", c.closing_reason},
        {"remote_close_code", c.remote_close_code ? nlohmann::json(*c.remote_close_code) : nullptr},
        {"duration_ms", c.duration_ms},
        {"transcript", transcript_lines(c)},
    };
    if (const std::string v = target_violation_text(c); !v.empty()) cj["target_violation"] = v;
    if (!c.first_violation.empty()) {
      cj["violation"] = {{"rule", c.first_violation.signature()},
                         {"section", c.first_violation.section()},
                         {"offset", c.first_violation.offset}};
    }
    if (c.alive != case_result::liveness::unchecked) cj["liveness"] = liveness_word(c.alive);
    if (c.not_run) cj["not_run"] = true;
    if (const auto& z = c.compression) {
      auto ratio = [](std::uint64_t packed, std::uint64_t bytes) -> nlohmann::json {
        const auto r = case_result::compression_traffic::ratio(packed, bytes);
        return r ? nlohmann::json(*r) : nlohmann::json(nullptr);
      };
      cj["compression"] = {{"sent_bytes", z->sent_bytes},
                           {"sent_compressed", z->sent_compressed},
                           {"sent_ratio", ratio(z->sent_compressed, z->sent_bytes)},
                           {"received_bytes", z->received_bytes},
                           {"received_compressed", z->received_compressed},
                           {"received_ratio", ratio(z->received_compressed, z->received_bytes)}};
    }
    // A client's masking keys (serve-cases), so that a restart that reloads this file judges
    // the run's keys (RFC 6455 5.3) with the earlier cases' keys too.
    if (!c.client_mask_keys.empty()) {
      nlohmann::json keys = nlohmann::json::array();
      for (const std::uint32_t k : c.client_mask_keys) {
        char buf[9];
        std::snprintf(buf, sizeof buf, "%08x", k);
        keys.push_back(buf);
      }
      cj["client_mask_keys"] = std::move(keys);
    }
    if (!c.events.empty()) {
      nlohmann::json events = nlohmann::json::array();
      for (const auto& o : c.events) events.push_back(event_json(o));
      cj["events"] = std::move(events);
    }
    cases.push_back(std::move(cj));
  }
  j["summary"] = summary;
  if (!run.baseline_file.empty()) {
    j["baseline"] = {{"file", run.baseline_file},
                     {"accepted", run.baseline_accepted},
                     {"new_failures", run.baseline_new_failures},
                     {"now_passing", run.baseline_now_passing}};
  }
  j["cases"] = std::move(cases);
  if (!run.requirements.empty()) j["requirements"] = requirements_json(run);
  if (!run.stopped_because.empty()) j["stopped"] = run.stopped_because;
  if (run.incomplete) j["incomplete"] = true;
  if (run.limits.known()) {
    const run_limits& l = run.limits;
    j["limits"] = {
        {"head_bytes", l.head_bytes},
        {"frame_bytes", l.frame_bytes},
        {"message_bytes", l.message_bytes},
        {"case_timeout_ms", l.case_timeout_ms ? nlohmann::json(l.case_timeout_ms) : nullptr},
        {"default_case_timeout_ms", l.default_case_timeout_ms},
        {"total_timeout_ms", l.total_timeout_ms ? nlohmann::json(l.total_timeout_ms) : nullptr},
    };
  }
  return j;
}

nlohmann::json to_autobahn_json(const run_summary& run, const std::string& agent) {
  nlohmann::json byid = nlohmann::json::object();
  for (const auto& c : run.cases) {
    if (!c.autobahn) continue;
    byid[*c.autobahn] = {
        {"behavior", autobahn_behavior(c.data)},
        {"behaviorClose", c.closing == verdict::pass ? "OK" : autobahn_behavior(c.closing)},
        {"duration", static_cast<long long>(c.duration_ms)},
        {"remoteCloseCode", c.remote_close_code ? nlohmann::json(*c.remote_close_code) : nullptr},
    };
  }
  return {{agent, byid}};
}

}  // namespace wsspec
