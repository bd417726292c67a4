#include "wsspec/reports/comparison_html.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "html_chrome.hpp"

namespace wsspec {

namespace {

using namespace html_chrome;

constexpr std::string_view css = R"CSS(
.runs{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:14px}
.run{border:1px solid var(--line);border-radius:8px;padding:12px 16px;min-width:0}
.rhead{display:flex;gap:10px;align-items:baseline;margin-bottom:8px;min-width:0}
.rno{font-weight:700;font-size:17px}
.rsrc{color:var(--muted);font-family:var(--mono);font-size:12.5px;overflow-wrap:anywhere}
.run dl.meta{grid-template-columns:1fr 1fr;gap:6px 16px}
.run .wide{grid-column:1/-1}
.counts{display:flex;flex-wrap:wrap;gap:6px;margin-top:10px}
.counts .badge{min-width:0}
.run .stack{margin:10px 0 0}
.diff{border:1px solid var(--line);border-radius:8px;padding:4px 16px 14px;margin:12px 0}
.diff h3{margin-top:14px}
.vs{color:var(--muted);font-size:13.5px;margin:0 0 10px;overflow-wrap:anywhere}
.dcounts{display:flex;flex-wrap:wrap;gap:8px 20px;font-size:14px;margin:6px 0 4px}
.dcounts b{font-size:18px;font-variant-numeric:tabular-nums}
.dcounts .bad b{color:var(--fail)}
.dcounts .good b{color:var(--pass)}
h4{font-size:14px;margin:16px 0 6px;font-weight:600}
table.changes{border-collapse:collapse;width:100%;font-size:13.5px;table-layout:fixed}
table.changes th,table.changes td{border-top:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
table.changes thead th{border-top:0;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em;font-weight:600}
table.changes th.id{width:34%}
table.changes th.v{width:9em}
table.changes td.id{overflow-wrap:anywhere}
table.changes td.id span{display:block;color:var(--muted);font-size:12.5px}
table.changes td.v{white-space:nowrap}
table.changes td.r{overflow-wrap:anywhere;white-space:pre-wrap}
.badge.v-none,td.cell.v-none{background:#fff;color:var(--muted);font-style:italic;border:1px dashed var(--line)}
.mwrap{border:1px solid var(--line);border-radius:8px;overflow:auto;max-height:80vh}
table.cmp{border-collapse:separate;border-spacing:0;width:100%;font-size:13px}
table.cmp thead th{position:sticky;top:0;z-index:2;background:var(--panel);border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;white-space:nowrap;font-size:12.5px}
table.cmp thead th.rcol{text-align:center}
table.cmp tr.ahead th{background:#fff;border-top:1px solid var(--line);padding:10px 8px 4px;text-align:left;font-size:14px}
table.cmp tr.ahead th span{color:var(--muted);font-weight:400;font-size:12.5px;margin-left:8px}
table.cmp tr.row th{font-weight:400;text-align:left;padding:3px 8px;max-width:38em;border-left:3px solid transparent}
table.cmp tr.row.differs th{border-left-color:var(--fail)}
table.cmp tr.row th code{font-size:12.5px;overflow-wrap:anywhere}
table.cmp tr.row th span{color:var(--muted);margin-left:8px;font-size:12.5px}
table.cmp td.ab{font-family:var(--mono);font-size:12px;color:var(--muted);white-space:nowrap;padding:3px 8px}
table.cmp tr.row:hover th,table.cmp tr.row:hover td.ab{background:var(--panel)}
td.cell{background:var(--cell);color:var(--ct);font:600 11.5px/20px var(--mono);text-align:center;white-space:nowrap;padding:2px 8px;border:2px solid #fff;border-radius:5px;min-width:8em}
table.cmp tr.row:target th{outline:2px solid var(--fg);outline-offset:-2px}
.toolbar label{font-size:13.5px;display:inline-flex;gap:6px;align-items:center;cursor:pointer}
.toolbar input[type=checkbox]{flex:none;min-width:0;margin:0}
@media screen and (max-width:860px){.wrap{padding:18px}.runs{grid-template-columns:1fr}}
@media print{
 body{font-size:11pt}.wrap{max-width:none;padding:0}
 .toolbar,.js .toolbar.js-only,.btn{display:none!important}
 a{color:inherit;text-decoration:none}
 .outcome,.badge,td.cell,.stack span,.legend i{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 .mwrap{max-height:none;overflow:visible}
 table.cmp thead th{position:static}
 .run,.diff,table.changes tr,table.cmp tr{break-inside:avoid}
}
)CSS";

// Reads only the page's own markup (data-* attributes, text, title attributes); builds no HTML
// and attaches no inline handlers.
constexpr std::string_view script = R"JS(
(function () {
  'use strict';
  var doc = document;
  doc.documentElement.classList.add('js');
  var rows = Array.prototype.slice.call(doc.querySelectorAll('table.cmp tr.row'));
  var groups = Array.prototype.slice.call(doc.querySelectorAll('table.cmp tbody.grp'));
  var areaSel = doc.getElementById('f-area');
  var diffOnly = doc.getElementById('f-diff');
  var query = doc.getElementById('f-text');
  var count = doc.getElementById('f-count');
  var haystack = rows.map(function (r) {
    var parts = [r.textContent];
    Array.prototype.forEach.call(r.querySelectorAll('td.cell'), function (c) { parts.push(c.title); });
    return parts.join('\n').toLowerCase();
  });

  function apply() {
    var area = areaSel ? areaSel.value : '';
    var differ = diffOnly ? diffOnly.checked : false;
    var q = query ? query.value.trim().toLowerCase() : '';
    var n = 0;
    rows.forEach(function (r, i) {
      var ok = (!area || r.dataset.area === area) && (!differ || r.dataset.differs === '1') &&
               (!q || haystack[i].indexOf(q) !== -1);
      r.hidden = !ok;
      if (ok) n++;
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector('tr.row:not([hidden])'); });
    if (count) count.textContent = n + ' of ' + rows.length + ' cases shown';
  }
  function reset() {
    if (areaSel) areaSel.value = '';
    if (diffOnly) diffOnly.checked = false;
    if (query) query.value = '';
  }
  if (areaSel) areaSel.addEventListener('change', apply);
  if (diffOnly) diffOnly.addEventListener('change', apply);
  if (query) query.addEventListener('input', apply);
  var resetButton = doc.getElementById('f-reset');
  if (resetButton) resetButton.addEventListener('click', function () { reset(); apply(); });
  doc.addEventListener('click', function (e) {
    var t = e.target;
    if (!(t instanceof Element)) return;
    var a = t.closest('a[href^="#m-"]');
    if (!a) return;
    var row = doc.getElementById(a.getAttribute('href').slice(1));
    if (row && row.hidden) { reset(); apply(); }
  });
  doc.addEventListener('keydown', function (e) {
    if (e.key === '/' && query && doc.activeElement !== query &&
        !(doc.activeElement && /^(INPUT|SELECT|TEXTAREA)$/.test(doc.activeElement.tagName))) {
      e.preventDefault();
      query.focus();
    }
  });
  apply();
})();
)JS";

std::string run_no(std::size_t k) { return "#" + std::to_string(k + 1); }

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::array<std::size_t, 6> counts_of(const run_summary& r) {
  std::array<std::size_t, 6> counts{};
  for (const auto& c : r.cases) ++counts[static_cast<std::size_t>(c.overall)];
  return counts;
}

// "ws://host/ · Server: X · 2026-... UTC": what identifies a run in a sentence.
std::string run_label(const compared_run& r) {
  // Clients under test all meet the same serve-cases URL: the agent tells them apart.
  if (!r.run.target_agent.empty()) return "client " + text(r.run.target_agent, 200);
  std::string s = text(r.run.target_url.empty() ? "(no target)" : r.run.target_url, 300);
  if (!r.run.server_header.empty()) s += " &middot; " + text(r.run.server_header, 200);
  if (!r.run.started_at.empty()) s += " &middot; " + text(human_date(r.run.started_at), 64);
  return s;
}

std::string badge(const std::optional<verdict>& v) {
  if (!v) return "<span class=\"badge v-none\">not run</span>";
  return "<span class=\"badge " + vclass(*v) + "\">" + std::string(to_string(*v)) + "</span>";
}

void write_header(std::string& out, const comparison& c) {
  const std::size_t n = c.runs.size();
  out +=
      "<header class=\"top\">\n<div class=\"brand\">wsspec &middot; WebSocket conformance "
      "comparison (RFC 6455)</div>\n";
  out += "<h1>" + (n == 1 ? std::string("1 run") : std::to_string(n) + " runs compared") + ", " +
         plural(c.rows.size(), "case", "cases") + "</h1>\n";
  if (n == 1) {
    const auto counts = counts_of(c.runs[0].run);
    const std::size_t bad = counts[4] + counts[5];
    out += bad ? "<div class=\"outcome bad\">" + std::to_string(bad) + " of " +
                     plural(c.rows.size(), "case", "cases") + " failed</div>\n"
               : std::string("<div class=\"outcome ok\">No failures</div>\n");
  } else {
    std::size_t newly = 0;
    for (const auto& d : c.diffs) newly += d.newly_failing.size();
    if (newly) {
      out += "<div class=\"outcome bad\">" + std::to_string(newly) + " newly failing " +
             (newly == 1 ? "case" : "cases") + (n > 2 ? " (all runs against #1)" : "") + "</div>\n";
    } else {
      out += "<div class=\"outcome ok\">Nothing newly failing</div>\n";
    }
  }
  out += "<p class=\"hint\">Columns are the runs in the order given; " +
         std::string(n > 1 ? "the changes are those of each later run against run #1. " : "") +
         plural(c.differing_rows(), "case differs", "cases differ") + " between runs.</p>\n";
  out += "</header>\n";
}

void write_runs(std::string& out, const comparison& c) {
  out += "<section id=\"runs\" aria-labelledby=\"h-runs\">\n<h2 id=\"h-runs\">Runs</h2>\n";
  out += "<div class=\"runs\">\n";
  for (std::size_t k = 0; k < c.runs.size(); ++k) {
    const compared_run& cr = c.runs[k];
    const run_summary& r = cr.run;
    const auto counts = counts_of(r);
    out += "<div class=\"run\" id=\"r-" + std::to_string(k + 1) +
           "\">\n<div class=\"rhead\"><span class=\"rno\">" + run_no(k) +
           "</span><span class=\"rsrc\">" + text(cr.source, 500) + "</span></div>\n";
    auto item = [&](std::string_view label, const std::string& value_html, bool wide = false) {
      out += wide ? "<div class=\"wide\">" : "<div>";
      out += "<dt>";
      out += label;
      out += "</dt><dd>" + value_html + "</dd></div>\n";
    };
    out += "<dl class=\"meta\">\n";
    if (!r.target_agent.empty())
      item("Client (agent)", "<span class=\"mono\">" + text(r.target_agent, 200) + "</span>", true);
    item(r.target_agent.empty() ? "Target" : "serve-cases URL",
         r.target_url.empty() ? std::string("<span class=\"none\">none</span>")
                              : "<span class=\"mono\">" + text(r.target_url, 300) + "</span>",
         true);
    item("Server header",
         r.server_header.empty() ? std::string("<span class=\"none\">none sent</span>")
                                 : "<span class=\"mono\">" + text(r.server_header, 300) + "</span>",
         true);
    item("wsspec version", text(r.tool_version.empty() ? "unknown" : r.tool_version, 64));
    item("Started", r.started_at.empty() ? std::string("<span class=\"none\">unknown</span>")
                                         : text(human_date(r.started_at), 64));
    item("Duration", human_ms(r.duration_ms));
    item("Cases", std::to_string(r.cases.size()));
    out += "</dl>\n<div class=\"counts\">";
    for (std::size_t v = 0; v < all_verdicts.size(); ++v) {
      out += "<span class=\"badge " + vclass(all_verdicts[v]) + "\" title=\"" +
             std::string(verdict_meaning(all_verdicts[v])) + "\">" +
             std::string(to_string(all_verdicts[v])) + " " + std::to_string(counts[v]) + "</span>";
    }
    out += "</div>\n";
    if (!r.cases.empty()) {
      out += "<div class=\"stack\" role=\"img\" aria-label=\"share of cases by verdict\">";
      for (std::size_t v = 0; v < all_verdicts.size(); ++v) {
        if (counts[v] == 0) continue;
        out +=
            "<span class=\"" + vclass(all_verdicts[v]) + "\" style=\"width:" +
            fixed(100.0 * static_cast<double>(counts[v]) / static_cast<double>(r.cases.size()), 3) +
            "%\" title=\"" + std::string(to_string(all_verdicts[v])) + ": " +
            std::to_string(counts[v]) + "\"></span>";
      }
      out += "</div>\n";
    }
    out += "</div>\n";
  }
  out += "</div>\n</section>\n";
}

void write_change_list(std::string& out, const comparison& c, const run_diff& d,
                       std::string_view heading, const std::vector<case_change>& list) {
  if (list.empty()) return;
  out += "<h4>";
  out += heading;
  out += " (" + std::to_string(list.size()) + ")</h4>\n";
  out +=
      "<table class=\"changes\"><thead><tr><th scope=\"col\" class=\"id\">Case</th><th "
      "scope=\"col\" class=\"v\">" +
      run_no(d.base) + "</th><th scope=\"col\" class=\"v\">" + run_no(d.run) +
      "</th><th scope=\"col\">Reason now</th></tr></thead><tbody>\n";
  for (const case_change& ch : list) {
    const comparison_row& row = c.rows[ch.row];
    const case_result* after = c.cell(ch.row, d.run);
    const case_result* before = c.cell(ch.row, d.base);
    std::string reason;
    if (after && !deciding_reason(*after).empty()) {
      reason = text(deciding_reason(*after));
    } else if (!after && before) {
      reason = "<span class=\"none\">not run by " + run_no(d.run) + "</span>";
    } else {
      reason = "<span class=\"none\">as expected</span>";
    }
    out += "<tr><td class=\"id\"><a href=\"#m-" + std::to_string(ch.row) + "\"><code>" +
           text(row.id, 300) + "</code></a><span>" + text(row.title, 300) +
           "</span></td><td class=\"v\">" + badge(ch.before) + "</td><td class=\"v\">" +
           badge(ch.after) + "</td><td class=\"r\">" + reason + "</td></tr>\n";
  }
  out += "</tbody></table>\n";
}

void write_diffs(std::string& out, const comparison& c) {
  if (c.diffs.empty()) return;
  out +=
      "<section id=\"changes\" aria-labelledby=\"h-changes\">\n<h2 id=\"h-changes\">Changes</h2>\n";
  for (const run_diff& d : c.diffs) {
    out += "<div class=\"diff\" id=\"d-" + std::to_string(d.run + 1) + "\">\n<h3>" + run_no(d.run) +
           " against " + run_no(d.base) + "</h3>\n";
    out += "<p class=\"vs\">" + run_no(d.base) + ": " + run_label(c.runs[d.base]) + "<br>" +
           run_no(d.run) + ": " + run_label(c.runs[d.run]) + "</p>\n";
    out += "<div class=\"dcounts\">";
    out += "<span class=\"bad\"><b>" + std::to_string(d.newly_failing.size()) +
           "</b> newly failing</span>";
    out += "<span class=\"good\"><b>" + std::to_string(d.newly_passing.size()) +
           "</b> newly passing</span>";
    out += "<span><b>" + std::to_string(d.changed.size()) + "</b> other changes</span>";
    out += "<span><b>" + std::to_string(d.added.size()) + "</b> added</span>";
    out += "<span><b>" + std::to_string(d.removed.size()) + "</b> removed</span></div>\n";
    if (d.newly_failing.empty() && d.newly_passing.empty() && d.changed.empty() &&
        d.added.empty() && d.removed.empty()) {
      out += "<p class=\"none\">Every case has the same verdict in both runs.</p>\n";
    }
    write_change_list(out, c, d, "Newly failing", d.newly_failing);
    write_change_list(out, c, d, "Newly passing", d.newly_passing);
    write_change_list(out, c, d, "Other changes of verdict", d.changed);
    write_change_list(out, c, d, "Added (passing)", d.added);
    write_change_list(out, c, d, "Removed", d.removed);
    out += "</div>\n";
  }
  out += "</section>\n";
}

void write_matrix(std::string& out, const comparison& c) {
  const std::size_t n = c.runs.size();
  out += "<section id=\"matrix\" aria-labelledby=\"h-matrix\">\n<h2 id=\"h-matrix\">Matrix</h2>\n";
  out +=
      "<p class=\"hint\">One row per case, grouped by area; one column per run, coloured by "
      "verdict. A red edge marks a row whose verdicts differ. A cell's tooltip has the run's "
      "reason.</p>\n";
  out +=
      "<div class=\"toolbar js-only\" role=\"search\" aria-label=\"Filter cases\">\n"
      "<div class=\"tb-row\"><select id=\"f-area\" aria-label=\"Area\"><option value=\"\">All "
      "areas</option>";
  for (const auto& a : c.areas) {
    out += "<option value=\"" + text(a, 200) + "\">" + text(area_label(a), 200) + "</option>";
  }
  out +=
      "</select>\n<label><input type=\"checkbox\" id=\"f-diff\"> Only rows that differ (" +
      std::to_string(c.differing_rows()) +
      ")</label>\n<input id=\"f-text\" type=\"search\" placeholder=\"Filter: id, title, "
      "Autobahn id, reason\xE2\x80\xA6 (press /)\" aria-label=\"Filter by text\" "
      "autocomplete=\"off\">\n<button type=\"button\" class=\"btn\" id=\"f-reset\">Reset</button>"
      "<span id=\"f-count\" aria-live=\"polite\"></span></div>\n</div>\n";

  out +=
      "<div class=\"mwrap\"><table class=\"cmp\">\n<thead><tr><th scope=\"col\">Case</th>"
      "<th scope=\"col\">Autobahn</th>";
  for (std::size_t k = 0; k < n; ++k) {
    out += "<th scope=\"col\" class=\"rcol\" title=\"" + text(c.runs[k].source, 300) +
           " \xE2\x80\x94 " + text(c.runs[k].run.target_url, 300) + "\">" + run_no(k) + "</th>";
  }
  out += "</tr></thead>\n";
  std::size_t r = 0;
  for (const auto& area : c.areas) {
    std::size_t end = r;
    while (end < c.rows.size() && c.rows[end].area == area) ++end;
    out += "<tbody class=\"grp\" data-area=\"" + text(area, 200) +
           "\"><tr class=\"ahead\"><th colspan=\"" + std::to_string(n + 2) +
           "\" scope=\"colgroup\">" + text(area_label(area), 200) + "<span>" +
           plural(end - r, "case", "cases") + "</span></th></tr>\n";
    for (; r < end; ++r) {
      const comparison_row& row = c.rows[r];
      out += "<tr class=\"row" + std::string(row.differs ? " differs" : "") + "\" id=\"m-" +
             std::to_string(r) + "\" data-area=\"" + text(area, 200) + "\" data-differs=\"" +
             (row.differs ? "1" : "0") + "\"><th scope=\"row\"><code>" + text(row.id, 300) +
             "</code><span>" + text(row.title, 300) + "</span></th><td class=\"ab\">" +
             (row.autobahn ? text(*row.autobahn, 32) : std::string()) + "</td>";
      for (std::size_t k = 0; k < n; ++k) {
        const case_result* cr = c.cell(r, k);
        if (!cr) {
          out += "<td class=\"cell v-none\" title=\"" + run_no(k) + ": not run\">not run</td>";
          continue;
        }
        const std::string v(to_string(cr->overall));
        const std::string& why = deciding_reason(*cr);
        out += "<td class=\"cell " + vclass(cr->overall) + "\" title=\"" + run_no(k) + ": " + v +
               (why.empty() ? std::string() : " \xE2\x80\x94 " + text(why, 300)) + "\">" + v +
               "</td>";
      }
      out += "</tr>\n";
    }
    out += "</tbody>\n";
  }
  out += "</table></div>\n";
  if (c.rows.empty()) out += "<p class=\"none\">No cases in any run.</p>\n";
  out += "<div class=\"legend\" aria-hidden=\"true\">";
  for (verdict v : all_verdicts) {
    out += "<span class=\"" + vclass(v) + "\"><i></i>" + std::string(to_string(v)) + "</span>";
  }
  out += "<span class=\"v-none\"><i></i>not run</span></div>\n</section>\n";
}

}  // namespace

std::string render_comparison_html(const comparison& c, const std::string& tool_version) {
  std::size_t cells = 0;
  for (const auto& r : c.runs) cells += r.run.cases.size();
  std::string out;
  out.reserve(64 * 1024 + cells * 512);
  out += document_head(
      "wsspec comparison: " +
          (c.runs.size() == 1 ? std::string("1 run") : std::to_string(c.runs.size()) + " runs"),
      tool_version, script, css);
  write_header(out, c);
  write_runs(out, c);
  write_diffs(out, c);
  write_matrix(out, c);
  out += "<footer>Generated by wsspec " + text(tool_version, 64) +
         " from the results.json of each run. Verdicts as in Autobahn|Testsuite; fail and error "
         "count as failing, the other verdicts as passing. Specifications: <a "
         "href=\"https://www.rfc-editor.org/rfc/rfc6455\" rel=\"noreferrer noopener\">RFC "
         "6455</a>, <a href=\"https://www.rfc-editor.org/rfc/rfc7692\" rel=\"noreferrer "
         "noopener\">RFC 7692</a>.</footer>\n</div>\n<script>";
  out += script;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace wsspec
