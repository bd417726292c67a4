#include "serve_cases/case_server.hpp"

#include "wsspec/reports/results_json.hpp"

#include <nlohmann/json.hpp>

#include "serve_cases/agent_name.hpp"
#include "serve_cases/endpoint.hpp"
#include "serve_cases/short_session.hpp"
#include "wsspec/codec/handshake.hpp"

namespace wsspec::serve_cases {

namespace {

// Time for a short exchange (101, one message, closing handshake) once the head is in.
constexpr auto short_exchange = std::chrono::seconds(5);
// How long updateReports waits for runCase connections still being recorded (a case ends
// within its own bound; this only covers a result still on its way to the store).
constexpr auto report_wait = std::chrono::seconds(30);
// RFC 6455 7.4.1: 1000 normal closure; 1008 a request that breaks the protocol's rules (here:
// the URL protocol's parameters).
constexpr std::uint16_t close_normal = 1000;
constexpr std::uint16_t close_policy = 1008;

std::string json_string(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string case_server::public_id(const test_case& c) { return c.autobahn ? *c.autobahn : c.id; }

case_server::case_server(const std::vector<test_case>& cases, run_options run, result_store& store,
                         case_server_hooks hooks)
    : cases_(cases), run_(std::move(run)), store_(store), hooks_(std::move(hooks)) {}

void case_server::serve(std::unique_ptr<connection> conn, const codec::http_request& request,
                        std::string read) const {
  const endpoint_request e = parse_endpoint(request.target, cases_);
  auto deadline = clock::now() + short_exchange;
  if (e.kind == endpoint_kind::unknown) {
    refuse(*conn, 404,
           "wsspec serve-cases: no endpoint " + e.path.substr(0, 200) +
               "; the endpoints are /getCaseCount, /getCaseInfo, /getCaseStatus, /runCase and "
               "/updateReports (docs/serve-cases.md)",
           {}, deadline);
    return;
  }
  // A runCase with good parameters goes to the case runner, which judges the request itself (the
  // client's opening handshake is part of what is tested).
  if (e.kind == endpoint_kind::run_case && e.problem.empty()) {
    const std::string agent = safe_agent_name(*e.agent);
    const std::size_t index = *e.index;
    store_.begin(agent, index);
    case_result r = run_case_for_client(cases_[index], run_, std::move(conn), std::move(read));
    store_.record(agent, index, r);
    if (hooks_.case_finished) hooks_.case_finished(agent, index, r);
    return;
  }
  const codec::request_validation v = codec::validate_request(request);
  if (!v.ok()) {
    refuse(*conn, v.status, std::string(v.message) + " (RFC 6455 " + std::string(v.section) + ")",
           codec::error_response_fields(v.error), deadline);
    return;
  }
  if (!accept_upgrade(*conn, v.key, deadline)) return;
  if (!e.problem.empty()) {
    close_session(*conn, close_policy, e.problem, deadline);
    return;
  }
  switch (e.kind) {
    case endpoint_kind::case_count:
      send_text(*conn, std::to_string(cases_.size()), deadline);
      break;
    case endpoint_kind::case_info: {
      const test_case& c = cases_[*e.index];
      send_text(*conn,
                "{\"id\": " + json_string(public_id(c)) +
                    ", \"description\": " + json_string(c.title) + "}",
                deadline);
      break;
    }
    case endpoint_kind::case_status: {
      // A runCase of this case still in progress is waited for (Autobahn waits too): a driver
      // asks right after its runCase connection closed, maybe before the result is recorded.
      const test_case& c = cases_[*e.index];
      const auto result = store_.wait_verdict(safe_agent_name(*e.agent), *e.index,
                                              clock::now() + total_bound(c, run_) + short_exchange);
      deadline = clock::now() + short_exchange;
      const std::string word = result ? std::string(autobahn_behavior(*result)) : "NOT RUN";
      send_text(*conn, "{\"behavior\": \"" + word + "\"}", deadline);
      break;
    }
    case endpoint_kind::update_reports: {
      const std::optional<std::string> agent =
          e.agent && !e.agent->empty() ? std::optional<std::string>(safe_agent_name(*e.agent))
                                       : std::nullopt;
      // The driver's last runCase may still be being recorded (its connection closes first).
      store_.wait_idle(agent, clock::now() + report_wait);
      if (hooks_.reports_requested) hooks_.reports_requested(agent);
      deadline = clock::now() + short_exchange;
      break;
    }
    case endpoint_kind::run_case:
    case endpoint_kind::unknown:
      break;
  }
  close_session(*conn, close_normal, {}, deadline);
}

}  // namespace wsspec::serve_cases
