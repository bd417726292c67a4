// Internal to wsspec_reports: what the single-run report (html_report.cpp) and the comparison
// page (comparison_html.cpp) share, so both look alike and both treat untrusted text the same
// way: the colours and base styles, the verdict vocabulary, number and date formatting, and the
// document head with its Content-Security-Policy.
#pragma once

#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

#include "wsspec/reports/case_result.hpp"
#include "wsspec/reports/html_report.hpp"

namespace wsspec::html_chrome {

inline constexpr std::array<verdict, 6> all_verdicts = {verdict::pass, verdict::non_strict,
                                                        verdict::info, verdict::unimplemented,
                                                        verdict::fail, verdict::error};

// What each grade means, for a reader who has not seen Autobahn.
inline std::string_view verdict_meaning(verdict v) {
  switch (v) {
    case verdict::pass:
      return "behaves as the RFC requires";
    case verdict::non_strict:
      return "allowed, but not ideal";
    case verdict::info:
      return "recorded, not judged";
    case verdict::unimplemented:
      return "optional feature not offered";
    case verdict::fail:
      return "violates the RFC";
    case verdict::error:
      return "wsspec could not run the case";
  }
  return "";
}

// CSS class suffix of a verdict: v-pass, v-non-strict, ...
inline std::string vclass(verdict v) { return "v-" + std::string(to_string(v)); }

// Untrusted text, ready for element content or a quoted attribute.
inline std::string text(std::string_view s, std::size_t max = report_text::max_field_bytes) {
  return report_text::html_escape(report_text::truncate(report_text::sanitize(s), max));
}

inline std::string fixed(double v, int precision) {
  if (!std::isfinite(v)) v = 0;
  std::array<char, 64> buf{};
  auto r =
      std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed, precision);
  if (r.ec != std::errc{}) return "0";
  return std::string(buf.data(), r.ptr);
}

inline std::string human_ms(double ms) {
  if (!std::isfinite(ms) || ms < 0) ms = 0;
  if (ms < 10) return fixed(ms, 2) + " ms";
  if (ms < 1000) return fixed(ms, 1) + " ms";
  if (ms < 60'000) return fixed(ms / 1000, 2) + " s";
  const auto total_s = static_cast<long long>(ms / 1000);
  return std::to_string(total_s / 60) + " min " + std::to_string(total_s % 60) + " s";
}

// "2026-11-24T07:48:24Z" -> "2026-11-24 07:48:24 UTC"; anything else as it is.
inline std::string human_date(std::string_view iso) {
  if (iso.size() == 20 && iso[10] == 'T' && iso[19] == 'Z') {
    return std::string(iso.substr(0, 10)) + " " + std::string(iso.substr(11, 8)) + " UTC";
  }
  return std::string(iso);
}

inline std::string area_label(const std::string& area) { return area.empty() ? "(no area)" : area; }

// Colours, type and the pieces both pages use (header, run facts, badges, stacked bar, legend,
// sticky toolbar, footer). A page appends its own rules after these.
inline constexpr std::string_view base_css = R"CSS(
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--panel:#f6f8fa;--bg:#fff;--link:#0550ae;
--pass:#1a7f37;--pass-bg:#dafbe1;--non-strict:#9a6700;--non-strict-bg:#fff8c5;--non-strict-cell:#d4a72c;
--info:#0969da;--info-bg:#ddf4ff;--unimplemented:#59636e;--unimplemented-bg:#eff2f5;--unimplemented-cell:#afb8c1;
--fail:#cf222e;--fail-bg:#ffebe9;--error:#8250df;--error-bg:#fbefff;
--mono:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono","DejaVu Sans Mono",monospace}
*{box-sizing:border-box}
[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","Noto Sans","Liberation Sans",Arial,sans-serif}
a{color:var(--link)}
.wrap{max-width:1180px;margin:0 auto;padding:28px 32px 48px}
header.top{border-bottom:1px solid var(--line);padding-bottom:20px;margin-bottom:8px}
.brand{color:var(--muted);font-size:13px;letter-spacing:.02em;text-transform:uppercase}
h1{font-size:26px;line-height:1.25;margin:4px 0 10px;font-weight:600;overflow-wrap:anywhere}
h2{font-size:19px;margin:32px 0 12px;font-weight:600}
h3{font-size:16px;margin:22px 0 8px;font-weight:600}
.outcome{display:inline-block;font-weight:600;padding:3px 12px;border-radius:999px;font-size:14px;margin-bottom:14px}
.outcome.ok{background:var(--pass-bg);color:var(--pass)}
.outcome.bad{background:var(--fail-bg);color:var(--fail)}
dl.meta{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:10px 24px;margin:0}
dl.meta div{min-width:0}
dl.meta dt{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em}
dl.meta dd{margin:0;overflow-wrap:anywhere}
dl.meta .wide{grid-column:1/-1}
.none{color:var(--muted);font-style:italic}
code,pre,.mono{font-family:var(--mono);font-size:13px}
.stack{display:flex;height:10px;border-radius:5px;overflow:hidden;margin:16px 0 4px;background:var(--unimplemented-bg)}
.stack span{display:block;height:100%}
.v-pass{--c:var(--pass);--cb:var(--pass-bg);--cell:var(--pass);--ct:#fff}
.v-non-strict{--c:var(--non-strict);--cb:var(--non-strict-bg);--cell:var(--non-strict-cell);--ct:#1f2328}
.v-info{--c:var(--info);--cb:var(--info-bg);--cell:var(--info);--ct:#fff}
.v-unimplemented{--c:var(--unimplemented);--cb:var(--unimplemented-bg);--cell:var(--unimplemented-cell);--ct:#1f2328}
.v-fail{--c:var(--fail);--cb:var(--fail-bg);--cell:var(--fail);--ct:#fff}
.v-error{--c:var(--error);--cb:var(--error-bg);--cell:var(--error);--ct:#fff}
.stack span{background:var(--cell)}
.badge{display:inline-block;min-width:7.2em;text-align:center;font-size:12px;font-weight:600;padding:1px 8px;border-radius:999px;background:var(--cb);color:var(--c);border:1px solid color-mix(in srgb,var(--c) 30%,transparent);white-space:nowrap}
.hint{color:var(--muted);margin:0 0 12px;font-size:14px}
.legend{display:flex;flex-wrap:wrap;gap:16px;margin-top:10px;font-size:13px;color:var(--muted)}
.legend i{display:inline-block;width:12px;height:12px;border-radius:3px;background:var(--cell);margin-right:6px;vertical-align:-1px}
.toolbar{position:sticky;top:0;z-index:5;background:rgba(255,255,255,.96);backdrop-filter:blur(4px);border:1px solid var(--line);border-radius:8px;padding:10px 12px;flex-direction:column;gap:8px;margin-bottom:8px}
.tb-row{display:flex;flex-wrap:wrap;gap:8px 10px;align-items:center}
.js-only{display:none!important}
.js .toolbar.js-only{display:flex!important}
.js button.js-only{display:inline-block!important}
.toolbar select,.toolbar input,.btn{font:inherit;font-size:13.5px;border:1px solid var(--line);border-radius:6px;padding:4px 8px;background:#fff;color:var(--fg)}
.toolbar input{flex:1 1 220px;min-width:160px}
.toolbar select{max-width:16em}
.btn{cursor:pointer}
.btn:hover,.chip:hover{border-color:#8c959f}
#f-count{color:var(--muted);font-size:13px;margin-left:auto}
footer{margin-top:40px;padding-top:14px;border-top:1px solid var(--line);color:var(--muted);font-size:13px}
)CSS";

// From <!DOCTYPE> to the opening <div class="wrap">. The CSP comes before anything else: nothing
// may be loaded and only `script` (by its SHA-256) may run. `title_html` is already escaped.
inline std::string document_head(const std::string& title_html, std::string_view tool_version,
                                 std::string_view script, std::string_view page_css) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; img-src data:; script-src 'sha256-" +
      report_text::sha256_base64(script) + "'; base-uri 'none'; form-action 'none'\">\n";
  out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"wsspec " + text(tool_version, 64) + "\">\n";
  out += "<title>" + title_html + "</title>\n";
  out += "<style>";
  out += base_css;
  out += page_css;
  out += "</style>\n</head>\n<body>\n<div class=\"wrap\">\n";
  return out;
}

}  // namespace wsspec::html_chrome
