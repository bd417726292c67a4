// Repetition (`count`, `repeat`) and `silence`: parsed from case files and run by the
// interpreter against the reference echo server in-process.
#include <gtest/gtest.h>

#include <thread>

#include "cases/case_loader.hpp"
#include "run/data_set.hpp"
#include "run/interpreter.hpp"
#include "serve/echo_server.hpp"

namespace wsspec {
namespace {

test_case load_one(std::string_view text) {
  std::vector<test_case> out;
  case_error err;
  EXPECT_TRUE(load_case_text("t.json", "limits", text, out, err)) << err.to_string();
  return out.empty() ? test_case{} : out.front();
}

std::string load_error(std::string_view text) {
  std::vector<test_case> out;
  case_error err;
  EXPECT_FALSE(load_case_text("t.json", "limits", text, out, err));
  return err.to_string();
}

TEST(CaseSteps, CountsAndRepeatAreParsed) {
  const test_case c = load_one(R"({"id": "limits/x", "title": "t", "rfc": ["5.5.2"], "why": "w",
    "repeat": 3,
    "steps": [
      {"send_frame": {"opcode": "ping", "payload": "p", "count": 10}},
      {"send_message": {"opcode": "text", "payload": "m", "count": 2}},
      {"expect": [{"count": 10, "event": {"pong": {"payload": "echo"}}},
                  {"message": {"payload": "echo"}}, {"silence": {}}]}]})");
  EXPECT_EQ(c.repeat, 3u);
  ASSERT_EQ(c.steps.size(), 3u);
  EXPECT_EQ(std::get<send_frame>(c.steps[0]).count, 10u);
  EXPECT_EQ(std::get<send_message>(c.steps[1]).count, 2u);
  const auto& events = std::get<expect_step>(c.steps[2]).alternatives.at(0).events;
  ASSERT_EQ(events.size(), 12u);
  EXPECT_EQ(events[9].what, expect_event::kind::pong);
  EXPECT_EQ(events[10].what, expect_event::kind::message);
  EXPECT_EQ(events[11].what, expect_event::kind::silence);
}

TEST(CaseSteps, SilenceOnlyLast) {
  const std::string e = load_error(R"({"id": "limits/x", "title": "t", "rfc": ["5"], "why": "w",
    "steps": [{"expect": [{"silence": {}}, {"drop": {}}]}]})");
  EXPECT_NE(e.find("/steps/0/expect"), std::string::npos) << e;
  EXPECT_NE(e.find("last event"), std::string::npos) << e;
}

TEST(CaseSteps, CountOutOfRange) {
  const std::string e = load_error(R"({"id": "limits/x", "title": "t", "rfc": ["5"], "why": "w",
    "steps": [{"send_frame": {"count": 0}}]})");
  EXPECT_NE(e.find("/steps/0/send_frame/count"), std::string::npos) << e;
}

class CaseStepsRun : public ::testing::Test {
 protected:
  void SetUp() override {
    echo_server_options o;
    o.port = 0;
    server_ = std::make_unique<echo_server>(o);
    thread_ = std::thread([this] { server_->run(); });
    std::string error;
    options_.url = *parse_ws_url("ws://127.0.0.1:" + std::to_string(server_->port()) + "/", error);
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
  }
  std::unique_ptr<echo_server> server_;
  std::thread thread_;
  run_options options_;
};

TEST_F(CaseStepsRun, TenPingsTenPongsAndRoundTrips) {
  const test_case c = load_one(R"({"id": "limits/x", "title": "t", "rfc": ["5.5.2"], "why": "w",
    "repeat": 50,
    "steps": [
      {"send_frame": {"opcode": "ping", "payload": "p", "count": 10}},
      {"expect": [{"count": 10, "event": {"pong": {"payload": "echo"}}}]},
      {"send_message": {"opcode": "binary", "payload": {"random": 7, "size": 300}}},
      {"expect": [{"message": {"opcode": "binary", "payload": "echo"}}]}]})");
  const case_result r = run_case(c, options_);
  EXPECT_EQ(r.overall, verdict::pass) << r.reason << r.closing_reason;
}

TEST_F(CaseStepsRun, ElevenPongsExpectedForTenPingsTimesOut) {
  const test_case c = load_one(R"({"id": "limits/x", "title": "t", "rfc": ["5.5.2"], "why": "w",
    "timeout_ms": 500,
    "steps": [
      {"send_frame": {"opcode": "ping", "payload": "p", "count": 10}},
      {"expect": [{"count": 11, "event": {"pong": {"payload": "echo"}}}]}]})");
  const case_result r = run_case(c, options_);
  EXPECT_EQ(r.overall, verdict::fail);
  EXPECT_NE(r.reason.find("; nothing for 500 ms (time-out)"), std::string::npos) << r.reason;
}

TEST_F(CaseStepsRun, SilenceGradesALateReaction) {
  // The echo server answers at once, so "silence" is the alternative that does NOT match:
  // the fast failure is graded pass, and the steps after it are skipped.
  const test_case c = load_one(R"({"id": "limits/x", "title": "t", "rfc": ["8.1"], "why": "w",
    "close_at_end": false,
    "steps": [
      {"send_frame": {"opcode": "text", "fin": false, "payload": {"hex": "f4 90 80 80"}}},
      {"expect": {"one_of": [
        {"grade": "pass", "events": [{"fail": {"codes": [1007]}}]},
        {"grade": "non-strict", "events": [{"silence": {}}], "note": "late"}]}, "timeout_ms": 1000},
      {"send_frame": {"opcode": "continuation", "payload": "x"}},
      {"expect": [{"message": {"payload": "echo"}}]}]})");
  const case_result r = run_case(c, options_);
  EXPECT_EQ(r.overall, verdict::pass) << r.reason << r.closing_reason;
  EXPECT_EQ(r.remote_close_code, 1007);

  // A message that is valid so far draws no reaction: silence matches, graded non-strict.
  const test_case quiet = load_one(R"({"id": "limits/y", "title": "t", "rfc": ["8.1"], "why": "w",
    "steps": [
      {"send_frame": {"opcode": "text", "fin": false, "payload": "ok"}},
      {"expect": {"one_of": [
        {"grade": "pass", "events": [{"fail": {"codes": [1007]}}]},
        {"grade": "non-strict", "events": [{"silence": {}}], "note": "no reaction yet"}]},
       "timeout_ms": 200},
      {"send_frame": {"opcode": "continuation", "payload": "!"}},
      {"expect": [{"message": {"payload": "ok!"}}]}]})");
  const case_result q = run_case(quiet, options_);
  EXPECT_EQ(q.data, verdict::non_strict) << q.reason;
  EXPECT_EQ(q.reason, "no reaction yet");
  EXPECT_EQ(q.closing, verdict::pass) << q.closing_reason;
}

}  // namespace
}  // namespace wsspec

namespace wsspec {
namespace {

TEST(CaseSteps, ChopsMakeSplitVariants) {
  std::vector<test_case> out;
  case_error err;
  ASSERT_TRUE(load_case_text("t.json", "reserved", R"({"id": "reserved/x", "title": "T",
    "rfc": ["5.2"], "why": "w", "chops": [1, 3],
    "steps": [{"send_frame": {"rsv": 4, "payload": "abc"}},
              {"send_raw": {"hex": "8100", "chunk": 2}},
              {"expect": [{"fail": {"codes": [1002]}}]}]})",
                             out, err))
      << err.to_string();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].id, "reserved/x");
  EXPECT_EQ(std::get<send_frame>(out[0].steps[0]).shape.chunk, 0u);
  EXPECT_EQ(out[1].id, "reserved/x-in-1-byte-writes");
  EXPECT_EQ(out[1].title, "T (written 1 byte at a time)");
  EXPECT_EQ(std::get<send_frame>(out[1].steps[0]).shape.chunk, 1u);
  EXPECT_EQ(std::get<send_raw>(out[1].steps[1]).shape.chunk, 2u);  // its own chunk stays
  EXPECT_EQ(out[2].id, "reserved/x-in-3-byte-writes");
  EXPECT_EQ(std::get<send_frame>(out[2].steps[0]).shape.chunk, 3u);
  EXPECT_EQ(out[2].tags, (std::vector<std::string>{"chops"}));
  EXPECT_TRUE(out[0].chops.empty());
}

// A repeated case keeps its first two rounds and its last in the transcript, and one typed line
// for the routine rounds between; each round sends the next slice of a data set, compressed
// when permessage-deflate is agreed, and the case records what compression did each way.
TEST_F(CaseStepsRun, RepeatedDataSetRoundsAreSlicesAndTheMiddleRoundsOneLine) {
  const test_case c = load_one(R"({"id": "compression/x", "title": "t", "rfc": ["5.6"],
    "why": "w", "repeat": 10, "deflate": "permessage-deflate",
    "steps": [
      {"send_message": {"opcode": "text", "payload": {"data_set": "json", "size": 200},
                        "compressed": true}},
      {"expect": [{"message": {"opcode": "text", "payload": "echo"}}]}]})");
  const case_result r = run_case(c, options_);
  EXPECT_EQ(r.overall, verdict::pass) << r.reason << r.closing_reason;
  std::vector<std::string> sent_previews;
  std::size_t omitted = 0, omitted_count = 0;
  for (const auto& o : r.events) {
    if (o.what == observation::kind::sent_message) sent_previews.push_back(o.preview);
    if (o.what == observation::kind::rounds_omitted) {
      ++omitted;
      omitted_count = o.count;
    }
  }
  EXPECT_EQ(omitted, 1u);
  EXPECT_EQ(omitted_count, 7u);
  ASSERT_EQ(sent_previews.size(), 3u);  // rounds 0, 1 and 9
  const std::string_view json = data_set_bytes(data_set::json);
  EXPECT_EQ(sent_previews[0], json.substr(0, sent_previews[0].size()));
  EXPECT_EQ(sent_previews[1], json.substr(200, sent_previews[1].size()));
  EXPECT_EQ(sent_previews[2], json.substr(1800, sent_previews[2].size()));
  ASSERT_TRUE(r.compression.has_value());
  EXPECT_EQ(r.compression->sent_bytes, 2000u);
  EXPECT_EQ(r.compression->received_bytes, 2000u);
  EXPECT_GT(r.compression->sent_compressed, 0u);
  EXPECT_LT(r.compression->sent_compressed, 2000u);
  EXPECT_GT(r.compression->received_compressed, 0u);
}

}  // namespace
}  // namespace wsspec
