#include "requirements_html.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "html_chrome.hpp"

namespace wsspec::requirements_html {

namespace {

using html_chrome::text;
using html_chrome::vclass;
using report_text::html_escape;

// Cases listed per requirement before the rest are summed up in one line.
constexpr std::size_t max_listed = 10;

std::string badge(verdict v) {
  return "<span class=\"badge " + vclass(v) + "\">" + std::string(to_string(v)) + "</span>";
}

// "12 cases: 11 pass, 1 fail".
std::string tally(const run_summary& run, const std::vector<std::size_t>& cases) {
  std::array<std::size_t, html_chrome::all_verdicts.size()> n{};
  for (const std::size_t i : cases) {
    for (std::size_t k = 0; k < n.size(); ++k)
      if (html_chrome::all_verdicts[k] == run.cases[i].overall) ++n[k];
  }
  std::string s = std::to_string(cases.size()) + (cases.size() == 1 ? " case: " : " cases: ");
  bool first = true;
  for (std::size_t k = 0; k < n.size(); ++k) {
    if (n[k] == 0) continue;
    s += (first ? "" : ", ") + std::to_string(n[k]) + " " +
         std::string(to_string(html_chrome::all_verdicts[k]));
    first = false;
  }
  return s;
}

void write_row(std::string& out, const run_summary& run, const requirement_info& r,
               std::size_t index, case_anchor_fn anchor) {
  std::vector<std::size_t> cases;
  for (std::size_t i = 0; i < run.cases.size(); ++i) {
    const auto& ids = run.cases[i].requirements;
    if (std::find(ids.begin(), ids.end(), r.id) != ids.end()) cases.push_back(i);
  }
  // Worst first; equal verdicts in run order.
  std::stable_sort(cases.begin(), cases.end(), [&](std::size_t a, std::size_t b) {
    return severity(run.cases[a].overall) > severity(run.cases[b].overall);
  });

  out += "<tr id=\"r-" + std::to_string(index) + "\"><td><div><code>" + text(r.id, 200) +
         "</code></div>" + text(r.text) + "</td>";

  const std::string url = report_text::rfc_url("RFC " + r.rfc + " " + r.section);
  out += "<td>";
  if (url.empty()) {
    out += text(r.section, 64);
  } else {
    out += "<a href=\"" + html_escape(url) + "\" rel=\"noreferrer noopener\">" +
           std::string(r.rfc == "6455" ? "" : "RFC " + text(r.rfc, 16) + " ") + "&sect;" +
           text(r.section, 64) + "</a>";
  }
  out += "</td><td>" + text(r.keyword, 32) + "<div class=\"none\">" + text(r.binds, 32) +
         "</div></td>";

  if (cases.empty()) {
    out += "<td>";
    if (!r.untestable.empty()) {
      out += "<span class=\"badge v-unimplemented\">untestable</span></td><td>" +
             text(r.untestable) + "</td></tr>\n";
    } else {
      out +=
          "<span class=\"badge v-unimplemented\">not covered</span></td><td>"
          "<span class=\"none\">no case of this run checks it</span></td></tr>\n";
    }
    return;
  }
  out += "<td>" + badge(run.cases[cases.front()].overall) + "</td><td>" + tally(run, cases);
  out += "<ul class=\"ids\">";
  for (std::size_t k = 0; k < cases.size() && k < max_listed; ++k) {
    const case_result& c = run.cases[cases[k]];
    out += "<li>" + badge(c.overall) + " <a href=\"#" + anchor(cases[k]) + "\">" + text(c.id, 300) +
           "</a></li>";
  }
  if (cases.size() > max_listed) {
    out += "<li class=\"none\">and " + std::to_string(cases.size() - max_listed) + " more</li>";
  }
  out += "</ul></td></tr>\n";
}

}  // namespace

void write_section(std::string& out, const run_summary& run, case_anchor_fn anchor) {
  if (run.requirements.empty()) return;
  std::size_t covered = 0, untestable = 0, open = 0;
  for (const auto& r : run.requirements) {
    const bool named = std::any_of(run.cases.begin(), run.cases.end(), [&](const case_result& c) {
      return std::find(c.requirements.begin(), c.requirements.end(), r.id) != c.requirements.end();
    });
    if (named) {
      ++covered;
    } else if (!r.untestable.empty()) {
      ++untestable;
    } else {
      ++open;
    }
  }
  out +=
      "<section id=\"requirements\" aria-labelledby=\"h-requirements\">\n"
      "<h2 id=\"h-requirements\">Requirements</h2>\n<p class=\"hint\">What RFC 6455 requires of "
      "the peer under test, one requirement per row, with the cases of this run that check it "
      "and the worst of their verdicts. " +
      std::to_string(run.requirements.size()) + " requirements: " + std::to_string(covered) +
      " checked by this run, " + std::to_string(untestable) + " that no wire test can show, " +
      std::to_string(open) +
      " not covered (client requirements, or cases left out of the run).</p>\n";
  out +=
      "<table class=\"ev\"><thead><tr><th scope=\"col\">Requirement</th><th "
      "scope=\"col\">Section</th><th scope=\"col\">Keyword</th><th scope=\"col\">Verdict</th>"
      "<th scope=\"col\">Cases</th></tr></thead><tbody>\n";
  for (std::size_t i = 0; i < run.requirements.size(); ++i)
    write_row(out, run, run.requirements[i], i, anchor);
  out += "</tbody></table>\n</section>\n";
}

}  // namespace wsspec::requirements_html
