// case_writer: what it writes, the loader reads back as the same case, for the whole
// built-in catalogue and for the forms the catalogue does not use.
#include "cases/case_writer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cases/case_loader.hpp"

namespace wsspec {
namespace {

test_case reload(const test_case& c) {
  const std::string text = case_to_text(c);
  std::vector<test_case> out;
  case_error err;
  EXPECT_TRUE(load_case_text("written.json", c.area, text, out, err)) << err.to_string() << "\n"
                                                                      << text;
  if (out.empty()) return {};
  test_case back = out.front();
  back.source = c.source;
  // The loader turns "chops" into variants and clears it on the base case.
  back.chops = c.chops;
  return back;
}

TEST(CaseWriter, EveryBuiltinCaseRoundTrips) {
  std::vector<test_case> all;
  case_error err;
  ASSERT_TRUE(load_builtin_cases(all, err)) << err.to_string();
  ASSERT_GT(all.size(), 500u);
  std::size_t checked = 0;
  for (const auto& c : all) {
    const test_case back = reload(c);
    EXPECT_TRUE(back == c) << c.id << " changed in the round trip:\n" << case_to_text(c);
    ++checked;
  }
  EXPECT_EQ(checked, all.size());
}

TEST(CaseWriter, WritesEveryFieldTheCatalogueDoesNotUse) {
  test_case c;
  c.id = "fuzz/crash-s1-i7";
  c.area = "findings";
  c.title = "Text with ${braces} and $${dollars}";
  c.rfc = {"5.2", "RFC 7692 7.2.1"};
  c.why = "because";
  c.check_alive = true;
  c.close_at_end = false;
  c.timeout_ms = 9000;
  handshake_spec h;
  h.method = "POST";
  h.target = "/x?y=${z}";
  h.version = "HTTP/1.0";
  h.add = {{"X-Bin", std::string("\xff\x00\r\n", 4)}};
  h.remove = {"Origin"};
  h.set = {{"Sec-WebSocket-Version", "8"}};
  h.trailing = std::string("\x81\x00", 2);
  c.steps.push_back(h);
  send_frame f;
  f.opcode = 11;
  f.fin = false;
  f.rsv = 5;
  f.key = std::array<std::uint8_t, 4>{0, 0x12, 0xab, 0xff};
  f.form = send_frame::length_form::bits64;
  f.length = 0x7FFFFFFFFFFFFFFF;
  f.payload.bytes = std::string("\xce\xba\xe1\xbd\xb9\xed\xa0\x80", 8);
  f.shape = {3, 7};
  f.count = 4;
  c.steps.push_back(f);
  send_frame unmasked;
  unmasked.masked = false;
  unmasked.payload = {payload_spec::kind::repeat, {}, std::string("\xfe\xff", 2), 300, 0};
  c.steps.push_back(unmasked);
  send_message m;
  m.opcode = 2;
  m.payload = {payload_spec::kind::random, {}, "*", 1000, 42};
  m.fragment_size = 7;
  c.steps.push_back(m);
  send_raw r;
  r.bytes = std::string("\x88\x80\x00\x00\x00\x00", 6);
  c.steps.push_back(r);
  expect_step x;
  x.timeout_ms = 500;
  expect_event any;
  any.what = expect_event::kind::any;
  expect_event pong;
  pong.what = expect_event::kind::pong;
  pong.payload = payload_spec{.bytes = "echo"};  // the literal bytes, not "what was sent"
  expect_event fail;
  fail.what = expect_event::kind::fail;
  fail.codes = {1002, 1007};
  expect_event hs;
  hs.what = expect_event::kind::handshake;
  hs.statuses = {400, 426};
  hs.headers = {{"Sec-WebSocket-Version", "13"}, {"Sec-WebSocket-Protocol", ""}};
  x.alternatives.push_back({verdict::pass, {hs, any, pong}, ""});
  x.alternatives.push_back({verdict::non_strict, {fail}, "a note"});
  x.alternatives.push_back({verdict::info, {any}, ""});
  c.steps.push_back(x);

  const test_case back = reload(c);
  EXPECT_TRUE(back == c) << case_to_text(c);
  const auto j = nlohmann::json::parse(case_to_text(c));
  EXPECT_EQ(j["title"], "Text with $${braces} and $$${dollars}");
  EXPECT_EQ(j["steps"][1]["send_frame"]["payload"]["hex"], "ce ba e1 bd b9 ed a0 80");
  EXPECT_EQ(j["steps"][1]["send_frame"]["mask"], "0012abff");
  EXPECT_EQ(j["steps"][1]["send_frame"]["opcode"], 11);
  EXPECT_EQ(j["steps"][5]["expect"]["one_of"][0]["events"][2]["pong"]["payload"]["text"], "echo");
  EXPECT_EQ(j["check_alive"], true);
}

TEST(CaseWriter, ShortFormForAPlainExpectation) {
  test_case c;
  c.id = "a/b";
  c.area = "a";
  c.title = "t";
  c.rfc = {"5.6"};
  c.why = "w";
  send_message m;
  m.payload.bytes = "Hello";
  c.steps.push_back(m);
  expect_event e;
  e.what = expect_event::kind::message;
  e.opcode = 1;
  e.echo = true;
  expect_step x;
  x.alternatives.push_back({verdict::pass, {e}, ""});
  c.steps.push_back(x);
  EXPECT_EQ(case_to_text(c), R"({
  "id": "a/b",
  "title": "t",
  "rfc": [
    "5.6"
  ],
  "why": "w",
  "steps": [
    {
      "send_message": {
        "opcode": "text",
        "payload": "Hello"
      }
    },
    {
      "expect": [
        {
          "message": {
            "opcode": "text",
            "payload": "echo"
          }
        }
      ]
    }
  ]
}
)");
}

TEST(CaseWriter, RefusesWhatTheFormatCannotHold) {
  test_case c;
  c.id = "a/b";
  c.title = "t";
  c.rfc = {"4.1"};
  c.why = "w";
  handshake_spec h;
  h.raw = std::string("GET / HTTP/1.1\r\nX: \xff\r\n\r\n");
  c.steps.push_back(h);
  EXPECT_THROW(case_to_text(c), std::invalid_argument);
}

}  // namespace
}  // namespace wsspec
