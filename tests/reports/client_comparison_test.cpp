// Runs of clients under test (wsspec serve-cases) side by side: every client meets the same
// listening URL, so a run is told apart by its agent, in results.json and on the comparison
// page.
#include <gtest/gtest.h>

#include <string>

#include "wsspec/reports/comparison.hpp"
#include "wsspec/reports/comparison_html.hpp"
#include "wsspec/reports/results_json.hpp"
#include "wsspec/reports/results_reader.hpp"

namespace wsspec {
namespace {

run_summary client_run(const std::string& agent, verdict v) {
  run_summary s;
  s.tool_version = "0.1.0";
  s.target_url = "ws://127.0.0.1:9001/";
  s.target_agent = agent;
  case_result c;
  c.id = "framing/text-length-0";
  c.area = "framing";
  c.data = c.closing = c.overall = v;
  s.cases.push_back(c);
  return s;
}

TEST(ClientRuns, TheAgentRoundTripsThroughResultsJson) {
  const auto j = to_json(client_run("chromium", verdict::pass));
  EXPECT_EQ(j["target"]["agent"], "chromium");
  EXPECT_EQ(j["target"]["role"], "client");
  run_summary back;
  results_error err;
  ASSERT_TRUE(parse_results_json(j.dump(), back, err)) << err.to_string();
  EXPECT_EQ(back.target_agent, "chromium");
  // A server run says nothing of agents.
  run_summary server = client_run("", verdict::pass);
  EXPECT_FALSE(to_json(server)["target"].contains("agent"));
}

TEST(ClientRuns, TheComparisonNamesEachClient) {
  const comparison c =
      compare_runs({{"ws/results.json", client_run("ws", verdict::pass)},
                    {"chromium/results.json", client_run("chromium", verdict::fail)}});
  const std::string html = render_comparison_html(c, "0.1.0");
  EXPECT_NE(html.find("#2: client chromium"), std::string::npos);
  EXPECT_NE(html.find("#1: client ws"), std::string::npos);
  EXPECT_NE(html.find("Client (agent)"), std::string::npos);
}

}  // namespace
}  // namespace wsspec
