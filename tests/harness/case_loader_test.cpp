// Case files to the case model: exact values for every step and event kind, matrix families,
// one test per kind of error (file, pointer and reason), the built-in cases, and a randomized
// robustness test that feeds thousands of broken files to the loader.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "cases/case_loader.hpp"

namespace wsspec {
namespace {

using ojson = nlohmann::ordered_json;

struct loaded {
  bool ok = false;
  std::vector<test_case> cases;
  case_error error;
};

loaded load(std::string_view text, std::string_view file = "framing/x.json",
            std::string_view area = "framing") {
  loaded r;
  r.ok = load_case_text(file, area, text, r.cases, r.error);
  return r;
}

// A small valid case to break in one place.
ojson base_case() {
  return ojson::parse(R"({
    "id": "framing/x",
    "title": "A title",
    "rfc": ["5.2"],
    "why": "Because.",
    "steps": [
      {"send_frame": {"opcode": "text", "payload": "Hello"}},
      {"expect": [{"message": {"opcode": "text", "payload": "echo"}}]}
    ]
  })");
}

// The pointer must be exact; the reason must contain `part`.
void expect_error_in(std::string_view text, std::string_view pointer, std::string_view part,
                     std::string_view file = "framing/x.json") {
  const loaded r = load(text, file);
  ASSERT_FALSE(r.ok) << "accepted: " << text;
  EXPECT_TRUE(r.cases.empty());
  EXPECT_EQ(r.error.file, file);
  EXPECT_EQ(r.error.pointer, pointer) << r.error.to_string();
  EXPECT_NE(r.error.reason.find(part), std::string::npos)
      << "reason \"" << r.error.reason << "\" lacks \"" << part << "\"";
}
void expect_error(const std::string& text, std::string_view pointer, std::string_view part) {
  expect_error_in(text, pointer, part);
}
void expect_error(const char* text, std::string_view pointer, std::string_view part) {
  expect_error_in(text, pointer, part);
}
void expect_error(const ojson& doc, std::string_view pointer, std::string_view part) {
  expect_error_in(doc.dump(), pointer, part);
}

// base_case() with one change.
ojson with(const std::function<void(ojson&)>& change) {
  ojson doc = base_case();
  change(doc);
  return doc;
}

template <typename T>
const T& step_as(const test_case& c, std::size_t i) {
  EXPECT_LT(i, c.steps.size());
  EXPECT_TRUE(std::holds_alternative<T>(c.steps.at(i))) << "step " << i;
  return std::get<T>(c.steps.at(i));
}

// ---- valid files ----------------------------------------------------------------------------

TEST(CaseLoader, EveryStepAndEventKindGivesExactModelValues) {
  const std::string text = R"({
    "$schema": "../schema.json",
    "id": "framing/everything",
    "title": "Every kind",
    "autobahn": "1.1.2",
    "rfc": ["5.2", "RFC 7692 7.2.1"],
    "why": "To check the loader.",
    "tags": ["length", "chops"],
    "timeout_ms": 7000,
    "close_at_end": false,
    "steps": [
      {"handshake": {"method": "POST", "target": "/chat?x=1", "version": "HTTP/1.0",
                     "add": [["X-One", "1"], ["X-Empty", ""]], "remove": ["Origin"],
                     "set": [["Sec-WebSocket-Version", "8"]], "trailing_hex": "81 00"}},
      {"send_frame": {"opcode": "ping", "fin": false, "rsv": 5, "mask": "0a0B0c0D",
                      "length_form": "64", "length": 9223372036854775807,
                      "payload": {"hex": "ce ba e1"}, "chunk": 3, "delay_ms": 10}},
      {"send_frame": {"opcode": 11, "mask": "none", "length_form": "16",
                      "payload": {"random": 18446744073709551615, "size": 1000}}},
      {"send_frame": {}},
      {"send_frame": {"opcode": "continuation", "payload": {"text": "t"}}},
      {"send_frame": {"opcode": "close", "payload": {"repeat": "ab", "size": 5}}},
      {"send_frame": {"opcode": "pong", "length": 0, "length_form": "minimal", "chunk": 0}},
      {"send_frame": {"opcode": "binary"}},
      {"send_message": {"opcode": "binary", "payload": {"repeat_hex": "ff00", "size": 7},
                        "fragment_size": 3, "chunk": 2, "delay_ms": 1}},
      {"send_message": {"payload": "h\u00e9"}},
      {"send_raw": {"hex": "81 05 48 65\n6c 6c 6f", "chunk": 1, "delay_ms": 5}},
      {"send_raw": {"text": "GET"}},
      {"expect": [{"message": {"opcode": "text", "payload": "echo"}},
                  {"pong": {"payload": "echo"}},
                  {"message": {"opcode": "binary", "payload": {"hex": "00"}}},
                  {"pong": {"payload": "x"}},
                  {"message": {"payload": {"text": "echo"}}},
                  {"pong": {}},
                  {"message": {}}]},
      {"timeout_ms": 250, "expect": {"one_of": [
        {"grade": "pass", "events": [{"close": {"codes": [1000, 4999]}}], "note": "best"},
        {"grade": "non-strict", "events": [{"fail": {"codes": [1002]}}, {"drop": {}}]},
        {"grade": "info", "events": [{"close": {}}]},
        {"grade": "unimplemented", "events": [{"fail": {}}]},
        {"grade": "fail", "events": [{"handshake": {
          "status": [101, 426],
          "headers": [["Upgrade", "websocket"], ["Sec-WebSocket-Extensions", ""]]}}]}
      ]}}
    ]
  })";
  const loaded r = load(text, "framing/everything.json");
  ASSERT_TRUE(r.ok) << r.error.to_string();
  ASSERT_EQ(r.cases.size(), 1u);
  const test_case& c = r.cases[0];
  EXPECT_EQ(c.id, "framing/everything");
  EXPECT_EQ(c.area, "framing");
  EXPECT_EQ(c.title, "Every kind");
  EXPECT_EQ(c.autobahn, std::optional<std::string>("1.1.2"));
  EXPECT_EQ(c.rfc, (std::vector<std::string>{"5.2", "RFC 7692 7.2.1"}));
  EXPECT_EQ(c.why, "To check the loader.");
  EXPECT_EQ(c.tags, (std::vector<std::string>{"length", "chops"}));
  EXPECT_EQ(c.timeout_ms, 7000u);
  EXPECT_FALSE(c.close_at_end);
  EXPECT_EQ(c.source, "framing/everything.json");
  ASSERT_EQ(c.steps.size(), 14u);

  const auto& h = step_as<handshake_spec>(c, 0);
  EXPECT_EQ(h.method, "POST");
  EXPECT_EQ(h.target, std::optional<std::string>("/chat?x=1"));
  EXPECT_EQ(h.version, "HTTP/1.0");
  using pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(h.add, (pairs{{"X-One", "1"}, {"X-Empty", ""}}));
  EXPECT_EQ(h.remove, (std::vector<std::string>{"Origin"}));
  EXPECT_EQ(h.set, (pairs{{"Sec-WebSocket-Version", "8"}}));
  EXPECT_FALSE(h.raw);
  EXPECT_EQ(h.trailing, std::string("\x81\x00", 2));

  const auto& f1 = step_as<send_frame>(c, 1);
  EXPECT_EQ(f1.opcode, 9);
  EXPECT_FALSE(f1.fin);
  EXPECT_EQ(f1.rsv, 5);
  EXPECT_TRUE(f1.masked);
  ASSERT_TRUE(f1.key);
  EXPECT_EQ(*f1.key, (std::array<std::uint8_t, 4>{0x0a, 0x0b, 0x0c, 0x0d}));
  EXPECT_EQ(f1.form, send_frame::length_form::bits64);
  EXPECT_EQ(f1.length, std::optional<std::uint64_t>(0x7FFFFFFFFFFFFFFFULL));
  EXPECT_EQ(f1.payload.how, payload_spec::kind::bytes);
  EXPECT_EQ(f1.payload.bytes, "\xce\xba\xe1");
  EXPECT_EQ(f1.shape.chunk, 3u);
  EXPECT_EQ(f1.shape.delay_ms, 10u);

  const auto& f2 = step_as<send_frame>(c, 2);
  EXPECT_EQ(f2.opcode, 11);
  EXPECT_TRUE(f2.fin);
  EXPECT_FALSE(f2.masked);
  EXPECT_FALSE(f2.key);
  EXPECT_EQ(f2.form, send_frame::length_form::bits16);
  EXPECT_FALSE(f2.length);
  EXPECT_EQ(f2.payload.how, payload_spec::kind::random);
  EXPECT_EQ(f2.payload.seed, 18446744073709551615ULL);
  EXPECT_EQ(f2.payload.size, 1000u);

  const auto& f3 = step_as<send_frame>(c, 3);  // all defaults
  EXPECT_EQ(f3.opcode, 1);
  EXPECT_TRUE(f3.fin);
  EXPECT_EQ(f3.rsv, 0);
  EXPECT_TRUE(f3.masked);
  EXPECT_FALSE(f3.key);
  EXPECT_EQ(f3.form, send_frame::length_form::minimal);
  EXPECT_FALSE(f3.length);
  EXPECT_EQ(f3.payload.how, payload_spec::kind::bytes);
  EXPECT_EQ(f3.payload.bytes, "");
  EXPECT_EQ(f3.shape.chunk, 0u);
  EXPECT_EQ(f3.shape.delay_ms, 0u);

  EXPECT_EQ(step_as<send_frame>(c, 4).opcode, 0);
  EXPECT_EQ(step_as<send_frame>(c, 4).payload.bytes, "t");
  const auto& f5 = step_as<send_frame>(c, 5);
  EXPECT_EQ(f5.opcode, 8);
  EXPECT_EQ(f5.payload.how, payload_spec::kind::repeat);
  EXPECT_EQ(f5.payload.pattern, "ab");
  EXPECT_EQ(f5.payload.size, 5u);
  EXPECT_EQ(step_as<send_frame>(c, 6).opcode, 10);
  EXPECT_EQ(step_as<send_frame>(c, 6).length, std::optional<std::uint64_t>(0));
  EXPECT_EQ(step_as<send_frame>(c, 7).opcode, 2);

  const auto& m1 = step_as<send_message>(c, 8);
  EXPECT_EQ(m1.opcode, 2);
  EXPECT_EQ(m1.payload.how, payload_spec::kind::repeat);
  EXPECT_EQ(m1.payload.pattern, std::string("\xff\x00", 2));
  EXPECT_EQ(m1.payload.size, 7u);
  EXPECT_EQ(m1.fragment_size, 3u);
  EXPECT_EQ(m1.shape.chunk, 2u);
  EXPECT_EQ(m1.shape.delay_ms, 1u);
  const auto& m2 = step_as<send_message>(c, 9);
  EXPECT_EQ(m2.opcode, 1);
  EXPECT_EQ(m2.payload.bytes, "h\xc3\xa9");
  EXPECT_EQ(m2.fragment_size, 0u);

  const auto& r1 = step_as<send_raw>(c, 10);
  EXPECT_EQ(r1.bytes,
            "\x81\x05He"
            "llo");
  EXPECT_EQ(r1.shape.chunk, 1u);
  EXPECT_EQ(r1.shape.delay_ms, 5u);
  EXPECT_EQ(step_as<send_raw>(c, 11).bytes, "GET");

  const auto& x1 = step_as<expect_step>(c, 12);
  EXPECT_EQ(x1.timeout_ms, 0u);
  ASSERT_EQ(x1.alternatives.size(), 1u);
  EXPECT_EQ(x1.alternatives[0].grade, verdict::pass);
  EXPECT_EQ(x1.alternatives[0].note, "");
  const auto& ev = x1.alternatives[0].events;
  ASSERT_EQ(ev.size(), 7u);
  EXPECT_EQ(ev[0].what, expect_event::kind::message);
  EXPECT_EQ(ev[0].opcode, std::optional<std::uint8_t>(1));
  EXPECT_TRUE(ev[0].echo);
  EXPECT_FALSE(ev[0].payload);
  EXPECT_EQ(ev[1].what, expect_event::kind::pong);
  EXPECT_TRUE(ev[1].echo);
  EXPECT_EQ(ev[2].what, expect_event::kind::message);
  EXPECT_EQ(ev[2].opcode, std::optional<std::uint8_t>(2));
  EXPECT_FALSE(ev[2].echo);
  ASSERT_TRUE(ev[2].payload);
  EXPECT_EQ(ev[2].payload->bytes, std::string(1, '\0'));
  EXPECT_EQ(ev[3].what, expect_event::kind::pong);
  EXPECT_FALSE(ev[3].echo);
  ASSERT_TRUE(ev[3].payload);
  EXPECT_EQ(ev[3].payload->bytes, "x");
  // {"text": "echo"} is the literal payload "echo", not an echo.
  EXPECT_FALSE(ev[4].echo);
  ASSERT_TRUE(ev[4].payload);
  EXPECT_EQ(ev[4].payload->bytes, "echo");
  EXPECT_FALSE(ev[4].opcode);
  EXPECT_EQ(ev[5].what, expect_event::kind::pong);
  EXPECT_FALSE(ev[5].echo);
  EXPECT_FALSE(ev[5].payload);
  EXPECT_EQ(ev[6].what, expect_event::kind::message);
  EXPECT_FALSE(ev[6].opcode);
  EXPECT_FALSE(ev[6].payload);

  const auto& x2 = step_as<expect_step>(c, 13);
  EXPECT_EQ(x2.timeout_ms, 250u);
  ASSERT_EQ(x2.alternatives.size(), 5u);
  const auto& a = x2.alternatives;
  EXPECT_EQ(a[0].grade, verdict::pass);
  EXPECT_EQ(a[0].note, "best");
  ASSERT_EQ(a[0].events.size(), 1u);
  EXPECT_EQ(a[0].events[0].what, expect_event::kind::close);
  EXPECT_EQ(a[0].events[0].codes, (std::vector<std::uint16_t>{1000, 4999}));
  EXPECT_EQ(a[1].grade, verdict::non_strict);
  ASSERT_EQ(a[1].events.size(), 2u);
  EXPECT_EQ(a[1].events[0].what, expect_event::kind::fail);
  EXPECT_EQ(a[1].events[0].codes, (std::vector<std::uint16_t>{1002}));
  EXPECT_EQ(a[1].events[1].what, expect_event::kind::drop);
  EXPECT_EQ(a[2].grade, verdict::info);
  EXPECT_EQ(a[2].events[0].what, expect_event::kind::close);
  EXPECT_TRUE(a[2].events[0].codes.empty());
  EXPECT_EQ(a[3].grade, verdict::unimplemented);
  EXPECT_EQ(a[3].events[0].what, expect_event::kind::fail);
  EXPECT_TRUE(a[3].events[0].codes.empty());
  EXPECT_EQ(a[4].grade, verdict::fail);
  EXPECT_EQ(a[4].events[0].what, expect_event::kind::handshake);
  EXPECT_EQ(a[4].events[0].statuses, (std::vector<int>{101, 426}));
  EXPECT_EQ(a[4].events[0].headers,
            (pairs{{"Upgrade", "websocket"}, {"Sec-WebSocket-Extensions", ""}}));
}

TEST(CaseLoader, DefaultsOfAMinimalCase) {
  const loaded r = load(base_case().dump());
  ASSERT_TRUE(r.ok) << r.error.to_string();
  ASSERT_EQ(r.cases.size(), 1u);
  const test_case& c = r.cases[0];
  EXPECT_FALSE(c.autobahn);
  EXPECT_TRUE(c.tags.empty());
  EXPECT_EQ(c.timeout_ms, 5000u);
  EXPECT_TRUE(c.close_at_end);
  EXPECT_EQ(c.source, "framing/x.json");
  EXPECT_EQ(step_as<send_frame>(c, 0).payload.bytes, "Hello");
}

TEST(CaseLoader, NullAutobahnAndRawHandshake) {
  const loaded r = load(with([](ojson& d) {
                          d["autobahn"] = nullptr;
                          d["steps"][0] = ojson::parse(
                              R"({"handshake": {"raw": "GET / HTTP/1.1\r\n\r\n",
                                                "trailing_hex": "00"}})");
                        }).dump());
  ASSERT_TRUE(r.ok) << r.error.to_string();
  EXPECT_FALSE(r.cases[0].autobahn);
  const auto& h = step_as<handshake_spec>(r.cases[0], 0);
  EXPECT_EQ(h.raw, std::optional<std::string>("GET / HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(h.trailing, std::string(1, '\0'));
}

TEST(CaseLoader, AppendsToWhatIsThereAndLeavesItAloneOnError) {
  std::vector<test_case> out(1);
  out[0].id = "earlier";
  case_error e;
  ASSERT_TRUE(load_case_text("a.json", "a", base_case().dump(), out, e)) << e.to_string();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].id, "earlier");
  EXPECT_EQ(out[1].id, "framing/x");
  // A matrix whose second row is bad adds nothing, not the first row's case.
  const std::string bad = R"({"id": "a/${n}", "title": "t", "rfc": ["5"], "why": "w",
    "matrix": [{"n": 1}, {"n": -1}],
    "steps": [{"send_message": {"payload": {"repeat": "*", "size": "${n}"}}}]})";
  EXPECT_FALSE(load_case_text("b.json", "a", bad, out, e));
  EXPECT_EQ(out.size(), 2u);
  EXPECT_EQ(e.file, "b.json");
  EXPECT_EQ(e.pointer, "/steps/0/send_message/payload/size");
}

// ---- matrix ---------------------------------------------------------------------------------

TEST(CaseLoader, MatrixExpandsOneCasePerRowWithTypedSubstitution) {
  const std::string text = R"({
    "id": "framing/len-${n}-${label}",
    "title": "Length ${n} (${label}), fin ${fin}, cost $${x}",
    "autobahn": "${ab}",
    "rfc": ["5.2", "${sec}"],
    "why": "Row ${n}.",
    "tags": ["t-${n}", "${label}"],
    "timeout_ms": "${t}",
    "matrix": [
      {"n": 125, "ab": "1.1.2", "label": "small", "fin": true, "sec": "5.6", "t": 1000,
       "codes": [1000]},
      {"n": 126, "ab": null, "label": "mid", "fin": false, "sec": "5.7", "t": 2000,
       "codes": [1002, 1007], "unused": {"a": 1}}
    ],
    "steps": [
      {"send_frame": {"fin": "${fin}", "payload": {"repeat": "${label}", "size": "${n}"}}},
      {"expect": [{"close": {"codes": "${codes}"}}]}
    ]
  })";
  const loaded r = load(text, "framing/len.json");
  ASSERT_TRUE(r.ok) << r.error.to_string();
  ASSERT_EQ(r.cases.size(), 2u);
  const test_case& a = r.cases[0];
  const test_case& b = r.cases[1];
  EXPECT_EQ(a.id, "framing/len-125-small");
  EXPECT_EQ(b.id, "framing/len-126-mid");
  EXPECT_EQ(a.title, "Length 125 (small), fin true, cost ${x}");
  EXPECT_EQ(b.title, "Length 126 (mid), fin false, cost ${x}");
  EXPECT_EQ(a.autobahn, std::optional<std::string>("1.1.2"));
  EXPECT_FALSE(b.autobahn);
  EXPECT_EQ(a.rfc, (std::vector<std::string>{"5.2", "5.6"}));
  EXPECT_EQ(b.rfc, (std::vector<std::string>{"5.2", "5.7"}));
  EXPECT_EQ(b.why, "Row 126.");
  EXPECT_EQ(b.tags, (std::vector<std::string>{"t-126", "mid"}));
  EXPECT_EQ(a.timeout_ms, 1000u);
  EXPECT_EQ(b.timeout_ms, 2000u);
  EXPECT_EQ(a.source, "framing/len.json#/matrix/0");
  EXPECT_EQ(b.source, "framing/len.json#/matrix/1");
  EXPECT_EQ(a.area, "framing");
  EXPECT_TRUE(step_as<send_frame>(a, 0).fin);
  EXPECT_FALSE(step_as<send_frame>(b, 0).fin);
  EXPECT_EQ(step_as<send_frame>(a, 0).payload.size, 125u);
  EXPECT_EQ(step_as<send_frame>(b, 0).payload.size, 126u);
  EXPECT_EQ(step_as<send_frame>(b, 0).payload.pattern, "mid");
  EXPECT_EQ(step_as<expect_step>(a, 1).alternatives[0].events[0].codes,
            (std::vector<std::uint16_t>{1000}));
  EXPECT_EQ(step_as<expect_step>(b, 1).alternatives[0].events[0].codes,
            (std::vector<std::uint16_t>{1002, 1007}));
}

TEST(CaseLoader, MatrixErrors) {
  const auto family = [](const std::string& id, const std::string& title, const std::string& rows,
                         const std::string& size = "\"${n}\"") {
    return R"({"id": ")" + id + R"(", "title": ")" + title +
           R"(", "rfc": ["5.2"], "why": "w", "matrix": )" + rows +
           R"(, "steps": [{"send_message": {"payload": {"repeat": "*", "size": )" + size + "}}}]}";
  };
  // Unknown parameter: the pointer is the string that names it, the reason says which row.
  expect_error(family("a/${n}", "T ${nn}", R"([{"n": 1}])"), "/title",
               "unknown matrix parameter \"nn\": not in matrix row /matrix/0 (it has \"n\")");
  expect_error(family("a/${n}", "T", R"([{"n": 1}, {"m": 2}])"), "/id",
               "not in matrix row /matrix/1");
  // A value of the wrong type for where it lands.
  expect_error(family("a/${n}", "T", R"([{"n": 1}, {"n": "big"}])"),
               "/steps/0/send_message/payload/size",
               "expected an integer (0..1073741824), got a string (\"big\") (in matrix row "
               "/matrix/1)");
  expect_error(family("a/${n}", "T", R"([{"n": 1073741825}])"),
               "/steps/0/send_message/payload/size", "out of range");
  // null (or an array) cannot be part of a longer string.
  expect_error(family("a/${n}", "T ${ab}", R"([{"n": 1, "ab": null}])"), "/title",
               "matrix parameter \"ab\" is null in row /matrix/0");
  expect_error(family("a/${n}", "T", R"([{"n": 1}])", "\"${n}0\""),
               "/steps/0/send_message/payload/size", "expected an integer");
  // The row is named only where the error involves a parameter.
  {
    const loaded r = load(R"({"id": "a/${n}", "title": "T", "titel": "x", "rfc": ["5.2"],
      "why": "w", "matrix": [{"n": 1}], "steps": [{"send_raw": {"text": "a"}}]})");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.error.pointer, "/titel");
    EXPECT_EQ(r.error.reason.find("matrix row"), std::string::npos) << r.error.reason;
  }
  // Rows.
  expect_error(family("a/${n}", "T", "[]"), "/matrix", "at least one row");
  expect_error(family("a/${n}", "T", "{}"), "/matrix", "must be an array");
  expect_error(family("a/${n}", "T", R"([{"n": 1}, 5])"), "/matrix/1", "a matrix row is an object");
  expect_error(family("a/${n}", "T", R"([{"1n": 1}])"), "/matrix/0/1n", "parameter names");
  expect_error(family("a/${n}", "T", R"([{"n": 1}, {"n": 1}])"), "/id",
               "matrix rows 0 and 1 both make the id \"a/1\"");
  expect_error(family("a", "T", R"([{"n": 1}, {"n": 2}])"), "/id", "put a parameter in the id");
  // References.
  expect_error(family("a/${n}", "T ${n", R"([{"n": 1}])"), "/title", "unterminated \"${\"");
  expect_error(family("a/${n}", "T ${}", R"([{"n": 1}])"), "/title",
               "bad matrix parameter reference");
  expect_error(family("a/${n}", "T ${a-b}", R"([{"n": 1}])"), "/title",
               "bad matrix parameter reference ${a-b}");
  // Without a matrix a reference is a mistake; "$${" is the literal.
  expect_error(with([](ojson& d) { d["why"] = "costs ${x}"; }), "/why",
               "unknown matrix parameter \"x\": this file has no \"matrix\"");
  const loaded r = load(with([](ojson& d) { d["why"] = "costs $${x} and $5"; }).dump());
  ASSERT_TRUE(r.ok) << r.error.to_string();
  EXPECT_EQ(r.cases[0].why, "costs ${x} and $5");
}

// ---- errors -------------------------------------------------------------------------------------

TEST(CaseLoader, InvalidJsonHasLineAndColumnAndWhereItWas) {
  expect_error("{\n  \"id\": \"a\",\n  \"title\": tru\n}", "/title",
               "invalid JSON at line 3, column 15: syntax error");
  expect_error("{\n  \"id\": \"a\",\n  \"title\": tru\n}", "/title", "invalid literal");
  expect_error(R"({"steps": [{"send_frame": {"fin": true,}}]})", "/steps/0/send_frame",
               "invalid JSON at line 1, column 40: syntax error while parsing object key");
  expect_error(R"({"rfc": ["5.2" "5.3"]})", "/rfc/1", "invalid JSON at line 1");
  expect_error("", "", "invalid JSON at line 1, column 1");
  // Columns count characters: "\u00e9" is two bytes, one column.
  expect_error("{\"\u00e9\": x}", "/\u00e9", "invalid JSON at line 1, column 7");
  expect_error("{} x", "", "invalid JSON at line 1, column 4");
  expect_error("{\"a\": \"\xff\"}", "/a", "invalid JSON");  // not UTF-8
  {
    // The reason quotes the input only as short, valid UTF-8 (here: bytes as \xff).
    const loaded r = load("{\"a\": \"" + std::string(1000, 'x') + "\xff\"}");
    ASSERT_FALSE(r.ok);
    EXPECT_LT(r.error.reason.size(), 300u) << r.error.reason;
    EXPECT_NO_THROW((void)ojson(r.error.reason).dump()) << r.error.reason;
  }
  expect_error(R"({"id": "a", "id": "b"})", "/id", "duplicate key \"id\"");
  expect_error(R"({"steps": [{"expect": [{"drop": {}, "drop": {}}]}]})", "/steps/0/expect/0/drop",
               "duplicate key");
  std::string deep;
  for (int i = 0; i < 64; ++i) deep += "/0";
  expect_error(std::string(200, '[') + std::string(200, ']'), deep, "nested deeper than 64 levels");
  expect_error("[]", "", "a case file is one JSON object, got an array");
  expect_error("\"x\"", "", "a case file is one JSON object");
}

TEST(CaseLoader, WrongTypes) {
  expect_error(with([](ojson& d) { d["title"] = 5; }), "/title",
               "expected a string, got a number (5)");
  expect_error(with([](ojson& d) { d["id"] = nullptr; }), "/id", "expected a string, got null");
  expect_error(with([](ojson& d) { d["close_at_end"] = "yes"; }), "/close_at_end",
               "expected true or false, got a string (\"yes\")");
  expect_error(with([](ojson& d) { d["rfc"] = "5.2"; }), "/rfc", "rfc must be an array");
  expect_error(with([](ojson& d) { d["rfc"][0] = 5.2; }), "/rfc/0", "expected a string");
  expect_error(with([](ojson& d) { d["tags"] = {"a", 1}; }), "/tags/1", "expected a string");
  expect_error(with([](ojson& d) { d["steps"] = ojson::object(); }), "/steps",
               "steps must be an array");
  expect_error(with([](ojson& d) { d["steps"][0] = "send"; }), "/steps/0",
               "a step must be an object");
  expect_error(with([](ojson& d) { d["steps"][0]["send_frame"] = ojson::array(); }),
               "/steps/0/send_frame", "send_frame must be an object, got an array");
  expect_error(with([](ojson& d) { d["steps"][0]["send_frame"]["fin"] = 1; }),
               "/steps/0/send_frame/fin", "expected true or false");
  expect_error(with([](ojson& d) { d["steps"][0]["send_frame"]["opcode"] = true; }),
               "/steps/0/send_frame/opcode", "an opcode is a name");
  expect_error(with([](ojson& d) { d["steps"][0]["send_frame"]["payload"] = 5; }),
               "/steps/0/send_frame/payload", "a payload is a string or an object");
  expect_error(with([](ojson& d) {
                 d["steps"][0]["send_frame"]["payload"] = {{"hex", 5}};
               }),
               "/steps/0/send_frame/payload/hex", "expected a string");
  expect_error(with([](ojson& d) { d["steps"][1]["expect"] = "echo"; }), "/steps/1/expect",
               "expect is an array of events or {\"one_of\": [...]}");
  expect_error(with([](ojson& d) { d["steps"][1]["expect"][0] = ojson::array(); }),
               "/steps/1/expect/0", "an event must be an object");
  expect_error(with([](ojson& d) { d["steps"][1]["expect"][0]["message"]["opcode"] = 1; }),
               "/steps/1/expect/0/message/opcode", "expected a string");
  expect_error(with([](ojson& d) {
                 d["steps"][1]["expect"] = ojson::parse(R"([{"close": {"codes": 1000}}])");
               }),
               "/steps/1/expect/0/close/codes", "codes must be an array");
  expect_error(
      with([](ojson& d) { d["steps"][0] = ojson::parse(R"({"handshake": {"add": [["X-A"]]}})"); }),
      "/steps/0/handshake/add/0", "expected a [\"Name\", value] pair, got an array of 1");
  expect_error(with([](ojson& d) {
                 d["steps"][0] = ojson::parse(R"({"handshake": {"set": [["X-A", 1]]}})");
               }),
               "/steps/0/handshake/set/0/1", "a payload is a string or an object");
  expect_error(with([](ojson& d) { d["steps"][0]["send_frame"]["length"] = 1.5; }),
               "/steps/0/send_frame/length", "expected an integer");
  expect_error(with([](ojson& d) { d["steps"][0]["send_frame"]["rsv"] = 1.0; }),
               "/steps/0/send_frame/rsv", "expected an integer (0..7), got a number (1.0)");
}

TEST(CaseLoader, UnknownKeysAreErrorsWithASuggestion) {
  expect_error(with([](ojson& d) { d["titel"] = "x"; }), "/titel",
               "unknown key \"titel\" in a case (did you mean \"title\"?)");
  expect_error(with([](ojson& d) { d["steps"][0]["send_frame"]["opcod"] = "text"; }),
               "/steps/0/send_frame/opcod",
               "unknown key \"opcod\" in send_frame (did you mean \"opcode\"?)");
  expect_error(with([](ojson& d) { d["steps"][0]["send_frame"]["zzzzzz"] = 1; }),
               "/steps/0/send_frame/zzzzzz", "expected one of \"opcode\", \"fin\"");
  expect_error(with([](ojson& d) {
                 d["steps"][0]["send_frame"]["payload"] = {{"txt", "a"}};
               }),
               "/steps/0/send_frame/payload/txt", "(did you mean \"text\"?)");
  expect_error(with([](ojson& d) { d["steps"][1]["expect"][0]["message"]["echo"] = true; }),
               "/steps/1/expect/0/message/echo", "unknown key \"echo\" in message");
  expect_error(with([](ojson& d) {
                 d["steps"][1]["expect"][0] = {{"close", {{"code", {1000}}}}};
               }),
               "/steps/1/expect/0/close/code", "(did you mean \"codes\"?)");
  expect_error(with([](ojson& d) {
                 d["steps"][1]["expect"][0] = {{"drop", {{"x", 1}}}};
               }),
               "/steps/1/expect/0/drop/x", "unknown key \"x\" in drop");
  expect_error(with([](ojson& d) {
                 d["steps"][1]["expect"][0] = {{"ping", ojson::object()}};
               }),
               "/steps/1/expect/0/ping", "(did you mean \"pong\"?)");
  expect_error(with([](ojson& d) {
                 d["steps"][1] = {{"expct", ojson::array()}};
               }),
               "/steps/1/expct", "unknown key \"expct\" in a step (did you mean \"expect\"?)");
  expect_error(with([](ojson& d) {
                 d["steps"][1]["expect"] = ojson::parse(
                     R"({"one_of": [{"grade": "pass", "events": [{"drop": {}}], "notes": ""}]})");
               }),
               "/steps/1/expect/one_of/0/notes", "(did you mean \"note\"?)");
  expect_error(with([](ojson& d) {
                 d["steps"][1]["expect"] = {{"oneof", ojson::array()}};
               }),
               "/steps/1/expect/oneof", "(did you mean \"one_of\"?)");
  // On a tie, the suggestion shares the longest prefix ("tit" is as near "id" as "title").
  expect_error(with([](ojson& d) { d["tit"] = "x"; }), "/tit", "(did you mean \"title\"?)");
  // Keys with "/" and "~" are escaped in the pointer (RFC 6901).
  expect_error(with([](ojson& d) { d["a/b~c"] = 1; }), "/a~1b~0c", "unknown key \"a/b~c\"");
}

TEST(CaseLoader, MissingRequiredFields) {
  for (const char* key : {"id", "title", "rfc", "why", "steps"}) {
    SCOPED_TRACE(key);
    expect_error(with([&](ojson& d) { d.erase(std::string(key)); }), "",
                 std::string("a case is missing the required key \"") + key + "\"");
  }
  expect_error(with([](ojson& d) {
                 d["steps"][1]["expect"] =
                     ojson::parse(R"({"one_of": [{"events": [{"drop": {}}]}]})");
               }),
               "/steps/1/expect/one_of/0", "an alternative is missing the required key \"grade\"");
  expect_error(with([](ojson& d) {
                 d["steps"][1]["expect"] = ojson::parse(R"({"one_of": [{"grade": "pass"}]})");
               }),
               "/steps/1/expect/one_of/0", "missing the required key \"events\"");
  expect_error(with([](ojson& d) { d["steps"][1]["expect"] = ojson::object(); }), "/steps/1/expect",
               "missing the required key \"one_of\"");
  expect_error(with([](ojson& d) {
                 d["steps"][0] = {{"send_raw", ojson::object()}};
               }),
               "/steps/0/send_raw", "send_raw needs \"hex\" or \"text\"");
  expect_error(with([](ojson& d) {
                 d["steps"][0]["send_frame"]["payload"] = {{"size", 3}};
               }),
               "/steps/0/send_frame/payload", "a payload object needs one of");
  expect_error(with([](ojson& d) {
                 d["steps"][0]["send_frame"]["payload"] = {{"repeat", "*"}};
               }),
               "/steps/0/send_frame/payload", "\"repeat\" needs \"size\"");
  expect_error(with([](ojson& d) {
                 d["steps"][0]["send_frame"]["payload"] = {{"random", 1}};
               }),
               "/steps/0/send_frame/payload", "\"random\" needs \"size\"");
}

TEST(CaseLoader, OutOfRangeNumbers) {
  auto frame = [](const char* key, ojson v) {
    return with([&](ojson& d) { d["steps"][0]["send_frame"][key] = v; });
  };
  expect_error(frame("opcode", 16), "/steps/0/send_frame/opcode", "16 is out of range (0..15)");
  expect_error(frame("opcode", -1), "/steps/0/send_frame/opcode", "-1 is out of range (0..15)");
  expect_error(frame("rsv", 8), "/steps/0/send_frame/rsv", "8 is out of range (0..7)");
  expect_error(frame("length", 9223372036854775808ULL), "/steps/0/send_frame/length",
               "9223372036854775808 is out of range (0..9223372036854775807)");
  expect_error(frame("length", -5), "/steps/0/send_frame/length", "-5 is out of range");
  expect_error(frame("chunk", -1), "/steps/0/send_frame/chunk", "out of range");
  expect_error(frame("delay_ms", 600001), "/steps/0/send_frame/delay_ms", "out of range");
  expect_error(frame("payload", {{"repeat", "*"}, {"size", -1}}),
               "/steps/0/send_frame/payload/size", "-1 is out of range (0..1073741824)");
  expect_error(frame("payload", {{"repeat", "*"}, {"size", 1073741825}}),
               "/steps/0/send_frame/payload/size", "out of range (0..1073741824)");
  expect_error(frame("payload", {{"random", -3}, {"size", 1}}),
               "/steps/0/send_frame/payload/random", "out of range");
  // A number too big for any integer type is "out of range", not "not an integer".
  expect_error(R"({"timeout_ms": 100000000000000000000})", "/timeout_ms",
               "1e+20 is out of range (1..600000)");
  expect_error(with([](ojson& d) { d["timeout_ms"] = 0; }), "/timeout_ms",
               "0 is out of range (1..600000)");
  expect_error(with([](ojson& d) { d["timeout_ms"] = 600001; }), "/timeout_ms", "out of range");
  expect_error(with([](ojson& d) { d["steps"][1]["timeout_ms"] = 0; }), "/steps/1/timeout_ms",
               "out of range (1..600000)");
  expect_error(with([](ojson& d) {
                 d["steps"][1]["expect"][0] = {{"close", {{"codes", {999}}}}};
               }),
               "/steps/1/expect/0/close/codes/0", "999 is out of range (1000..4999)");
  expect_error(with([](ojson& d) {
                 d["steps"][1]["expect"][0] = {{"fail", {{"codes", {1006}}}}};
               }),
               "/steps/1/expect/0/fail/codes/0", "1006 is never sent in a close frame");
  expect_error(with([](ojson& d) {
                 d["steps"][1]["expect"][0] = {{"handshake", {{"status", {101, 600}}}}};
               }),
               "/steps/1/expect/0/handshake/status/1", "600 is out of range (100..599)");
  // An expect cannot wait longer than the whole case may take.
  expect_error(with([](ojson& d) { d["steps"][1]["timeout_ms"] = 6000; }), "/steps/1/timeout_ms",
               "waits 6000 ms, longer than the case's time-out of 5000 ms (the default)");
  EXPECT_TRUE(load(with([](ojson& d) {
                     d["steps"][1]["timeout_ms"] = 6000;
                     d["timeout_ms"] = 6000;
                   }).dump())
                  .ok);
}

TEST(CaseLoader, BadStrings) {
  auto frame = [](const char* key, ojson v) {
    return with([&](ojson& d) { d["steps"][0]["send_frame"][key] = v; });
  };
  expect_error(frame("opcode", "txt"), "/steps/0/send_frame/opcode",
               "unknown opcode \"txt\" (did you mean \"text\"?)");
  expect_error(frame("opcode", "data"), "/steps/0/send_frame/opcode",
               "unknown opcode \"data\"; use \"text\", \"binary\"");
  expect_error(frame("mask", "12345"), "/steps/0/send_frame/mask",
               "mask is \"random\", \"none\" or a 4-byte key as 8 hex digits");
  expect_error(frame("mask", "1234567g"), "/steps/0/send_frame/mask", "not \"1234567g\"");
  expect_error(frame("mask", "12 34 56 78"), "/steps/0/send_frame/mask", "8 hex digits");
  expect_error(frame("mask", 5), "/steps/0/send_frame/mask", "expected a string");
  expect_error(frame("length_form", "32"), "/steps/0/send_frame/length_form",
               "length_form is \"minimal\", \"16\" or \"64\", not \"32\"");
  expect_error(frame("length_form", 16), "/steps/0/send_frame/length_form", "expected a string");
  expect_error(frame("payload", {{"hex", "81 0"}}), "/steps/0/send_frame/payload/hex",
               "odd number of hex digits");
  expect_error(frame("payload", {{"hex", "8 10"}}), "/steps/0/send_frame/payload/hex",
               "odd number of hex digits before offset 1");
  expect_error(frame("payload", {{"hex", "8g"}}), "/steps/0/send_frame/payload/hex",
               "\"g\" at offset 1 is not a hex digit");
  expect_error(frame("payload", {{"hex", "0x81"}}), "/steps/0/send_frame/payload/hex",
               "\"x\" at offset 1 is not a hex digit");
  expect_error(frame("payload", {{"hex", "81\u00e9"}}), "/steps/0/send_frame/payload/hex",
               "byte 0xc3 at offset 2 is not a hex digit");
  expect_error(frame("payload", {{"repeat", ""}, {"size", 3}}),
               "/steps/0/send_frame/payload/repeat", "must not be empty");
  expect_error(frame("payload", {{"repeat_hex", ""}, {"size", 3}}),
               "/steps/0/send_frame/payload/repeat_hex", "at least one byte");
  expect_error(with([](ojson& d) {
                 d["steps"][0] = {{"send_raw", {{"hex", "81 0x"}}}};
               }),
               "/steps/0/send_raw/hex", "not a hex digit");
  expect_error(with([](ojson& d) {
                 d["steps"][0] = {{"send_raw", {{"hex", " "}}}};
               }),
               "/steps/0/send_raw/hex", "must have at least one byte");
  expect_error(with([](ojson& d) {
                 d["steps"][0] = ojson::parse(R"({"handshake": {"trailing_hex": "123"}})");
               }),
               "/steps/0/handshake/trailing_hex", "odd number of hex digits");
  expect_error(with([](ojson& d) { d["id"] = "Framing/X"; }), "/id",
               "id \"Framing/X\" must be lower-case");
  expect_error(with([](ojson& d) { d["id"] = "framing//x"; }), "/id", "must be lower-case");
  expect_error(with([](ojson& d) { d["id"] = ""; }), "/id", "must be lower-case");
  expect_error(with([](ojson& d) { d["title"] = ""; }), "/title", "must not be empty");
  expect_error(with([](ojson& d) { d["rfc"] = ojson::array(); }), "/rfc", "rfc must not be empty");
  expect_error(with([](ojson& d) { d["autobahn"] = "1.x"; }), "/autobahn",
               "autobahn is an Autobahn|Testsuite case id like \"1.1.2\" (or null), not \"1.x\"");
  expect_error(with([](ojson& d) { d["autobahn"] = 1.1; }), "/autobahn", "expected a string");
  expect_error(with([](ojson& d) {
                 d["steps"][0] = {{"send_message", {{"opcode", "ping"}}}};
               }),
               "/steps/0/send_message/opcode",
               "a message is \"text\" or \"binary\", not \"ping\" (send other frames with "
               "send_frame)");
  expect_error(with([](ojson& d) { d["steps"][1]["expect"][0]["message"]["opcode"] = "close"; }),
               "/steps/1/expect/0/message/opcode", "a message is \"text\" or \"binary\"");
}

TEST(CaseLoader, StepsNeedExactlyOneAction) {
  expect_error(with([](ojson& d) { d["steps"][0] = ojson::object(); }), "/steps/0",
               "a step needs one of \"send_frame\", \"send_message\", \"send_raw\", "
               "\"handshake\", \"respond\", \"expect\"");
  expect_error(with([](ojson& d) {
                 d["steps"][1] = {{"timeout_ms", 100}};
               }),
               "/steps/1", "a step needs one of");
  expect_error(with([](ojson& d) { d["steps"][0]["expect"] = ojson::parse(R"([{"drop": {}}])"); }),
               "/steps/0",
               "a step does exactly one thing; this one has \"send_frame\" and "
               "\"expect\"");
  expect_error(with([](ojson& d) { d["steps"][0]["timeout_ms"] = 100; }), "/steps/0/timeout_ms",
               "\"timeout_ms\" goes with \"expect\"");
  expect_error(with([](ojson& d) { d["steps"] = ojson::array(); }), "/steps",
               "steps must not be empty");
  // A handshake step comes first or not at all.
  expect_error(with([](ojson& d) {
                 d["steps"][1] = {{"handshake", ojson::object()}};
               }),
               "/steps/1/handshake", "a handshake step must be the first step");
  expect_error(with([](ojson& d) {
                 d["steps"][0] = ojson::parse(R"({"handshake": {
                   "add": [["A", "b"]], "raw": "GET / HTTP/1.1\r\n\r\n"}})");
               }),
               "/steps/0/handshake/raw", "cannot be combined with \"add\"");
}

TEST(CaseLoader, ExpectationsAndEvents) {
  auto expect = [](const char* json) {
    return with([&](ojson& d) { d["steps"][1]["expect"] = ojson::parse(json); });
  };
  expect_error(expect("[]"), "/steps/1/expect", "events must not be empty");
  expect_error(expect(R"({"one_of": []})"), "/steps/1/expect/one_of", "one_of must not be empty");
  expect_error(expect(R"({"one_of": [{"grade": "pass", "events": []}]})"),
               "/steps/1/expect/one_of/0/events", "events must not be empty");
  expect_error(expect(R"({"one_of": [{"grade": "passed", "events": [{"drop": {}}]}]})"),
               "/steps/1/expect/one_of/0/grade", "unknown grade \"passed\"");
  expect_error(expect(R"({"one_of": [{"grade": "non_strict", "events": [{"drop": {}}]}]})"),
               "/steps/1/expect/one_of/0/grade", "unknown grade \"non_strict\"");
  expect_error(expect(R"({"one_of": [{"grade": "error", "events": [{"drop": {}}]}]})"),
               "/steps/1/expect/one_of/0/grade", "\"error\" is not a grade a case gives");
  expect_error(expect(R"([{}])"), "/steps/1/expect/0", "an event needs one of \"message\"");
  expect_error(expect(R"([{"close": {}, "drop": {}}])"), "/steps/1/expect/0/drop",
               "an event has exactly one key; this one has \"close\" and \"drop\"");
  expect_error(expect(R"([{"drop": null}])"), "/steps/1/expect/0/drop",
               "drop must be an object, got null");
  expect_error(expect(R"([{"pong": {"payload": {"hex": "zz"}}}])"),
               "/steps/1/expect/0/pong/payload/hex", "not a hex digit");
  // Payload kinds are exclusive.
  expect_error(expect(R"([{"message": {"payload": {"text": "a", "hex": "00"}}}])"),
               "/steps/1/expect/0/message/payload/hex", "this one already has \"text\"");
  expect_error(
      expect(R"([{"message": {"payload": {"text": "a", "size": 3}}}])"),
      "/steps/1/expect/0/message/payload/size",
      "\"size\" goes with \"repeat\", \"repeat_hex\", \"random\" or \"data_set\", not \"text\"");
}

TEST(CaseLoader, WriteShapeAndLengthConsistency) {
  expect_error(with([](ojson& d) { d["steps"][0]["send_frame"]["delay_ms"] = 10; }),
               "/steps/0/send_frame/delay_ms", "\"delay_ms\" is the pause between writes");
  expect_error(with([](ojson& d) {
                 d["steps"][0] = {{"send_raw", {{"text", "x"}, {"chunk", 0}, {"delay_ms", 3}}}};
               }),
               "/steps/0/send_raw/delay_ms", "without a \"chunk\" > 0");
  expect_error(with([](ojson& d) {
                 d["steps"][0] = {{"send_raw", {{"text", "x"}, {"hex", "00"}}}};
               }),
               "/steps/0/send_raw/hex", "this one already has \"text\"");
  expect_error(with([](ojson& d) {
                 d["steps"][0]["send_frame"]["length_form"] = "16";
                 d["steps"][0]["send_frame"]["payload"] = {{"repeat", "*"}, {"size", 65536}};
               }),
               "/steps/0/send_frame/length_form", "a 16-bit length field cannot hold 65536");
  expect_error(with([](ojson& d) {
                 d["steps"][0]["send_frame"]["length_form"] = "16";
                 d["steps"][0]["send_frame"]["length"] = 70000;
               }),
               "/steps/0/send_frame/length_form", "cannot hold 70000");
  // A lying 16-bit length that fits is fine.
  EXPECT_TRUE(load(with([](ojson& d) {
                     d["steps"][0]["send_frame"]["length_form"] = "16";
                     d["steps"][0]["send_frame"]["length"] = 65535;
                     d["steps"][0]["send_frame"]["payload"] = {{"repeat", "*"}, {"size", 70000}};
                   }).dump())
                  .ok);
}

TEST(CaseLoader, ErrorToString) {
  const loaded r =
      load(with([](ojson& d) { d["steps"][0]["send_frame"]["opcode"] = "txt"; }).dump(),
           "framing/x.json");
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error.to_string().rfind(
                "framing/x.json: /steps/0/send_frame/opcode: unknown opcode \"txt\"", 0),
            0u)
      << r.error.to_string();
  EXPECT_EQ((case_error{"a.json", "", "invalid JSON"}).to_string(), "a.json: invalid JSON");
}

TEST(CaseLoader, DuplicateIdsAcrossFiles) {
  std::vector<test_case> out;
  case_error e;
  ASSERT_TRUE(load_case_text("a/one.json", "a", base_case().dump(), out, e));
  ASSERT_TRUE(check_unique_ids(out, e));
  const std::string family = R"({"id": "framing/${x}", "title": "t", "rfc": ["5"], "why": "w",
    "matrix": [{"x": "y"}, {"x": "x"}], "steps": [{"send_raw": {"text": "a"}}]})";
  ASSERT_TRUE(load_case_text("b/two.json", "b", family, out, e)) << e.to_string();
  ASSERT_EQ(out.size(), 3u);
  ASSERT_FALSE(check_unique_ids(out, e));
  EXPECT_EQ(e.file, "b/two.json");
  EXPECT_EQ(e.pointer, "/id");
  EXPECT_NE(e.reason.find("duplicate id \"framing/x\" (made by /matrix/1); a/one.json has it too"),
            std::string::npos)
      << e.reason;
}

// ---- files: folders and the built-in set
// ---------------------------------------------------------

// The repository's cases/ folder, found from this file's path.
std::filesystem::path source_cases_dir() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "cases";
}

TEST(CaseLoader, BuiltinCasesLoadWithUniqueIds) {
  std::vector<test_case> cases;
  case_error e;
  ASSERT_TRUE(load_builtin_cases(cases, e)) << e.to_string();
  ASSERT_FALSE(cases.empty());
  EXPECT_TRUE(check_unique_ids(cases, e)) << e.to_string();
  const auto files = builtin_case_files();
  ASSERT_FALSE(files.empty());
  for (std::size_t i = 1; i < files.size(); ++i) EXPECT_LT(files[i - 1].path, files[i].path);
  bool found = false;
  for (const auto& f : files) {
    EXPECT_NE(f.path, "schema.json");
    EXPECT_EQ(f.path.substr(0, f.area.size() + 1), std::string(f.area) + "/") << f.path;
    if (f.path == "pingpong/ping-too-long.json") found = true;
  }
  EXPECT_TRUE(found);
  const auto it = std::find_if(cases.begin(), cases.end(), [](const test_case& c) {
    return c.id == "pingpong/ping-126-bytes";
  });
  ASSERT_NE(it, cases.end());
  EXPECT_EQ(it->area, "pingpong");
  EXPECT_EQ(it->autobahn, std::optional<std::string>("2.5"));
  EXPECT_EQ(it->rfc, (std::vector<std::string>{"5.5"}));
  EXPECT_EQ(it->source, "pingpong/ping-too-long.json");
  EXPECT_FALSE(it->close_at_end);
  const auto& f = step_as<send_frame>(*it, 0);
  EXPECT_EQ(f.opcode, 9);
  EXPECT_EQ(f.payload.size, 126u);
  EXPECT_EQ(step_as<expect_step>(*it, 1).alternatives.at(0).events.at(0).what,
            expect_event::kind::fail);

  // The embedded bytes are the files' bytes, and loading the folder gives the same cases.
  const auto dir = source_cases_dir();
  if (std::filesystem::is_directory(dir)) {
    for (const auto& f : files) {
      std::ifstream in(dir / std::string(f.path), std::ios::binary);
      const std::string disk((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
      EXPECT_EQ(disk, f.text) << f.path << " changed since the build embedded it";
    }
    std::vector<test_case> from_dir;
    ASSERT_TRUE(load_case_dir(dir, from_dir, e)) << e.to_string();
    ASSERT_EQ(from_dir.size(), cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
      EXPECT_EQ(from_dir[i].id, cases[i].id);
      EXPECT_EQ(from_dir[i].area, cases[i].area);
    }
  }
}

class CaseDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("wsspec_case_dir_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write(const std::string& rel, const std::string& text) {
    const auto p = dir_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
  }
  static std::string named(const std::string& id) {
    return with([&](ojson& d) { d["id"] = id; }).dump();
  }

  std::filesystem::path dir_;
};

TEST_F(CaseDir, LoadsAreasInSortedOrderAndSkipsTheSchema) {
  write("zeta/b.json", named("zeta/b"));
  write("alpha/a.json", named("alpha/a"));
  write("alpha/deeper/c.json", named("alpha/c"));
  write("top.json", named("top"));
  write("schema.json", "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"}");
  write("alpha/notes.md", "not a case");
  std::vector<test_case> out;
  case_error e;
  ASSERT_TRUE(load_case_dir(dir_, out, e)) << e.to_string();
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].id, "alpha/a");
  EXPECT_EQ(out[0].area, "alpha");
  EXPECT_EQ(out[0].source, (dir_ / "alpha/a.json").generic_string());
  EXPECT_EQ(out[1].id, "alpha/c");
  EXPECT_EQ(out[1].area, "alpha");
  EXPECT_EQ(out[2].id, "top");
  EXPECT_EQ(out[2].area, dir_.filename().string());
  EXPECT_EQ(out[3].id, "zeta/b");
  EXPECT_EQ(out[3].area, "zeta");
}

TEST_F(CaseDir, ReportsTheFileAndKeepsOutUnchanged) {
  write("alpha/a.json", named("alpha/a"));
  write("beta/bad.json", "{\n  \"id\": \"b\",\n  \"title\": 5\n}");
  std::vector<test_case> out(1);
  case_error e;
  ASSERT_FALSE(load_case_dir(dir_, out, e));
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(e.file, (dir_ / "beta/bad.json").generic_string());
  EXPECT_EQ(e.pointer, "/title");
  EXPECT_NE(e.reason.find("expected a string"), std::string::npos) << e.reason;
}

TEST_F(CaseDir, DuplicateIdsAcrossFilesAndWithWhatWasLoaded) {
  write("alpha/a.json", named("same"));
  write("beta/b.json", named("same"));
  std::vector<test_case> out;
  case_error e;
  ASSERT_FALSE(load_case_dir(dir_, out, e));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(e.file, (dir_ / "beta/b.json").generic_string());
  EXPECT_EQ(e.pointer, "/id");
  EXPECT_NE(e.reason.find("duplicate id \"same\""), std::string::npos) << e.reason;

  // A user's folder may not reuse a built-in id.
  std::filesystem::remove(dir_ / "beta/b.json");
  write("alpha/a.json", named("pingpong/ping-126-bytes"));
  ASSERT_TRUE(load_builtin_cases(out, e)) << e.to_string();
  const std::size_t builtin = out.size();
  ASSERT_FALSE(load_case_dir(dir_, out, e));
  EXPECT_EQ(out.size(), builtin);
  EXPECT_NE(e.reason.find("pingpong/ping-too-long.json has it too"), std::string::npos) << e.reason;
}

TEST_F(CaseDir, MissingFolderIsAnError) {
  std::vector<test_case> out;
  case_error e;
  EXPECT_FALSE(load_case_dir(dir_ / "nope", out, e));
  EXPECT_EQ(e.file, (dir_ / "nope").generic_string());
  EXPECT_FALSE(e.reason.empty());
}

// ---- robustness ---------------------------------------------------------------------------------

// Every pointer to a value in `v`, for picking a place to break.
void collect_pointers(const ojson& v, const std::string& ptr, std::vector<std::string>& out) {
  out.push_back(ptr);
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      std::string token;
      for (char c : it.key()) token += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
      collect_pointers(it.value(), ptr + "/" + token, out);
    }
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i)
      collect_pointers(v[i], ptr + "/" + std::to_string(i), out);
  }
}

TEST(CaseLoaderRobustness, MutatedFilesNeverCrashAndAlwaysExplain) {
  std::vector<std::string> corpus = {
      base_case().dump(2),
      R"({"id": "a/${n}", "title": "T ${n}", "autobahn": "${ab}", "rfc": ["5.2"], "why": "w",
          "timeout_ms": 9000,
          "matrix": [{"n": 1, "ab": null}, {"n": 2, "ab": "1.2.3"}],
          "steps": [{"handshake": {"add": [["X", "y"]], "remove": ["Origin"]}},
                    {"send_frame": {"opcode": 9, "rsv": 4, "mask": "01020304", "length_form": "64",
                                    "length": 5, "payload": {"repeat_hex": "ff", "size": "${n}"},
                                    "chunk": 1, "delay_ms": 2}},
                    {"send_message": {"opcode": "binary", "payload": {"random": 7, "size": 9},
                                      "fragment_size": 2}},
                    {"send_raw": {"hex": "81 00"}},
                    {"timeout_ms": 100, "expect": {"one_of": [
                      {"grade": "pass", "events": [{"pong": {"payload": "echo"}}], "note": "n"},
                      {"grade": "info", "events": [{"close": {"codes": [1000]}}, {"drop": {}}]},
                      {"grade": "fail", "events": [{"handshake": {"status": [101],
                                                   "headers": [["A", ""]]}}]}]}},
                    {"expect": [{"message": {"opcode": "text", "payload": {"text": "x"}}},
                                {"fail": {"codes": [1002]}}]}]})"};
  for (const auto& f : builtin_case_files()) corpus.emplace_back(f.text);

  const std::vector<ojson> replacements = {nullptr,
                                           true,
                                           false,
                                           0,
                                           -1,
                                           1,
                                           16,
                                           1.5,
                                           1e300,
                                           18446744073709551615ULL,
                                           "",
                                           "txt",
                                           "${n}",
                                           "echo",
                                           "ff",
                                           ojson::array(),
                                           ojson::object(),
                                           ojson::array({1, "a"}),
                                           ojson::parse(R"({"x": 1})"),
                                           ojson::parse(R"([{"drop": {}}])")};
  const std::string noise = "{}[]\":,0123456789-.eE+ \\$abcdefxyz\n\t\x80\xff";

  std::mt19937_64 rng(20240611);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  std::size_t accepted = 0, rejected = 0, json_valid_rejections = 0;
  std::set<std::string> reasons;
  constexpr int rounds = 4000;
  for (int round = 0; round < rounds; ++round) {
    std::string text = corpus[pick(corpus.size())];
    const int edits = 1 + static_cast<int>(pick(3));
    for (int e = 0; e < edits; ++e) {
      switch (pick(5)) {
        case 0:  // delete a few characters
          if (!text.empty()) text.erase(pick(text.size()), 1 + pick(4));
          break;
        case 1: {  // duplicate a piece
          if (text.empty()) break;
          const std::size_t at = pick(text.size());
          text.insert(pick(text.size()), text.substr(at, 1 + pick(12)));
          break;
        }
        case 2:  // replace a character
          if (!text.empty()) text[pick(text.size())] = noise[pick(noise.size())];
          break;
        default: {  // replace a value with one of another type, or drop / add a member
          ojson doc = ojson::parse(text, nullptr, false);
          if (doc.is_discarded()) break;
          std::vector<std::string> pointers;
          collect_pointers(doc, "", pointers);
          const ojson::json_pointer where(pointers[pick(pointers.size())]);
          if (where.empty()) break;
          ojson& parent = doc[where.parent_pointer()];
          const std::string last = where.back();
          switch (pick(3)) {
            case 0:
              doc[where] = replacements[pick(replacements.size())];
              break;
            case 1:
              if (parent.is_object())
                parent.erase(last);
              else
                parent.erase(std::stoul(last));
              break;
            default:
              if (parent.is_object())
                parent["extra"] = 1;
              else
                parent.push_back(replacements[pick(replacements.size())]);
          }
          text = doc.dump();
        }
      }
    }
    SCOPED_TRACE(text);
    std::vector<test_case> out(1);
    case_error error;
    bool ok = false;
    EXPECT_NO_THROW(ok = load_case_text("m/x.json", "m", text, out, error));
    if (ok) {
      ++accepted;
      ASSERT_GE(out.size(), 2u);
      for (std::size_t i = 1; i < out.size(); ++i) {
        EXPECT_FALSE(out[i].id.empty());
        EXPECT_FALSE(out[i].title.empty());
        EXPECT_FALSE(out[i].rfc.empty());
        EXPECT_FALSE(out[i].steps.empty());
        EXPECT_EQ(out[i].area, "m");
        EXPECT_EQ(out[i].source.rfind("m/x.json", 0), 0u);
      }
      continue;
    }
    ++rejected;
    EXPECT_EQ(out.size(), 1u);
    EXPECT_EQ(error.file, "m/x.json");
    EXPECT_FALSE(error.reason.empty());
    // Reasons and pointers go into results.json and HTML: valid UTF-8, bounded.
    EXPECT_NO_THROW((void)ojson(error.reason).dump()) << error.reason;
    EXPECT_NO_THROW((void)ojson(error.pointer).dump()) << error.pointer;
    EXPECT_LT(error.reason.size(), 2000u);
    reasons.insert(error.reason.substr(0, 20));
    ASSERT_TRUE(error.pointer.empty() || error.pointer[0] == '/') << error.pointer;
    // When the text is JSON and has no matrix, the pointer names a place that exists in it.
    const ojson doc = ojson::parse(text, nullptr, false);
    if (!doc.is_discarded() && doc.is_object() && !doc.contains("matrix") &&
        error.reason.find("duplicate key") == std::string::npos &&
        error.reason.find("nested deeper") == std::string::npos) {
      ++json_valid_rejections;
      EXPECT_TRUE(doc.contains(ojson::json_pointer(error.pointer))) << error.to_string() << "\n"
                                                                    << text;
    }
  }
  // The mutations must reach both outcomes and many different checks, or this test tests
  // nothing.
  EXPECT_GT(accepted, rounds / 20u);
  EXPECT_GT(rejected, rounds / 2u);
  EXPECT_GT(json_valid_rejections, rounds / 10u);
  EXPECT_GT(reasons.size(), 100u);
}

}  // namespace
}  // namespace wsspec

namespace wsspec {
namespace {

// A file the fuzzer found: 14 KB that expanded to two million cases (1024 rows x 2001 chops).
TEST(CaseLoaderLimits, SmallFilesCannotExpandWithoutBound) {
  auto family = [](std::size_t rows, const ojson& chops) {
    ojson f = base_case();
    f["id"] = "framing/x-${n}";
    f["chops"] = chops;
    f["matrix"] = ojson::array();
    for (std::size_t i = 0; i < rows; ++i) f["matrix"].push_back({{"n", i}});
    return f.dump();
  };
  expect_error_in(family(2, ojson::array({1, 1})), "/chops/1", "1 is already in chops");
  expect_error_in(family(2, ojson::array({1, 2, 3, 4, 5, 6, 7, 8, 9})), "/chops/8",
                  "at most 8 chops");
  // 1024 rows x (1 + 3) = 4096 cases is the most a file may make; one chop more is too many.
  const loaded most = load(family(1024, ojson::array({1, 2, 3})));
  ASSERT_TRUE(most.ok) << most.error.to_string();
  EXPECT_EQ(most.cases.size(), 4096u);
  expect_error_in(family(1024, ojson::array({1, 2, 3, 4})), "/matrix/819", "more than 4096 cases");

  // Expected events are expanded when loaded: 600 000 are fine, twice that (a chop) is not.
  ojson events = base_case();
  events["steps"][1] = ojson::parse(R"({"expect": [{"count": 600000, "event": {"pong": {}}}]})");
  const loaded ok = load(events.dump());
  ASSERT_TRUE(ok.ok) << ok.error.to_string();
  events["chops"] = ojson::array({1});
  expect_error_in(events.dump(), "", "more than 1000000 events");
}

}  // namespace
}  // namespace wsspec

namespace wsspec {
namespace {

// permessage-deflate: "deflate" on the case, "compressed" on a send_message; RSV1 means
// compressed only once the extension is agreed, so the second needs the first.
TEST(CaseLoaderDeflate, OfferAndCompressedMessageLoad) {
  ojson doc = base_case();
  doc["deflate"] = "permessage-deflate; client_max_window_bits";
  doc["steps"][0] = ojson::parse(
      R"({"send_message": {"opcode": "text", "payload": "Hello", "compressed": true}})");
  const loaded r = load(doc.dump());
  ASSERT_TRUE(r.ok) << r.error.to_string();
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.cases[0].deflate, "permessage-deflate; client_max_window_bits");
  const auto* m = std::get_if<send_message>(&r.cases[0].steps[0]);
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->compressed);
}

TEST(CaseLoaderDeflate, CompressedWithoutAnOfferIsRefusedAtTheMessage) {
  ojson doc = base_case();
  doc["steps"][0] = ojson::parse(
      R"({"send_message": {"opcode": "text", "payload": "Hello", "compressed": true}})");
  expect_error(doc, "/steps/0/send_message", "needs the case's \"deflate\" offer");
  doc["deflate"] = "";
  expect_error(doc, "/deflate", "must not be empty");
  doc["deflate"] = true;
  expect_error(doc, "/deflate", "expected a string");
}

// deflate_must_decline: only for offers RFC 7692 7 makes every server decline, so that a server
// accepting a valid offer is never failed; the connection then runs uncompressed.
TEST(CaseLoaderDeflate, MustDeclineNeedsAnOfferEveryServerDeclines) {
  ojson doc = base_case();
  doc["deflate"] = "permessage-deflate; server_max_window_bits=7, x-other, permessage-deflate; foo";
  doc["deflate_must_decline"] = true;
  const loaded r = load(doc.dump());
  ASSERT_TRUE(r.ok) << r.error.to_string();
  EXPECT_TRUE(r.cases[0].deflate_must_decline);

  doc["deflate"] = "permessage-deflate; server_max_window_bits=7, permessage-deflate";
  expect_error(doc, "/deflate_must_decline",
               "element 2 of the \"deflate\" offer is a valid permessage-deflate offer");
  doc["deflate"] = "x-other";
  expect_error(doc, "/deflate_must_decline", "no permessage-deflate element to decline");
  doc["deflate"] = "permessage-deflate;";
  expect_error(doc, "/deflate_must_decline", "is not a Sec-WebSocket-Extensions value");
  doc.erase("deflate");
  expect_error(doc, "/deflate_must_decline", "needs the case's \"deflate\" offer");
  doc["deflate"] = "permessage-deflate; server_max_window_bits=08";
  doc["steps"][0] = ojson::parse(
      R"({"send_message": {"opcode": "text", "payload": "Hello", "compressed": true}})");
  expect_error(doc, "/steps/0/send_message", "nothing is sent compressed");
  doc["deflate_must_decline"] = "yes";
  expect_error(doc, "/deflate_must_decline", "expected true or false");
}

// needs_extension_offer: a client case about the extensions the client offered (RFC 6455 9.1);
// it means nothing to a server under test.
TEST(CaseLoader, NeedsExtensionOfferIsForClientCases) {
  ojson doc = base_case();
  doc["needs_extension_offer"] = true;
  doc["peer"] = "client";
  const loaded r = load(doc.dump());
  ASSERT_TRUE(r.ok) << r.error.to_string();
  EXPECT_TRUE(r.cases[0].needs_extension_offer);
  doc["peer"] = "both";
  expect_error(doc, "/needs_extension_offer", "peer \"client\"");
  doc.erase("peer");
  expect_error(doc, "/needs_extension_offer", "peer \"client\"");
  doc["steps"] = ojson::parse(R"([{"respond": {}}])");
  EXPECT_TRUE(load(doc.dump()).ok);  // a respond step makes it a client case
  doc["needs_extension_offer"] = 1;
  expect_error(doc, "/needs_extension_offer", "expected true or false");
}

// respond.delay_ms: the response held back, within the case's time-out.
TEST(CaseLoader, RespondDelayFitsTheCase) {
  ojson doc = base_case();
  doc["steps"] = ojson::parse(R"([{"respond": {"delay_ms": 1000}}])");
  const loaded r = load(doc.dump());
  ASSERT_TRUE(r.ok) << r.error.to_string();
  EXPECT_EQ(std::get<respond_spec>(r.cases[0].steps[0]).delay_ms, 1000u);
  doc["steps"][0]["respond"]["delay_ms"] = 5000;
  expect_error(doc, "/steps/0/respond/delay_ms", "not less than the case's time-out of 5000 ms");
  doc["timeout_ms"] = 6000;
  EXPECT_TRUE(load(doc.dump()).ok);
  doc["steps"][0]["respond"]["delay_ms"] = 0;
  expect_error(doc, "/steps/0/respond/delay_ms", "0 is out of range (1..60000)");
}

}  // namespace
}  // namespace wsspec
