// The case-file keys for client cases: "peer" and the "respond" step (cases/README.md), loaded,
// rejected with a pointer and a reason where they contradict the steps, and written back.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cases/case_loader.hpp"
#include "cases/case_writer.hpp"

namespace wsspec {
namespace {

std::string with(const std::string& extra, const std::string& steps) {
  return R"({"id": "client/x", "title": "t", "rfc": ["4.1"], "why": "w")" + extra +
         R"(, "steps": )" + steps + "}";
}

const std::string probe = R"({"send_message": {"payload": "p"}})";

test_case loads(const std::string& text) {
  std::vector<test_case> out;
  case_error e;
  EXPECT_TRUE(load_case_text("x.json", "client", text, out, e)) << e.to_string();
  return out.empty() ? test_case{} : out.front();
}

case_error fails(const std::string& text) {
  std::vector<test_case> out;
  case_error e;
  EXPECT_FALSE(load_case_text("x.json", "client", text, out, e)) << text;
  return e;
}

TEST(ClientCaseFormat, RespondStepLoadsAndMakesAClientCase) {
  const test_case c =
      loads(with("", R"([{"respond": {"status": 200, "reason": "Fine", "remove": ["Upgrade"],
                "set": [["Sec-WebSocket-Accept", "x"]], "add": [["Content-Length", "0"]]}}, )" +
                         probe + "]"));
  const auto& r = std::get<respond_spec>(c.steps.at(0));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.reason, "Fine");
  EXPECT_EQ(r.remove, (std::vector<std::string>{"Upgrade"}));
  EXPECT_EQ(r.set.at(0), (std::pair<std::string, std::string>{"Sec-WebSocket-Accept", "x"}));
  EXPECT_EQ(r.add.at(0), (std::pair<std::string, std::string>{"Content-Length", "0"}));
  EXPECT_FALSE(c.peer);
  EXPECT_EQ(peer_of(c), case_peer::client);
}

TEST(ClientCaseFormat, PeerDefaultsFollowTheSteps) {
  EXPECT_EQ(peer_of(loads(with("", "[" + probe + "]"))), case_peer::both);
  EXPECT_EQ(peer_of(loads(with("", R"([{"handshake": {}}])"))), case_peer::server);
  EXPECT_EQ(peer_of(loads(with(R"(, "check_alive": true)", "[" + probe + "]"))), case_peer::server);
  EXPECT_EQ(peer_of(loads(with(R"(, "peer": "client")", "[" + probe + "]"))), case_peer::client);
  EXPECT_EQ(peer_of(loads(with(R"(, "peer": "server")", "[" + probe + "]"))), case_peer::server);
}

TEST(ClientCaseFormat, ContradictionsAreRejected) {
  auto e = fails(with("", "[" + probe + R"(, {"respond": {}}])"));
  EXPECT_EQ(e.pointer, "/steps/1/respond");
  EXPECT_EQ(e.reason,
            "a respond step must be the first step (without one, a client under test gets the "
            "default 101; send other bytes with send_raw)");
  e = fails(with(R"(, "peer": "server")", R"([{"respond": {}}])"));
  EXPECT_EQ(e.pointer, "/peer");
  EXPECT_EQ(e.reason,
            "a case with a respond step (a response to a client) tests clients: peer \"client\"");
  e = fails(with(R"(, "peer": "client")", R"([{"handshake": {}}])"));
  EXPECT_EQ(e.pointer, "/peer");
  e = fails(with(R"(, "peer": "both", "check_alive": true)", "[" + probe + "]"));
  EXPECT_EQ(e.pointer, "/peer");
  e = fails(with(R"(, "peer": "clients")", "[" + probe + "]"));
  EXPECT_EQ(e.pointer, "/peer");
  EXPECT_NE(e.reason.find("did you mean \"client\""), std::string::npos) << e.reason;
  e = fails(with("", R"([{"respond": {"raw": "HTTP/1.1 101 x\r\n\r\n", "status": 101}}])"));
  EXPECT_EQ(e.pointer, "/steps/0/respond/raw");
  e = fails(with("", R"([{"respond": {"status": 99}}])"));
  EXPECT_EQ(e.pointer, "/steps/0/respond/status");
  e = fails(with("", R"([{"respond": {"reason": "a\r\nX: y"}}])"));
  EXPECT_EQ(e.pointer, "/steps/0/respond/reason");
}

TEST(ClientCaseFormat, RespondAndPeerAreWrittenBack) {
  const test_case c =
      loads(with(R"(, "peer": "client")",
                 R"([{"respond": {"status": 302, "remove": ["Connection"]}}, )" + probe + "]"));
  const std::string text = case_to_text(c);
  EXPECT_NE(text.find("\"peer\": \"client\""), std::string::npos) << text;
  std::vector<test_case> back;
  case_error e;
  ASSERT_TRUE(load_case_text("w.json", "client", text, back, e)) << e.to_string();
  ASSERT_EQ(back.size(), 1u);
  back[0].source = c.source;
  EXPECT_TRUE(back[0] == c) << text;
}

}  // namespace
}  // namespace wsspec
