// The requirement map seen from the client side (wsspec serve-cases): every MUST/SHOULD that
// binds clients or both sides is named by a case that runs against clients, or the map says
// why no wire shows it, or it is listed below as not covered yet, each with the reason. And
// the per-role cut of a selection (keep_cases_for): wsspec run takes no client case, and each
// run's coverage counts only the requirements of its peer.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cases/case_loader.hpp"
#include "cases/requirement_map.hpp"
#include "run/interpreter.hpp"
#include "run/selection.hpp"

namespace wsspec {
namespace {

requirement_map builtin_map() {
  requirement_map m;
  case_error e;
  EXPECT_TRUE(load_builtin_requirements(m, e)) << e.to_string();
  return m;
}

std::vector<test_case> builtin_cases() {
  std::vector<test_case> c;
  case_error e;
  EXPECT_TRUE(load_builtin_cases(c, e)) << e.to_string();
  return c;
}

// Client requirements no built-in case checks yet, and why: each is a case still to write (or
// a reason to add to the map). The test fails when one gets covered, so the list stays true.
const std::map<std::string, std::string>& not_yet_covered() {
  static const std::map<std::string, std::string> m = {
  };
  return m;
}

TEST(ClientRequirements, EveryClientMustAndShouldIsCoveredOrExplained) {
  requirement_map map = builtin_map();
  std::vector<test_case> cases = builtin_cases();
  std::string error;
  ASSERT_TRUE(keep_cases_for(case_peer::client, cases, map, error)) << error;
  for (const auto& c : cases) EXPECT_TRUE(applies_to_clients(c)) << c.id;
  const auto naming = cases_by_requirement(map, cases);
  std::size_t covered = 0;
  std::set<std::string> open;
  for (std::size_t i = 0; i < map.requirements.size(); ++i) {
    const requirement& r = map.requirements[i];
    ASSERT_NE(r.binds, req_binds::server) << r.id;
    if (r.keyword == req_keyword::may) continue;
    if (!naming[i].empty()) {
      ++covered;
      EXPECT_FALSE(not_yet_covered().contains(r.id))
          << r.id << " is covered now by " << cases[naming[i][0]].id
          << ": take it off not_yet_covered()";
    } else if (r.untestable.empty()) {
      open.insert(r.id);
    }
  }
  for (const auto& id : open)
    EXPECT_TRUE(not_yet_covered().contains(id))
        << id << " binds clients and no client case names it: write one, or explain why not";
  for (const auto& [id, why] : not_yet_covered())
    EXPECT_TRUE(open.contains(id)) << id << " is not an open client requirement (" << why << ")";
  EXPECT_GE(covered, 40u);
}

// Every client MUST of RFC 6455 4.1 on the server's response, and 5.1/5.3 masking, has a case
// written for clients (not only a server case flipped).
TEST(ClientRequirements, TheOpeningHandshakeAndMaskingHaveClientCases) {
  requirement_map map = builtin_map();
  std::vector<test_case> cases = builtin_cases();
  std::string error;
  ASSERT_TRUE(keep_cases_for(case_peer::client, cases, map, error)) << error;
  const auto naming = cases_by_requirement(map, cases);
  for (const char* id :
       {"6455-4.1-client-valid-request", "6455-4.1-client-fails-on-bad-response",
        "6455-4.1-client-fails-on-unrequested-extension-or-subprotocol",
        "6455-4.1-client-no-connection-without-101", "6455-5.1-client-masks",
        "6455-5.1-client-fails-on-masked-frame", "6455-5.3-fresh-mask-key",
        "6455-5.5.1-client-waits-for-server-close", "6455-7.1.1-client-waits-for-tcp-close"}) {
    const auto it = map.index.find(id);
    ASSERT_NE(it, map.index.end()) << id;
    EXPECT_FALSE(naming[it->second].empty()) << id;
  }
}

// wsspec run tests servers: no case it selects tests only clients, and its map and the cases'
// ids hold no client requirement.
TEST(ClientRequirements, AServerRunTakesNoClientCase) {
  requirement_map map = builtin_map();
  std::vector<test_case> cases = builtin_cases(), selected;
  std::string error;
  ASSERT_TRUE(select_cases(cases, {}, {}, selected, error)) << error;
  const std::size_t before = selected.size();
  ASSERT_TRUE(keep_cases_for(case_peer::server, selected, map, error)) << error;
  EXPECT_LT(selected.size(), before);
  for (const auto& c : selected) {
    EXPECT_NE(peer_of(c), case_peer::client) << c.id;
    for (const auto& id : c.requirements) {
      const requirement* r = map.find(id);
      ASSERT_NE(r, nullptr) << c.id << ": " << id;
      EXPECT_NE(r->binds, req_binds::client) << c.id << ": " << id;
    }
  }
  for (const auto& r : map.requirements) EXPECT_NE(r.binds, req_binds::client) << r.id;
  // framing/unmasked-text names both peers' rules; each run keeps its own.
  const auto it = std::find_if(selected.begin(), selected.end(),
                               [](const test_case& c) { return c.id == "framing/unmasked-text"; });
  ASSERT_NE(it, selected.end());
  EXPECT_NE(std::find(it->requirements.begin(), it->requirements.end(),
                      "6455-5.1-server-fails-on-unmasked-frame"),
            it->requirements.end());
  // Only client cases selected: a server run has nothing to do.
  std::vector<test_case> only_client;
  ASSERT_TRUE(select_cases(cases, {"client/*"}, {}, only_client, error)) << error;
  requirement_map m2 = builtin_map();
  EXPECT_FALSE(keep_cases_for(case_peer::server, only_client, m2, error));
  EXPECT_EQ(error, "the selected cases all test clients (run them with `wsspec serve-cases`)");
}

TEST(ClientRequirements, AClientRunKeepsTheClientIdsOfAFlippedCase) {
  requirement_map map = builtin_map();
  std::vector<test_case> cases = builtin_cases();
  std::string error;
  ASSERT_TRUE(keep_cases_for(case_peer::client, cases, map, error)) << error;
  const auto it = std::find_if(cases.begin(), cases.end(),
                               [](const test_case& c) { return c.id == "framing/unmasked-text"; });
  ASSERT_NE(it, cases.end());
  EXPECT_EQ(it->requirements, (std::vector<std::string>{"6455-5.1-client-fails-on-masked-frame",
                                                        "6455-10.7-close-frame-on-invalid-data"}));
  EXPECT_FALSE(std::any_of(cases.begin(), cases.end(),
                           [](const test_case& c) { return c.id.starts_with("handshake/"); }));
}

}  // namespace
}  // namespace wsspec
