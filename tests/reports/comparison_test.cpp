// `wsspec report`'s library side: reading results.json back (strict about what it needs, with
// the JSON pointer of the problem, bounded on hostile files), the comparison model (row order,
// the diff's classes) and the comparison page (self-contained, nothing injected).
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <span>
#include <string>

#include "markup_scan.hpp"
#include "sample_runs.hpp"
#include "wsspec/codec/utf8.hpp"
#include "wsspec/reports/comparison.hpp"
#include "wsspec/reports/comparison_html.hpp"
#include "wsspec/reports/html_report.hpp"
#include "wsspec/reports/results_reader.hpp"

namespace wsspec {
namespace {

using nlohmann::json;
using test::scan_tags;

// The smallest results.json the reader accepts, with `cases`.
json minimal(json cases = json::array()) {
  return {{"tool", {{"name", "wsspec"}, {"version", "0.1.0"}}},
          {"target", {{"url", "ws://127.0.0.1:9001/"}, {"server", ""}}},
          {"summary", json::object()},
          {"cases", std::move(cases)}};
}

json a_case(const std::string& id, const std::string& v) { return {{"id", id}, {"verdict", v}}; }

// The error of parsing `text`, as "POINTER: MESSAGE" (empty when it parsed).
std::string text_error(const std::string& text, const results_limits& limits = {}) {
  run_summary r;
  results_error err;
  if (parse_results_json(text, r, err, limits)) return {};
  return err.to_string();
}

std::string error_of(const json& j) { return text_error(j.dump()); }

// ----- reader -----

TEST(ResultsReader, RoundTripsWhatResultsJsonWrites) {
  const run_summary in = sample::realistic_run();
  run_summary out;
  results_error err;
  ASSERT_TRUE(parse_results_json(to_json(in).dump(), out, err)) << err.to_string();
  EXPECT_EQ(out.tool_version, in.tool_version);
  EXPECT_EQ(out.target_url, in.target_url);
  EXPECT_EQ(out.server_header, in.server_header);
  EXPECT_EQ(out.started_at, in.started_at);
  EXPECT_DOUBLE_EQ(out.duration_ms, in.duration_ms);
  EXPECT_EQ(out.command, in.command);
  ASSERT_EQ(out.cases.size(), in.cases.size());
  for (std::size_t i = 0; i < in.cases.size(); ++i) {
    const case_result &a = in.cases[i], &b = out.cases[i];
    EXPECT_EQ(b.id, a.id);
    EXPECT_EQ(b.area, a.area);
    EXPECT_EQ(b.title, a.title);
    EXPECT_EQ(b.autobahn, a.autobahn);
    EXPECT_EQ(b.rfc, a.rfc);
    EXPECT_EQ(b.tags, a.tags);
    EXPECT_EQ(b.why, a.why);
    EXPECT_EQ(b.overall, a.overall) << a.id;
    EXPECT_EQ(b.data, a.data) << a.id;
    EXPECT_EQ(b.closing, a.closing) << a.id;
    EXPECT_EQ(b.reason, a.reason);
    EXPECT_EQ(b.closing_reason, a.closing_reason);
    EXPECT_EQ(b.remote_close_code, a.remote_close_code);
    EXPECT_DOUBLE_EQ(b.duration_ms, a.duration_ms);
    // Typed events come back as their rendered lines.
    EXPECT_EQ(b.transcript, transcript_lines(a));
    EXPECT_EQ(transcript_lines(b), transcript_lines(a));
  }
}

TEST(ResultsReader, ToleratesUnknownFieldsAndFillsWhatIsOptional) {
  json j = minimal({{{"id", "framing/x"},
                     {"verdict", "fail"},
                     {"reason", "why not"},
                     {"from_the_future", {1, 2, 3}}}});
  j["something_new"] = {{"a", 1}};
  j["tool"]["build"] = "abc";
  run_summary r;
  results_error err;
  ASSERT_TRUE(parse_results_json(j.dump(), r, err)) << err.to_string();
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.cases[0].area, "framing");  // derived from the id when "area" is absent
  EXPECT_EQ(r.cases[0].overall, verdict::fail);
  EXPECT_EQ(r.cases[0].data, verdict::fail);
  EXPECT_EQ(deciding_reason(r.cases[0]), "why not");
  EXPECT_FALSE(r.cases[0].autobahn);
}

TEST(ResultsReader, ErrorsNameTheJsonPointer) {
  json cases = json::array();
  for (int i = 0; i < 3; ++i) cases.push_back(a_case("c/" + std::to_string(i), "pass"));
  cases.push_back(a_case("c/3", "x"));
  EXPECT_EQ(error_of(minimal(cases)),
            "/cases/3/verdict: unknown verdict \"x\" (pass, non-strict, info, unimplemented, "
            "fail or error)");

  EXPECT_EQ(error_of(minimal({{{"verdict", "pass"}}})), "/cases/0/id: missing (required)");
  EXPECT_EQ(error_of(minimal({{{"id", 7}, {"verdict", "pass"}}})),
            "/cases/0/id: expected a string, got number");
  EXPECT_EQ(error_of(minimal({{{"id", ""}, {"verdict", "pass"}}})), "/cases/0/id: empty case id");
  EXPECT_EQ(error_of(minimal({a_case("a", "pass"), a_case("a", "fail")})),
            "/cases/1/id: duplicate case id \"a\"");
  EXPECT_EQ(error_of(minimal({{{"id", "a"}}})), "/cases/0/verdict: missing (required)");
  EXPECT_EQ(error_of(minimal({{{"id", "a"}, {"verdict", true}}})),
            "/cases/0/verdict: expected a string, got boolean");
  EXPECT_EQ(error_of(minimal({"a"})), "/cases/0: expected an object, got string");
  EXPECT_EQ(
      error_of(minimal({{{"id", "a"}, {"verdict", "pass"}, {"transcript", {"ok", "ok", 3}}}})),
      "/cases/0/transcript/2: expected a string, got number");
  EXPECT_EQ(error_of(minimal({{{"id", "a"}, {"verdict", "pass"}, {"rfc", "5.2"}}})),
            "/cases/0/rfc: expected an array of strings, got string");
  EXPECT_EQ(error_of(minimal({{{"id", "a"}, {"verdict", "pass"}, {"duration_ms", -1}}})),
            "/cases/0/duration_ms: expected a time >= 0, got -1");
  EXPECT_EQ(error_of(minimal({{{"id", "a"}, {"verdict", "pass"}, {"remote_close_code", 70000}}})),
            "/cases/0/remote_close_code: close code 70000 is not in 0-65535");
  EXPECT_EQ(error_of(minimal({{{"id", "a"}, {"verdict", "pass"}, {"remote_close_code", "1000"}}})),
            "/cases/0/remote_close_code: expected an integer or null, got string");
  EXPECT_EQ(error_of(minimal({{{"id", "a"}, {"verdict", "pass"}, {"verdict_closing", "meh"}}})),
            "/cases/0/verdict_closing: unknown verdict \"meh\" (pass, non-strict, info, "
            "unimplemented, fail or error)");
  EXPECT_EQ(error_of(minimal({{{"id", "a"}, {"verdict", "pass"}, {"autobahn", 1.1}}})),
            "/cases/0/autobahn: expected a string or null, got number");

  json j = minimal();
  j.erase("tool");
  EXPECT_EQ(error_of(j), "/tool: missing (required)");
  j = minimal();
  j["tool"].erase("version");
  EXPECT_EQ(error_of(j), "/tool/version: missing (required)");
  j = minimal();
  j["target"] = "ws://x/";
  EXPECT_EQ(error_of(j), "/target: expected an object, got string");
  j = minimal();
  j["summary"]["fail"] = -2;
  EXPECT_EQ(error_of(j), "/summary/fail: expected a count (integer >= 0), got number");
  j = minimal();
  j["cases"] = json::object();
  EXPECT_EQ(error_of(j), "/cases: expected an array, got object");
  j = minimal();
  j["duration_ms"] = "fast";
  EXPECT_EQ(error_of(j), "/duration_ms: expected a number, got string");
  j = minimal();
  j["baseline"] = {{"file", "b.json"}, {"accepted", {"x", false}}};
  EXPECT_EQ(error_of(j), "/baseline/accepted/1: expected a string, got boolean");
  EXPECT_EQ(text_error("[1, 2]"), "expected a JSON object (a wsspec results.json), got array");
}

TEST(ResultsReader, HostileValuesInMessagesAreQuotedAndCut) {
  const std::string msg = error_of(minimal({a_case("a", "\x1b[31m" + std::string(500, 'x'))}));
  EXPECT_EQ(msg.find('\x1b'), std::string::npos) << msg;
  EXPECT_LT(msg.size(), 200u) << msg;
  EXPECT_TRUE(msg.starts_with("/cases/0/verdict: unknown verdict \"")) << msg;
}

TEST(ResultsReader, NotJsonOrNotUtf8IsAnErrorNotAnException) {
  EXPECT_TRUE(text_error("").starts_with("not valid JSON: ")) << text_error("");
  EXPECT_TRUE(text_error("{\"tool\": ").starts_with("not valid JSON: "))
      << text_error("{\"tool\": ");
  EXPECT_TRUE(text_error("{} trailing").starts_with("not valid JSON: "));
  EXPECT_TRUE(text_error("\x1b[2J").starts_with("not valid JSON: "));
  // Invalid UTF-8 in a string, and a lone byte outside one.
  std::string bad = minimal({a_case("a", "pass")}).dump();
  bad.replace(bad.find("\"a\""), 3, "\"\xFF\xFE\"");
  const std::string msg = text_error(bad);
  EXPECT_TRUE(msg.starts_with("not valid JSON: ")) << msg;
  EXPECT_EQ(msg.find('\xFF'), std::string::npos);
  EXPECT_TRUE(text_error("\xC0\xAF").starts_with("not valid JSON: "));
  EXPECT_EQ(text_error(R"({"tool": {"name": "wsspec", "version": "1"}, "n": 1e400})"),
            "not valid JSON: number overflow parsing '1e400'");
  // A surrogate encoded in UTF-8 is ill-formed too.
  std::string surrogate = minimal({a_case("a", "pass")}).dump();
  surrogate.replace(surrogate.find("\"a\""), 3, "\"a\xED\xA0\x80\"");
  EXPECT_TRUE(text_error(surrogate).starts_with("not valid JSON: ")) << text_error(surrogate);
}

TEST(ResultsReader, LimitsOnSizeDepthAndValues) {
  results_limits small;
  small.max_bytes = 100;
  const std::string text = minimal({a_case("some/long-case-id", "pass")}).dump();
  ASSERT_GT(text.size(), 100u);
  EXPECT_EQ(text_error(text, small),
            "file too big: " + std::to_string(text.size()) + " bytes, at most 100");

  // Nesting: refused while parsing, however deep.
  const std::string deep = std::string(1'000'000, '[') + std::string(1'000'000, ']');
  EXPECT_EQ(text_error(deep), "nested deeper than 64 levels");
  json j = minimal({a_case("a", "pass")});
  j["extra"] = json::parse(std::string(40, '[') + std::string(40, ']'));
  EXPECT_EQ(error_of(j), "");  // deep, but within the limit

  results_limits few;
  few.max_values = 1000;
  json many = minimal();
  many["padding"] = json::array();
  for (int i = 0; i < 2000; ++i) many["padding"].push_back(i);
  EXPECT_EQ(text_error(many.dump(), few), "more than 1000 JSON values");
}

class ResultsFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("wsspec_comparison_test_" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::filesystem::path write(const std::string& name, const std::string& text) {
    const auto p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  std::filesystem::path dir_;
};

TEST_F(ResultsFile, ReadNamesTheFile) {
  run_summary r;
  results_error err;
  EXPECT_FALSE(read_results_file(dir_ / "missing.json", r, err));
  EXPECT_EQ(err.to_string(), (dir_ / "missing.json").string() + ": no such file");
  EXPECT_FALSE(read_results_file(dir_, r, err));
  EXPECT_EQ(err.to_string(), dir_.string() + ": is a folder, not a results.json file");

  const auto bad = write("bad.json", minimal({a_case("a", "pass"), a_case("b", "x")}).dump());
  EXPECT_FALSE(read_results_file(bad, r, err));
  EXPECT_EQ(err.to_string(), bad.string() +
                                 ": /cases/1/verdict: unknown verdict \"x\" (pass, non-strict, "
                                 "info, unimplemented, fail or error)");

  results_limits small;
  small.max_bytes = 10;
  EXPECT_FALSE(read_results_file(bad, r, err, small));
  EXPECT_EQ(err.to_string(), bad.string() + ": file too big: more than 10 bytes");

  const auto good =
      write("good.json",
            to_json(sample::realistic_run()).dump(2, ' ', false, json::error_handler_t::replace));
  EXPECT_TRUE(read_results_file(good, r, err)) << err.to_string();
  EXPECT_EQ(r.cases.size(), sample::realistic_run().cases.size());
}

// ----- comparison model -----

run_summary run_of(std::vector<std::pair<std::string, verdict>> cases) {
  run_summary r;
  r.target_url = "ws://127.0.0.1:9001/";
  for (auto& [id, v] : cases) {
    case_result c;
    c.id = id;
    c.area = id.substr(0, id.find('/'));
    c.overall = c.data = v;
    c.reason = v == verdict::pass ? "" : "reason of " + id;
    r.cases.push_back(c);
  }
  return r;
}

std::vector<std::string> ids(const comparison& c, const std::vector<case_change>& changes) {
  std::vector<std::string> out;
  for (const auto& ch : changes) out.push_back(c.rows[ch.row].id);
  return out;
}

TEST(Comparison, RowsAreTheUnionGroupedByAreaInFirstSeenOrder) {
  const verdict P = verdict::pass;
  const comparison c = compare_runs({
      {"a", run_of({{"b/2", P}, {"a/1", P}, {"b/1", P}})},
      {"b", run_of({{"c/1", P}, {"a/0", P}, {"b/1", P}, {"b/3", P}})},
  });
  EXPECT_EQ(c.areas, (std::vector<std::string>{"b", "a", "c"}));
  std::vector<std::string> order;
  for (const auto& r : c.rows) order.push_back(r.id);
  EXPECT_EQ(order, (std::vector<std::string>{"b/2", "b/1", "b/3", "a/1", "a/0", "c/1"}));
  ASSERT_EQ(c.rows[1].cells.size(), 2u);
  EXPECT_EQ(c.rows[1].cells[0], 2u);
  EXPECT_EQ(c.rows[1].cells[1], 2u);
  EXPECT_FALSE(c.rows[1].differs);
  EXPECT_TRUE(c.rows[0].differs);  // b/2 is not in run b
  EXPECT_EQ(c.cell(0, 1), nullptr);
  EXPECT_EQ(c.differing_rows(), 5u);
}

TEST(Comparison, DiffClassifiesEveryChange) {
  const verdict P = verdict::pass, NS = verdict::non_strict, I = verdict::info,
                U = verdict::unimplemented, F = verdict::fail, E = verdict::error;
  const comparison c = compare_runs({
      {"old", run_of({{"x/same-pass", P},
                      {"x/same-fail", F},
                      {"x/pass-fail", P},
                      {"x/ns-error", NS},
                      {"x/info-fail", I},
                      {"x/unimpl-fail", U},
                      {"x/fail-pass", F},
                      {"x/error-ns", E},
                      {"x/pass-ns", P},
                      {"x/fail-error", F},
                      {"x/removed-fail", F},
                      {"x/removed-pass", P}})},
      {"new", run_of({{"x/same-pass", P},
                      {"x/same-fail", F},
                      {"x/pass-fail", F},
                      {"x/ns-error", E},
                      {"x/info-fail", F},
                      {"x/unimpl-fail", F},
                      {"x/fail-pass", P},
                      {"x/error-ns", NS},
                      {"x/pass-ns", NS},
                      {"x/fail-error", E},
                      {"x/added-fail", F},
                      {"x/added-pass", P}})},
  });
  ASSERT_EQ(c.diffs.size(), 1u);
  const run_diff& d = c.diffs[0];
  EXPECT_EQ(d.base, 0u);
  EXPECT_EQ(d.run, 1u);
  EXPECT_EQ(ids(c, d.newly_failing),
            (std::vector<std::string>{"x/pass-fail", "x/ns-error", "x/info-fail", "x/unimpl-fail",
                                      "x/added-fail"}));
  EXPECT_EQ(ids(c, d.newly_passing), (std::vector<std::string>{"x/fail-pass", "x/error-ns"}));
  EXPECT_EQ(ids(c, d.changed), (std::vector<std::string>{"x/pass-ns", "x/fail-error"}));
  EXPECT_EQ(ids(c, d.added), (std::vector<std::string>{"x/added-pass"}));
  EXPECT_EQ(ids(c, d.removed), (std::vector<std::string>{"x/removed-fail", "x/removed-pass"}));
  EXPECT_FALSE(d.newly_failing.back().before);  // added-fail: not run before
  EXPECT_EQ(d.newly_failing.back().after, F);
  EXPECT_FALSE(d.removed.front().after);
}

TEST(Comparison, ThreeRunsAreEachDiffedAgainstTheFirst) {
  const verdict P = verdict::pass, F = verdict::fail;
  const comparison c = compare_runs(
      {{"1", run_of({{"a/x", P}})}, {"2", run_of({{"a/x", F}})}, {"3", run_of({{"a/x", P}})}});
  ASSERT_EQ(c.diffs.size(), 2u);
  EXPECT_EQ(c.diffs[0].newly_failing.size(), 1u);
  EXPECT_EQ(c.diffs[1].run, 2u);
  EXPECT_TRUE(c.diffs[1].newly_failing.empty());
  EXPECT_TRUE(c.rows[0].differs);
  const comparison one = compare_runs({{"1", run_of({{"a/x", F}})}});
  EXPECT_TRUE(one.diffs.empty());
  EXPECT_FALSE(one.rows[0].differs);
}

TEST(Comparison, JsonHasRunsCasesAndDiffs) {
  const comparison c = compare_runs({{"A/results.json", sample::realistic_run()},
                                     {"B/results.json", sample::realistic_run_later()}});
  const json j = to_json(c, "9.9.9");
  EXPECT_EQ(j["tool"]["version"], "9.9.9");
  ASSERT_EQ(j["runs"].size(), 2u);
  EXPECT_EQ(j["runs"][1]["source"], "B/results.json");
  EXPECT_EQ(j["runs"][1]["target"]["server"], "ExampleWS/2.5 (Linux)");
  EXPECT_EQ(j["runs"][1]["started_at"], "2026-12-01T09:12:03Z");
  EXPECT_EQ(j["runs"][0]["summary"]["fail"], 4);
  EXPECT_EQ(j["cases"].size(), c.rows.size());
  ASSERT_EQ(j["diffs"].size(), 1u);
  const json& d = j["diffs"][0];
  EXPECT_EQ(d["counts"]["newly_failing"], 3);
  EXPECT_EQ(d["counts"]["newly_passing"], 2);
  EXPECT_EQ(d["counts"]["changed"], 2);
  EXPECT_EQ(d["counts"]["added"], 1);
  EXPECT_EQ(d["counts"]["removed"], 1);
  bool found = false;
  for (const auto& ch : d["newly_failing"]) {
    if (ch["id"] == "framing/text-length-65536") {
      found = true;
      EXPECT_EQ(ch["before"], "pass");
      EXPECT_EQ(ch["after"], "fail");
      EXPECT_NE(ch["reason"].get<std::string>().find("1009"), std::string::npos);
    }
    if (ch["id"] == "handshake/duplicate-key") {
      EXPECT_TRUE(ch["before"].is_null());
    }
  }
  EXPECT_TRUE(found) << d.dump(1);
  for (const auto& row : j["cases"]) {
    if (row["id"] == "compression/echo-4") {
      EXPECT_EQ(row["verdicts"], json({"unimplemented", nullptr}));
      EXPECT_TRUE(row["differs"].get<bool>());
    }
  }
}

// ----- the page -----

bool valid_utf8(const std::string& s) {
  return codec::validate_utf8(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()))
      .valid;
}

comparison hostile_comparison() {
  std::vector<compared_run> runs;
  runs.push_back({"sample/results.json", sample::realistic_run()});
  runs.push_back({"hostile/<script>window.__pwned=1</script>/results.json", sample::hostile_run()});
  runs.push_back({"later/results.json", sample::realistic_run_later()});
  // Round trip the hostile run through results.json, as `wsspec report` sees it.
  run_summary back;
  results_error err;
  EXPECT_TRUE(parse_results_json(
      to_json(runs[1].run).dump(-1, ' ', false, json::error_handler_t::replace), back, err))
      << err.to_string();
  runs[1].run = back;
  return compare_runs(std::move(runs));
}

TEST(ComparisonPage, HostileStringsNeverBecomeMarkup) {
  const std::string html = render_comparison_html(hostile_comparison(), "0.1.0");
  EXPECT_TRUE(valid_utf8(html));
  for (const auto& p : sample::hostile_payloads()) EXPECT_EQ(html.find(p), std::string::npos) << p;
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<!--"), std::string::npos);
  EXPECT_EQ(html.find('\x1B'), std::string::npos);
  EXPECT_EQ(html.find("\xE2\x80\xAE"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);

  const std::set<std::string> elements = {
      "!",      "html", "head", "meta",   "title",  "style", "script", "body",  "div",   "header",
      "h1",     "h2",   "h3",   "h4",     "dl",     "dt",    "dd",     "span",  "code",  "section",
      "button", "p",    "a",    "select", "option", "input", "label",  "table", "thead", "tbody",
      "tr",     "th",   "td",   "footer", "i",      "br",    "b"};
  const std::set<std::string> attributes = {
      "lang",         "charset",   "http-equiv", "content",
      "name",         "class",     "id",         "href",
      "title",        "rel",       "type",       "data-area",
      "data-differs", "role",      "aria-label", "aria-labelledby",
      "aria-hidden",  "aria-live", "value",      "placeholder",
      "autocomplete", "style",     "scope",      "colspan"};
  int scripts = 0;
  for (const auto& t : scan_tags(html)) {
    const std::string name = t.name.starts_with("/") ? t.name.substr(1) : t.name;
    EXPECT_TRUE(elements.count(name)) << "unexpected element <" << t.name << ">";
    if (t.name == "script") ++scripts;
    for (const auto& [attr, value] : t.attributes) {
      EXPECT_TRUE(attributes.count(attr)) << "unexpected attribute " << attr << " on <" << t.name;
      if (attr == "href") {
        EXPECT_TRUE(value.starts_with("#m-") || value.starts_with("https://www.rfc-editor.org/"))
            << value;
      }
      if (attr == "style") {
        EXPECT_TRUE(value.starts_with("width:")) << value;
      }
    }
  }
  EXPECT_EQ(scripts, 1);
}

TEST(ComparisonPage, ScriptIsConstantAndAllowedByItsHash) {
  const std::string a = render_comparison_html(hostile_comparison(), "0.1.0");
  const std::string b =
      render_comparison_html(compare_runs({{"x", sample::realistic_run()}}), "0.1.0");
  std::string sa, sb;
  for (const auto& t : scan_tags(a)) {
    if (t.name == "script") sa = t.raw_text;
  }
  for (const auto& t : scan_tags(b)) {
    if (t.name == "script") sb = t.raw_text;
  }
  ASSERT_FALSE(sa.empty());
  EXPECT_EQ(sa, sb);
  EXPECT_NE(a.find("script-src 'sha256-" + report_text::sha256_base64(sa) + "'"),
            std::string::npos);
  EXPECT_LT(a.find("Content-Security-Policy"), a.find("<style>"));
  EXPECT_NE(a.find("default-src 'none'"), std::string::npos);
}

TEST(ComparisonPage, ShowsRunsMatrixAndChanges) {
  const comparison c = compare_runs({{"A/results.json", sample::realistic_run()},
                                     {"B/results.json", sample::realistic_run_later()}});
  const std::string html = render_comparison_html(c, "0.1.0");
  EXPECT_NE(html.find("ExampleWS/2.4 (Linux)"), std::string::npos);
  EXPECT_NE(html.find("ExampleWS/2.5 (Linux)"), std::string::npos);
  EXPECT_NE(html.find("2026-12-01 09:12:03 UTC"), std::string::npos);
  EXPECT_NE(html.find("3 newly failing cases"), std::string::npos);
  EXPECT_NE(html.find("<h4>Newly failing (3)</h4>"), std::string::npos);
  EXPECT_NE(html.find("<h4>Newly passing (2)</h4>"), std::string::npos);
  EXPECT_NE(html.find("<h4>Removed (1)</h4>"), std::string::npos);
  // One matrix row per case of the union, each with one cell per run.
  std::size_t rows = 0, cells = 0;
  for (const auto& t : scan_tags(html)) {
    for (const auto& [k, v] : t.attributes) {
      if (t.name == "tr" && k == "class" && v.starts_with("row")) ++rows;
      if (t.name == "td" && k == "class" && v.starts_with("cell")) ++cells;
    }
  }
  EXPECT_EQ(rows, c.rows.size());
  EXPECT_EQ(cells, 2 * c.rows.size());
  EXPECT_NE(html.find("<td class=\"cell v-none\" title=\"#2: not run\">not run</td>"),
            std::string::npos);
  EXPECT_NE(html.find("data-differs=\"1\""), std::string::npos);
}

TEST(ComparisonPage, EmptyAndSingleRunsRender) {
  const std::string one = render_comparison_html(compare_runs({{"x", run_summary{}}}), "0.1.0");
  EXPECT_NE(one.find("No cases in any run."), std::string::npos);
  EXPECT_EQ(one.find("id=\"changes\""), std::string::npos);  // nothing to diff
  const std::string single =
      render_comparison_html(compare_runs({{"x", sample::realistic_run()}}), "0.1.0");
  EXPECT_NE(single.find("5 of "), std::string::npos);
}

}  // namespace
}  // namespace wsspec
