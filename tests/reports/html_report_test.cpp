#include "wsspec/reports/html_report.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <span>
#include <string>

#include "markup_scan.hpp"
#include "sample_runs.hpp"
#include "wsspec/codec/utf8.hpp"

namespace wsspec {
namespace {

using test::scan_tags;

bool valid_utf8(const std::string& s) {
  return codec::validate_utf8(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()))
      .valid;
}

std::size_t count(const std::string& hay, std::string_view needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

std::string script_of(const std::string& html) {
  for (const auto& t : scan_tags(html)) {
    if (t.name == "script") return t.raw_text;
  }
  return {};
}

// ----- hostile target -----

class HostileReport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { html_ = new std::string(render_html(sample::hostile_run())); }
  static void TearDownTestSuite() {
    delete html_;
    html_ = nullptr;
  }
  static const std::string& html() { return *html_; }
  static std::string* html_;
};
std::string* HostileReport::html_ = nullptr;

TEST_F(HostileReport, IsValidUtf8WithoutRawBadBytes) {
  EXPECT_TRUE(valid_utf8(html()));
  EXPECT_EQ(html().find('\xFF'), std::string::npos);
  EXPECT_EQ(html().find('\xFE'), std::string::npos);
  // C0 controls and the bidi override are replaced, not passed through.
  EXPECT_EQ(html().find('\x01'), std::string::npos);
  EXPECT_EQ(html().find('\x1B'), std::string::npos);
  EXPECT_EQ(html().find("\xE2\x80\xAE"), std::string::npos);
  EXPECT_NE(html().find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD stands in
}

TEST_F(HostileReport, NoPayloadAppearsUnescaped) {
  for (const auto& p : sample::hostile_payloads()) {
    EXPECT_EQ(html().find(p), std::string::npos) << p;
  }
  EXPECT_EQ(html().find("<script>alert"), std::string::npos);
  EXPECT_EQ(html().find("<img"), std::string::npos);
  EXPECT_EQ(html().find("</textarea>"), std::string::npos);
  EXPECT_EQ(html().find("<!--"), std::string::npos);
  // The escaped forms are there: the reader sees what the target sent.
  EXPECT_NE(html().find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html().find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
}

TEST_F(HostileReport, OnlyTheReportsOwnElementsAndAttributes) {
  const std::set<std::string> elements = {
      "!",      "html",   "head",    "meta",    "title",   "style",  "script", "body",
      "div",    "header", "h1",      "h2",      "h3",      "dl",     "dt",     "dd",
      "span",   "code",   "section", "button",  "p",       "ul",     "li",     "a",
      "svg",    "g",      "line",    "text",    "rect",    "circle", "figure", "figcaption",
      "select", "option", "input",   "details", "summary", "b",      "table",  "thead",
      "tbody",  "tr",     "th",      "td",      "pre",     "footer", "i"};
  const std::set<std::string> attributes = {"lang",
                                            "charset",
                                            "http-equiv",
                                            "content",
                                            "name",
                                            "class",
                                            "id",
                                            "href",
                                            "title",
                                            "rel",
                                            "type",
                                            "data-verdict",
                                            "data-area",
                                            "role",
                                            "aria-label",
                                            "aria-labelledby",
                                            "aria-pressed",
                                            "aria-hidden",
                                            "aria-live",
                                            "value",
                                            "placeholder",
                                            "autocomplete",
                                            "style",
                                            "viewbox",
                                            "x",
                                            "y",
                                            "x1",
                                            "x2",
                                            "y1",
                                            "y2",
                                            "width",
                                            "height",
                                            "rx",
                                            "r",
                                            "cx",
                                            "cy",
                                            "text-anchor",
                                            "scope"};
  int scripts = 0;
  for (const auto& t : scan_tags(html())) {
    const std::string name = t.name.starts_with("/") ? t.name.substr(1) : t.name;
    EXPECT_TRUE(elements.count(name)) << "unexpected element <" << t.name << ">";
    if (t.name == "script") {
      ++scripts;
      EXPECT_TRUE(t.attributes.empty());
    }
    for (const auto& [attr, value] : t.attributes) {
      EXPECT_TRUE(attributes.count(attr))
          << "unexpected attribute " << attr << " on <" << t.name << ">";
      EXPECT_FALSE(attr.starts_with("on")) << attr;
      if (attr == "href") {
        EXPECT_TRUE(value.starts_with("#c-") || value.starts_with("https://www.rfc-editor.org/"))
            << value;
      }
      if (attr == "style") {
        EXPECT_TRUE(value.starts_with("width:")) << value;
      }
    }
  }
  EXPECT_EQ(scripts, 1);
}

TEST_F(HostileReport, ScriptIsConstantAndAllowedByItsHash) {
  const std::string script = script_of(html());
  ASSERT_FALSE(script.empty());
  EXPECT_EQ(script, script_of(render_html(sample::realistic_run()))) << "data reached the script";
  EXPECT_EQ(script.find("__pwned"), std::string::npos);
  EXPECT_EQ(script.find("\xE2\x80\xA8"), std::string::npos);
  const std::string csp = "script-src 'sha256-" + report_text::sha256_base64(script) + "'";
  EXPECT_NE(html().find(csp), std::string::npos);
  EXPECT_NE(html().find("default-src 'none'"), std::string::npos);
  // The CSP meta comes before anything that could load or run.
  EXPECT_LT(html().find("Content-Security-Policy"), html().find("<style>"));
}

TEST_F(HostileReport, LongStringsAndTranscriptsAreCut) {
  EXPECT_EQ(html().find(std::string(report_text::max_field_bytes + 1, 'A')), std::string::npos);
  EXPECT_NE(html().find("[truncated: "), std::string::npos);
  EXPECT_NE(html().find("more lines not shown"), std::string::npos);
  // 3000 lines, some of 100 kB: the report stays small.
  EXPECT_LT(html().size(), 2u * 1024 * 1024);
}

TEST_F(HostileReport, HostileRfcSectionsGetNoLink) {
  EXPECT_EQ(html().find("href=\"javascript"), std::string::npos);
  EXPECT_NE(html().find("javascript:window.__pwned=1, "), std::string::npos);  // shown as text
  EXPECT_NE(html().find("href=\"https://www.rfc-editor.org/rfc/rfc7692#section-7.2.1\""),
            std::string::npos);
}

// ----- structure of a realistic report -----

TEST(HtmlReport, EveryCaseHasItsDetailsCellAndRerunCommand) {
  const run_summary run = sample::realistic_run();
  const std::string html = render_html(run);
  EXPECT_TRUE(valid_utf8(html));
  EXPECT_EQ(count(html, "<details class=\"case "), run.cases.size());
  EXPECT_EQ(count(html, "<a class=\"cell "), run.cases.size());
  for (std::size_t i = 0; i < run.cases.size(); ++i) {
    const auto& c = run.cases[i];
    EXPECT_NE(html.find("<span class=\"cid\" title=\"" + c.id + "\">" + c.id + "</span>"),
              std::string::npos)
        << c.id;
    EXPECT_NE(html.find("id=\"c-" + std::to_string(i) + "\" data-verdict=\"" +
                        std::string(to_string(c.overall)) + "\""),
              std::string::npos);
    // wsspec run URL --cases 'ID', the quotes escaped for HTML.
    EXPECT_NE(
        html.find("<code>wsspec run ws://127.0.0.1:9001/ --cases &#39;" + c.id + "&#39;</code>"),
        std::string::npos)
        << c.id;
  }
}

TEST(HtmlReport, RunFactsAndSummaryCounts) {
  const run_summary run = sample::realistic_run();
  const std::string html = render_html(run);
  EXPECT_NE(html.find("<title>wsspec report: ws://127.0.0.1:9001/</title>"), std::string::npos);
  EXPECT_NE(html.find("ExampleWS/2.4 (Linux)"), std::string::npos);
  EXPECT_NE(html.find("2026-11-24 07:48:24 UTC"), std::string::npos);
  EXPECT_NE(html.find("0.1.0"), std::string::npos);
  std::array<int, 6> counts{};
  for (const auto& c : run.cases) ++counts[static_cast<std::size_t>(c.overall)];
  for (verdict v : {verdict::pass, verdict::non_strict, verdict::info, verdict::unimplemented,
                    verdict::fail, verdict::error}) {
    const std::string word(to_string(v));
    EXPECT_NE(html.find("data-verdict=\"" + word + "\" title=\"Show only " + word +
                        "\"><span class=\"n\">" +
                        std::to_string(counts[static_cast<std::size_t>(v)]) + "</span>"),
              std::string::npos)
        << word;
  }
  EXPECT_GT(counts[4], 0);
  EXPECT_NE(html.find("class=\"outcome bad\">" + std::to_string(counts[4] + counts[5]) + " of "),
            std::string::npos);
}

TEST(HtmlReport, RfcSectionsLinkToTheirRfc) {
  const std::string html = render_html(sample::realistic_run());
  EXPECT_NE(html.find("<a href=\"https://www.rfc-editor.org/rfc/rfc6455#section-4.2.2\" "
                      "rel=\"noreferrer noopener\">&sect;4.2.2</a>"),
            std::string::npos);
  EXPECT_NE(html.find("<a href=\"https://www.rfc-editor.org/rfc/rfc7692#section-7.2.1\" "
                      "rel=\"noreferrer noopener\">RFC 7692 &sect;7.2.1</a>"),
            std::string::npos);
  EXPECT_EQ(html.find("rfc6455#section-RFC"), std::string::npos);
}

TEST(HtmlReport, ChartsTimePerCaseAndRoundTripBySize) {
  const run_summary run = sample::realistic_run();
  ASSERT_GT(run.cases.size(), 30u);
  const std::string html = render_html(run);
  EXPECT_EQ(count(html, "<rect class=\"bar "), 30u);
  EXPECT_NE(html.find("the 30 slowest"), std::string::npos);
  EXPECT_NE(html.find("Round-trip time vs. message size"), std::string::npos);
  EXPECT_EQ(count(html, "<circle class=\"dot "), 9u);  // the limits cases with a payload
  EXPECT_NE(html.find(">16 MiB<"), std::string::npos);

  run_summary few = run;
  few.cases.erase(std::remove_if(few.cases.begin(), few.cases.end(),
                                 [](const case_result& c) { return c.area == "limits"; }),
                  few.cases.end());
  const std::string h2 = render_html(few);
  EXPECT_EQ(h2.find("Round-trip time vs. message size"), std::string::npos);
  EXPECT_EQ(count(h2, "<circle"), 0u);
}

TEST(HtmlReport, EmptyRunStillRenders) {
  run_summary run;
  const std::string html = render_html(run);
  EXPECT_NE(html.find("No cases ran"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_TRUE(valid_utf8(html));
}

TEST(HtmlReport, BaselineIsShown) {
  run_summary run = sample::realistic_run();
  run.baseline_file = "tests/targets/ws.baseline.json";
  run.baseline_new_failures = {"utf8/invalid-3"};
  run.baseline_accepted = {"handshake/unknown-version-14"};
  const std::string html = render_html(run);
  EXPECT_NE(html.find("tests/targets/ws.baseline.json"), std::string::npos);
  EXPECT_NE(html.find("1 accepted, 1 new failures, 0 now passing"), std::string::npos);
}

// ----- the text helpers -----

TEST(ReportText, SanitizeReplacesEachMaximalIllFormedSubpart) {
  using report_text::sanitize;
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(sanitize("abc"), "abc");
  EXPECT_EQ(sanitize("\xCE\xBA\xE1\xBD\xB9"), "\xCE\xBA\xE1\xBD\xB9");
  EXPECT_EQ(sanitize("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(sanitize("a\xFF\xFE"
                     "b"),
            "a" + r + r + "b");
  EXPECT_EQ(sanitize("a\xE2\x82"), "a" + r);  // truncated at the end
  EXPECT_EQ(sanitize("\xE2\x82"
                     "A"),
            r + "A");                                      // truncated, then ASCII
  EXPECT_EQ(sanitize("\xC0\xAF"), r + r);                  // overlong: C0 never starts a sequence
  EXPECT_EQ(sanitize("\xED\xA0\x80"), r + r + r);          // surrogate (Unicode Table 3-8)
  EXPECT_EQ(sanitize("\xF4\x90\x80\x80"), r + r + r + r);  // above U+10FFFF
  EXPECT_EQ(sanitize("\xE0\x80"), r + r);
  EXPECT_EQ(sanitize("tab\tnl\ncr\r"), "tab\tnl\ncr\r");
  EXPECT_EQ(sanitize(std::string("n\0l", 3)), "n" + r + "l");
  EXPECT_EQ(sanitize("\x1B[31m"), r + "[31m");
  EXPECT_EQ(sanitize("\xC2\x85"), r);  // C1 NEL
  EXPECT_EQ(sanitize("a\xE2\x80\xAE"
                     "b"),
            "a" + r + "b");                             // U+202E
  EXPECT_EQ(sanitize("\xE2\x80\xA8"), "\xE2\x80\xA8");  // U+2028 is harmless in HTML text
  EXPECT_EQ(sanitize("x\x01y\xFF", report_text::control_chars::drop), "xy" + r);
}

TEST(ReportText, TruncateCutsOnACodePointBoundary) {
  using report_text::truncate;
  EXPECT_EQ(truncate("short", 10), "short");
  const std::string euro = "\xE2\x82\xAC";  // 3 bytes
  const std::string s = euro + euro + euro;
  const std::string t = truncate(s, 4);
  EXPECT_TRUE(t.starts_with(euro + " "));
  EXPECT_NE(t.find("[truncated: 9 bytes in all]"), std::string::npos);
  EXPECT_TRUE(valid_utf8(t));
}

TEST(ReportText, HtmlEscapeAndShellQuote) {
  EXPECT_EQ(report_text::html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(report_text::shell_quote("ws://127.0.0.1:9001/"), "ws://127.0.0.1:9001/");
  EXPECT_EQ(report_text::shell_quote("ws://h/?a=1&b=2"), "'ws://h/?a=1&b=2'");
  EXPECT_EQ(report_text::shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(report_text::shell_quote(""), "''");
  EXPECT_EQ(report_text::shell_quote("framing/text-125", true), "'framing/text-125'");
  EXPECT_EQ(report_text::rerun_command("ws://h:1/$(x)", "a'b"),
            "wsspec run 'ws://h:1/$(x)' --cases 'a'\\''b'");
}

TEST(ReportText, RfcUrls) {
  using report_text::rfc_url;
  EXPECT_EQ(rfc_url("5.2"), "https://www.rfc-editor.org/rfc/rfc6455#section-5.2");
  EXPECT_EQ(rfc_url("7.4.1"), "https://www.rfc-editor.org/rfc/rfc6455#section-7.4.1");
  EXPECT_EQ(rfc_url("RFC 6455 10.4"), "https://www.rfc-editor.org/rfc/rfc6455#section-10.4");
  EXPECT_EQ(rfc_url("RFC 7692 7.2.1"), "https://www.rfc-editor.org/rfc/rfc7692#section-7.2.1");
  EXPECT_EQ(rfc_url("RFC7692 8"), "https://www.rfc-editor.org/rfc/rfc7692#section-8");
  EXPECT_EQ(rfc_url("javascript:alert(1)"), "");
  EXPECT_EQ(rfc_url("5..2"), "");
  EXPECT_EQ(rfc_url(".5"), "");
  EXPECT_EQ(rfc_url(""), "");
  EXPECT_EQ(rfc_url("5.2\"><x"), "");
}

TEST(ReportText, Sha256KnownAnswers) {
  EXPECT_EQ(report_text::sha256_base64(""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(report_text::sha256_base64("abc"), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  // Two blocks (56 bytes: the padding spills into a second block).
  EXPECT_EQ(report_text::sha256_base64("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "JI1qYdIGOLjlwCaTDD5gOaM85Flk/yFn9uzt1BnbBsE=");
}

}  // namespace
}  // namespace wsspec
