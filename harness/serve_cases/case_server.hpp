// Routes each connection of `wsspec serve-cases` by its URL (endpoint.hpp) and answers it:
// the short endpoints here (short_session.hpp), /runCase by handing the connection to the
// role-flipped case runner (run_case_for_client) and recording the result (result_store.hpp).
// What to do when a case finishes or reports are asked for is the caller's (hooks).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "run/interpreter.hpp"
#include "serve_cases/result_store.hpp"
#include "wsspec/codec/http.hpp"

namespace wsspec::serve_cases {

struct case_server_hooks {
  // After a case's result is recorded (any thread).
  std::function<void(const std::string& agent, std::size_t index, const case_result& r)>
      case_finished;
  // /updateReports, before the close frame is sent: so the reports exist when the client sees
  // its connection close. nullopt: every agent (Autobahn's /updateReports without agent).
  std::function<void(const std::optional<std::string>& agent)> reports_requested;
};

class case_server {
 public:
  // `cases` (the selection, numbered from 1 in this order) and `store` must outlive the server.
  case_server(const std::vector<test_case>& cases, run_options run, result_store& store,
              case_server_hooks hooks);

  // Serves one connection to its end (the listener's request_handler).
  void serve(std::unique_ptr<connection> conn, const codec::http_request& request,
             std::string read) const;

  // The id getCaseInfo names: the Autobahn id where the case has one, else wsspec's.
  static std::string public_id(const test_case& c);

 private:
  const std::vector<test_case>& cases_;
  run_options run_;
  result_store& store_;
  case_server_hooks hooks_;
};

}  // namespace wsspec::serve_cases
