// The "Requirements" section of the HTML report (reports/src/requirements_html.cpp): one row per
// requirement of the run's map with the cases naming it, their verdicts and the worst; untestable
// and uncovered requirements marked; nothing from the map or the cases reaches the page
// unescaped.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "markup_scan.hpp"
#include "sample_runs.hpp"
#include "wsspec/reports/html_report.hpp"

namespace wsspec {
namespace {

using test::scan_tags;

requirement_info req(std::string id, std::string section, std::string keyword, std::string binds,
                     std::string text, std::string untestable = {}) {
  return {std::move(id),    "6455",          std::move(section),   std::move(keyword),
          std::move(binds), std::move(text), std::move(untestable)};
}

// The part of the page between the section's opening tag and its end.
std::string section_of(const std::string& page) {
  const auto start = page.find("<section id=\"requirements\"");
  if (start == std::string::npos) return {};
  const auto end = page.find("</section>", start);
  return page.substr(start, end - start);
}

// The table row of requirement number `i`.
std::string row_of(const std::string& section, std::size_t i) {
  const std::string open = "<tr id=\"r-" + std::to_string(i) + "\">";
  const auto start = section.find(open);
  if (start == std::string::npos) return {};
  return section.substr(start, section.find("</tr>", start) - start);
}

run_summary sample_run() {
  run_summary run;
  run.target_url = "ws://127.0.0.1:9001/";
  auto add = [&](std::string id, verdict v, std::vector<std::string> reqs) {
    run.cases.push_back(sample::make_case(std::move(id), "area", "title", nullptr, {"5.1"}, "why",
                                          v, verdict::pass, "", "", 1.0, {}));
    run.cases.back().requirements = std::move(reqs);
  };
  add("framing/a", verdict::pass, {"6455-5.1-a"});
  add("framing/b", verdict::fail, {"6455-5.1-a", "6455-5.2-b"});
  add("framing/c", verdict::non_strict, {"6455-5.1-a"});
  run.requirements = {
      req("6455-5.1-a", "5.1", "MUST", "server", "A server closes on an unmasked frame."),
      req("6455-5.2-b", "5.2", "SHOULD", "both", "Something else."),
      req("6455-10.6-c", "10.6", "MUST", "both", "TLS.", "one ws:// connection cannot show it"),
      req("6455-5.1-d", "5.1", "MUST", "client", "A client masks."),
  };
  return run;
}

TEST(RequirementsHtml, RowsShowCasesVerdictsAndTheWorst) {
  const std::string page = render_html(sample_run());
  const std::string s = section_of(page);
  ASSERT_FALSE(s.empty());
  EXPECT_NE(s.find("<h2 id=\"h-requirements\">Requirements</h2>"), std::string::npos);
  EXPECT_NE(s.find("4 requirements: 2 checked by this run, 1 that no wire test can show, 1 not "
                   "covered"),
            std::string::npos)
      << s;

  const std::string a = row_of(s, 0);
  EXPECT_NE(a.find("<code>6455-5.1-a</code>"), std::string::npos) << a;
  EXPECT_NE(a.find("A server closes on an unmasked frame."), std::string::npos);
  EXPECT_NE(a.find("href=\"https://www.rfc-editor.org/rfc/rfc6455#section-5.1\""),
            std::string::npos)
      << a;
  EXPECT_NE(a.find(">MUST<div class=\"none\">server</div>"), std::string::npos) << a;
  EXPECT_NE(a.find("3 cases: 1 pass, 1 non-strict, 1 fail"), std::string::npos) << a;
  // The worst verdict first, then the cases worst first, each linked to its details.
  const auto worst = a.find("<td><span class=\"badge v-fail\">fail</span></td>");
  const auto fail_link = a.find("<a href=\"#c-1\">framing/b</a>");
  const auto ns_link = a.find("<a href=\"#c-2\">framing/c</a>");
  const auto pass_link = a.find("<a href=\"#c-0\">framing/a</a>");
  ASSERT_NE(worst, std::string::npos) << a;
  ASSERT_NE(fail_link, std::string::npos) << a;
  ASSERT_NE(ns_link, std::string::npos) << a;
  ASSERT_NE(pass_link, std::string::npos) << a;
  EXPECT_LT(worst, fail_link);
  EXPECT_LT(fail_link, ns_link);
  EXPECT_LT(ns_link, pass_link);

  const std::string b = row_of(s, 1);
  EXPECT_NE(b.find("1 case: 1 fail"), std::string::npos) << b;

  const std::string c = row_of(s, 2);
  EXPECT_NE(c.find("<span class=\"badge v-unimplemented\">untestable</span>"), std::string::npos)
      << c;
  EXPECT_NE(c.find("one ws:// connection cannot show it"), std::string::npos) << c;

  const std::string d = row_of(s, 3);
  EXPECT_NE(d.find("<span class=\"badge v-unimplemented\">not covered</span>"), std::string::npos)
      << d;
  EXPECT_NE(d.find("no case of this run checks it"), std::string::npos) << d;
}

TEST(RequirementsHtml, ManyCasesAreSummedUp) {
  run_summary run = sample_run();
  for (int i = 0; i < 25; ++i) {
    run.cases.push_back(sample::make_case("many/" + std::to_string(i), "many", "t", nullptr, {}, "",
                                          verdict::pass, verdict::pass, "", "", 1.0, {}));
    run.cases.back().requirements = {"6455-5.2-b"};
  }
  const std::string b = row_of(section_of(render_html(run)), 1);
  EXPECT_NE(b.find("26 cases: 25 pass, 1 fail"), std::string::npos) << b;
  EXPECT_NE(b.find("<li class=\"none\">and 16 more</li>"), std::string::npos) << b;
}

TEST(RequirementsHtml, NoMapNoSection) {
  run_summary run = sample_run();
  run.requirements.clear();
  EXPECT_EQ(render_html(run).find("id=\"requirements\""), std::string::npos);
}

TEST(RequirementsHtml, HostileMapAndCaseIdsStayText) {
  run_summary run = sample::hostile_run();
  const std::string h = sample::hostile_text();
  run.requirements = {
      req("6455-5.1-" + h, "5.1", "MUST" + h, "server" + h, "Text " + h, ""),
      req("6455-5.2-x", "\"><script>window.__pwned=1</script>", "MUST", "both", h, h),
  };
  for (auto& c : run.cases) c.requirements = {"6455-5.1-" + h};
  const std::string page = render_html(run);
  const std::string s = section_of(page);
  ASSERT_FALSE(s.empty());
  for (const auto& p : sample::hostile_payloads()) {
    EXPECT_EQ(s.find(p), std::string::npos) << "raw payload in the section: " << p;
  }
  const std::set<std::string> elements = {"section", "h2",   "p",  "table", "thead",
                                          "tbody",   "tr",   "th", "td",    "div",
                                          "code",    "span", "a",  "ul",    "li"};
  const std::set<std::string> attributes = {"id", "aria-labelledby", "class", "scope", "href",
                                            "rel"};
  for (const auto& t : scan_tags(s)) {
    const std::string name = t.name.starts_with("/") ? t.name.substr(1) : t.name;
    EXPECT_TRUE(elements.count(name)) << "unexpected element <" << t.name << ">";
    for (const auto& [attr, value] : t.attributes) {
      EXPECT_TRUE(attributes.count(attr)) << "unexpected attribute " << attr;
      if (attr == "href") {
        EXPECT_TRUE(value.starts_with("#c-") || value.starts_with("https://www.rfc-editor.org/"))
            << value;
      }
    }
  }
  // A section that is not a section number gets no link.
  const std::string second = row_of(s, 1);
  EXPECT_EQ(second.find("rfc-editor"), std::string::npos) << second;
}

}  // namespace
}  // namespace wsspec
