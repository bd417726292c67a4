// The end_sending step (wsspec's FIN with no close frame, cases/README.md): it loads, the case
// writer writes it back as it was, and the loader refuses it where nothing could run after it
// (a send after the FIN, a second FIN, a closing handshake at the end, a repeated case).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cases/case_loader.hpp"
#include "cases/case_writer.hpp"

namespace wsspec {
namespace {

using ojson = nlohmann::ordered_json;

// A client case: an echo, the FIN, then the client must close its end.
ojson fin_case() {
  return ojson::parse(R"({
    "id": "client/x",
    "title": "A title",
    "rfc": ["7.2.1"],
    "why": "Because.",
    "peer": "client",
    "close_at_end": false,
    "steps": [
      {"send_message": {"payload": "hi"}},
      {"expect": [{"message": {"payload": "echo"}}]},
      {"end_sending": {}},
      {"timeout_ms": 2000, "expect": [{"any": {}}, {"drop": {}}]}
    ]
  })");
}

struct loaded {
  bool ok = false;
  std::vector<test_case> cases;
  case_error error;
};

loaded load(const ojson& doc) {
  loaded r;
  r.ok = load_case_text("client/x.json", "client", doc.dump(), r.cases, r.error);
  return r;
}

// The pointer is exact and the reason contains `part`.
void expect_refused(const ojson& doc, const std::string& pointer, const std::string& part) {
  const loaded r = load(doc);
  ASSERT_FALSE(r.ok) << "accepted: " << doc.dump();
  EXPECT_EQ(r.error.pointer, pointer) << r.error.to_string();
  EXPECT_NE(r.error.reason.find(part), std::string::npos) << r.error.to_string();
}

TEST(EndSendingStep, Loads) {
  const loaded r = load(fin_case());
  ASSERT_TRUE(r.ok) << r.error.to_string();
  ASSERT_EQ(r.cases.size(), 1u);
  const test_case& c = r.cases[0];
  ASSERT_EQ(c.steps.size(), 4u);
  EXPECT_TRUE(std::holds_alternative<end_sending>(c.steps[2]));
  EXPECT_FALSE(c.close_at_end);
  EXPECT_EQ(peer_of(c), case_peer::client);
}

TEST(EndSendingStep, RoundTripsThroughTheWriter) {
  const loaded r = load(fin_case());
  ASSERT_TRUE(r.ok) << r.error.to_string();
  const std::string text = case_to_text(r.cases[0]);
  EXPECT_NE(text.find("\"end_sending\": {}"), std::string::npos) << text;
  std::vector<test_case> back;
  case_error e;
  ASSERT_TRUE(load_case_text("client/x.json", "client", text, back, e)) << e.to_string();
  ASSERT_EQ(back.size(), 1u);
  EXPECT_TRUE(back[0] == r.cases[0]) << text;
}

TEST(EndSendingStep, TakesNoParameters) {
  ojson doc = fin_case();
  doc["steps"][2]["end_sending"] = {{"code", 1000}};
  expect_refused(doc, "/steps/2/end_sending/code", "unknown key \"code\" in end_sending");
  doc["steps"][2]["end_sending"] = true;
  expect_refused(doc, "/steps/2/end_sending", "end_sending must be an object");
}

// After the FIN nothing can be sent: each kind of send, and a second FIN, is refused at its
// own place, naming the FIN.
TEST(EndSendingStep, NothingIsSentAfterIt) {
  const std::vector<ojson> sends = {
      ojson::parse(R"({"send_frame": {"opcode": "ping"}})"),
      ojson::parse(R"({"send_message": {"payload": "late"}})"),
      ojson::parse(R"({"send_raw": {"hex": "88 00"}})"),
      ojson::parse(R"({"end_sending": {}})"),
  };
  for (const ojson& send : sends) {
    ojson doc = fin_case();
    doc["steps"].push_back(send);
    const std::string action = send.begin().key();
    expect_refused(doc, "/steps/4/" + action, "after the end_sending step at /steps/2/end_sending");
  }
  // Expect steps may follow, as many as needed.
  ojson doc = fin_case();
  doc["steps"].push_back(ojson::parse(R"({"expect": [{"silence": {}}]})"));
  EXPECT_TRUE(load(doc).ok) << load(doc).error.to_string();
}

// wsspec cannot close the connection with a close frame after its FIN.
TEST(EndSendingStep, NeedsCloseAtEndFalse) {
  ojson doc = fin_case();
  doc["close_at_end"] = true;
  expect_refused(doc, "/close_at_end", "needs \"close_at_end\": false");
  doc.erase("close_at_end");  // the default is true
  expect_refused(doc, "/steps/2/end_sending", "needs \"close_at_end\": false");
}

TEST(EndSendingStep, CannotRepeat) {
  ojson doc = fin_case();
  doc["repeat"] = 2;
  expect_refused(doc, "/repeat", "cannot repeat");
}

TEST(EndSendingStep, TheBuiltinCaseUsesIt) {
  std::vector<test_case> all;
  case_error e;
  ASSERT_TRUE(load_builtin_cases(all, e)) << e.to_string();
  const auto it = std::find_if(all.begin(), all.end(),
                               [](const test_case& c) { return c.id == "client/transport-lost"; });
  ASSERT_NE(it, all.end());
  EXPECT_EQ(peer_of(*it), case_peer::client);
  EXPECT_FALSE(it->close_at_end);
  EXPECT_EQ(std::count_if(it->steps.begin(), it->steps.end(),
                          [](const step& s) { return std::holds_alternative<end_sending>(s); }),
            1);
}

}  // namespace
}  // namespace wsspec
