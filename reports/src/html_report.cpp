#include "wsspec/reports/html_report.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "html_chrome.hpp"
#include "requirements_html.hpp"
#include "wsspec/reports/command_line.hpp"
#include "wsspec/reports/matrix_layout.hpp"

namespace wsspec {

// ---------------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------------
namespace report_text {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

bool unwanted(char32_t cp) {
  if (cp < 0x20) return cp != '\t' && cp != '\n' && cp != '\r';
  if (cp >= 0x7F && cp <= 0x9F) return true;  // DEL, C1 controls
  if (cp == 0xFFFE || cp == 0xFFFF) return true;
  if (cp >= 0x202A && cp <= 0x202E) return true;  // bidi embeddings and overrides
  if (cp >= 0x2066 && cp <= 0x2069) return true;  // bidi isolates
  return false;
}

}  // namespace

std::string sanitize(std::string_view in, control_chars policy) {
  std::string out;
  out.reserve(in.size());
  const std::size_t n = in.size();
  std::size_t i = 0;
  auto bad = [&] {
    if (policy == control_chars::replace) out += replacement;
  };
  while (i < n) {
    const auto b = static_cast<unsigned char>(in[i]);
    if (b < 0x80) {
      if (unwanted(b)) {
        bad();
      } else {
        out += static_cast<char>(b);
      }
      ++i;
      continue;
    }
    int need = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    char32_t cp = 0;
    if (b >= 0xC2 && b <= 0xDF) {
      need = 1;
      cp = b & 0x1F;
    } else if (b == 0xE0) {
      need = 2, lo = 0xA0, cp = b & 0x0F;
    } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
      need = 2, cp = b & 0x0F;
    } else if (b == 0xED) {
      need = 2, hi = 0x9F, cp = b & 0x0F;
    } else if (b == 0xF0) {
      need = 3, lo = 0x90, cp = b & 0x07;
    } else if (b >= 0xF1 && b <= 0xF3) {
      need = 3, cp = b & 0x07;
    } else if (b == 0xF4) {
      need = 3, hi = 0x8F, cp = b & 0x07;
    } else {  // 80..C1, F5..FF: never a first byte
      out += replacement;
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    bool ok = true;
    for (int k = 0; k < need; ++k, ++j) {
      if (j >= n) {
        ok = false;
        break;
      }
      const auto c = static_cast<unsigned char>(in[j]);
      const unsigned char l = k == 0 ? lo : 0x80, h = k == 0 ? hi : 0xBF;
      if (c < l || c > h) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (c & 0x3F);
    }
    if (!ok) {  // the maximal subpart in[i, j) becomes one U+FFFD; in[j] is looked at anew
      out += replacement;
      i = j;
      continue;
    }
    if (unwanted(cp)) {
      bad();
    } else {
      out.append(in.substr(i, j - i));
    }
    i = j;
  }
  return out;
}

std::string truncate(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  std::string out(s.substr(0, cut));
  out += " \xE2\x80\xA6 [truncated: ";
  out += std::to_string(s.size());
  out += " bytes in all]";
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string shell_quote(std::string_view s, bool force_quotes) {
  auto plain = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::strchr("_./:@%+=,-", c) != nullptr;
  };
  if (!force_quotes && !s.empty() && std::all_of(s.begin(), s.end(), plain)) {
    return std::string(s);
  }
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::string rerun_command(std::string_view url, std::string_view case_id) {
  return "wsspec run " + shell_quote(url) + " --cases " + shell_quote(case_id, true);
}

std::string rfc_url(std::string_view section) {
  std::string_view rfc = "rfc6455";
  auto trim = [](std::string_view v) {
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return v;
  };
  section = trim(section);
  for (std::string_view prefix : {"RFC 7692", "RFC7692", "rfc7692"}) {
    if (section.substr(0, prefix.size()) == prefix) {
      rfc = "rfc7692";
      section = trim(section.substr(prefix.size()));
    }
  }
  for (std::string_view prefix : {"RFC 6455", "RFC6455", "rfc6455"}) {
    if (section.substr(0, prefix.size()) == prefix) section = trim(section.substr(prefix.size()));
  }
  if (section.substr(0, 1) == "\xC2\xA7") section.remove_prefix(2);  // §
  section = trim(section);
  // 1 to 4 dot-separated numbers: "5", "5.2", "7.4.1"; anything else gets no link.
  if (section.empty() || section.size() > 16 || section.front() == '.' || section.back() == '.') {
    return {};
  }
  for (std::size_t k = 0; k < section.size(); ++k) {
    const char c = section[k];
    if (c == '.') {
      if (section[k - 1] == '.') return {};
    } else if (c < '0' || c > '9') {
      return {};
    }
  }
  return "https://www.rfc-editor.org/rfc/" + std::string(rfc) + "#section-" + std::string(section);
}

// SHA-256 (FIPS 180-4), small and dependency-free: the report hashes its own script for the CSP.
std::string sha256_base64(std::string_view data) {
  static constexpr std::array<std::uint32_t, 64> k = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
      0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
      0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
      0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
      0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
      0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
      0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
      0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
      0xc67178f2};
  std::array<std::uint32_t, 8> h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  auto rotr = [](std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
  std::string msg(data);
  const std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
  msg += static_cast<char>(0x80);
  while (msg.size() % 64 != 56) msg += '\0';
  for (int s = 56; s >= 0; s -= 8) msg += static_cast<char>((bits >> s) & 0xFF);
  for (std::size_t off = 0; off < msg.size(); off += 64) {
    std::array<std::uint32_t, 64> w{};
    for (int t = 0; t < 16; ++t) {
      const auto* p = reinterpret_cast<const unsigned char*>(msg.data() + off + 4 * t);
      w[t] = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
             (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
    }
    for (int t = 16; t < 64; ++t) {
      const std::uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
      const std::uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    auto [a, b, c, d, e, f, g, hh] = h;
    for (int t = 0; t < 64; ++t) {
      const std::uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const std::uint32_t ch = (e & f) ^ (~e & g);
      const std::uint32_t t1 = hh + S1 + ch + k[t] + w[t];
      const std::uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
      const std::uint32_t t2 = S0 + maj;
      hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
  }
  std::string digest;
  for (std::uint32_t v : h) {
    for (int s = 24; s >= 0; s -= 8) digest += static_cast<char>((v >> s) & 0xFF);
  }
  static constexpr char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < digest.size(); i += 3) {
    const std::uint32_t n =
        (std::uint32_t{static_cast<unsigned char>(digest[i])} << 16) |
        (i + 1 < digest.size() ? std::uint32_t{static_cast<unsigned char>(digest[i + 1])} << 8
                               : 0) |
        (i + 2 < digest.size() ? std::uint32_t{static_cast<unsigned char>(digest[i + 2])} : 0);
    out += b64[(n >> 18) & 63];
    out += b64[(n >> 12) & 63];
    out += i + 1 < digest.size() ? b64[(n >> 6) & 63] : '=';
    out += i + 2 < digest.size() ? b64[n & 63] : '=';
  }
  return out;
}

}  // namespace report_text

// ---------------------------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------------------------
namespace {

using report_text::html_escape;
using namespace html_chrome;

std::string human_bytes(double b) {
  if (b < 1024) return fixed(b, 0) + " B";
  if (b < 1024.0 * 1024) return fixed(b / 1024, b < 10 * 1024 ? 1 : 0) + " KiB";
  return fixed(b / (1024.0 * 1024), b < 10 * 1024.0 * 1024 ? 1 : 0) + " MiB";
}

// 1-2-5 steps: a round tick step giving about `ticks` intervals up to max.
double nice_step(double max, int ticks) {
  if (!(max > 0)) return 1;
  const double raw = max / ticks;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

// An axis label with as many decimals as the tick step needs: "0", "0.5", "0.002".
std::string tick_label(double v, double step) {
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  return fixed(v, std::clamp(decimals, 0, 9));
}

struct size_point {
  std::size_t index;
  double bytes;
  double ms;
  bool from_transcript;
};

// Message size and round trip of a limits/performance case, from its typed transcript: the
// largest payload wsspec sent, and the time from sending it to the target's next answer.
std::optional<size_point> size_of(const case_result& c, std::size_t index) {
  const bool tagged = std::any_of(c.tags.begin(), c.tags.end(), [](const std::string& t) {
    return t == "limits" || t == "performance";
  });
  if (!tagged) return std::nullopt;
  const observation* biggest = nullptr;
  std::size_t at = 0;
  for (std::size_t i = 0; i < c.events.size(); ++i) {
    const observation& o = c.events[i];
    const bool sent_payload =
        o.what == observation::kind::sent_message || o.what == observation::kind::sent_frame;
    if (sent_payload && (!biggest || o.size > biggest->size)) {
      biggest = &o;
      at = i;
    }
  }
  if (!biggest) return std::nullopt;
  size_point pt{index, static_cast<double>(biggest->size), c.duration_ms, false};
  for (std::size_t i = at + 1; i < c.events.size(); ++i) {
    if (!c.events[i].from_target()) continue;
    pt.ms = c.events[i].t_ms - biggest->t_ms;
    pt.from_transcript = true;
    break;
  }
  return pt;
}

// ----- the stylesheet and the script (constants: the script's hash goes into the CSP) -----

// The report's own rules, after html_chrome::base_css.
constexpr std::string_view css = R"CSS(
.cards{display:grid;grid-template-columns:repeat(6,1fr);gap:12px}
.card{font:inherit;text-align:left;display:flex;flex-direction:column;justify-content:flex-start;background:var(--panel);border:1px solid var(--line);border-top:4px solid var(--c);border-radius:8px;padding:10px 14px;color:var(--fg);cursor:pointer}
.card:hover{background:#eef1f4}
.card .n{display:block;font-size:28px;font-weight:650;color:var(--c);line-height:1.2}
.card .l{display:block;font-weight:600}
.card .d{display:block;color:var(--muted);font-size:12.5px}
.card.zero .n{color:var(--muted)}
.matrix{border:1px solid var(--line);border-radius:8px;overflow:hidden}
.mrow{display:flex;gap:14px;padding:8px 12px;border-top:1px solid var(--line);align-items:flex-start}
.mrow:first-child{border-top:0}
.marea{flex:0 0 150px;font-weight:600;padding-top:2px;overflow-wrap:anywhere}
.marea span{display:block;color:var(--muted);font-weight:400;font-size:12.5px}
.mcells{display:flex;flex-wrap:wrap;gap:4px}
a.cell{display:inline-block;min-width:24px;height:24px;line-height:24px;padding:0 5px;border-radius:4px;background:var(--cell);color:var(--ct);font:600 11.5px/24px var(--mono);text-align:center;text-decoration:none;transition:opacity .15s}
a.cell:hover,a.cell:focus-visible{outline:2px solid var(--fg);outline-offset:1px}
a.cell.dim{opacity:.16}
a.cell.nm{font:500 12px/24px system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",Arial,sans-serif}
.cgroup{display:inline-flex;align-items:center;gap:2px;padding:1px;border:1px solid var(--line);border-radius:6px;background:var(--panel)}
a.cell.var{min-width:0;height:18px;padding:0 4px;font:600 10px/18px var(--mono);border-radius:3px}
a.cell .vb{display:inline-block;padding:0 3px;margin-left:1px;border-radius:3px;background:rgba(255,255,255,.28);font:600 10px/16px var(--mono)}
a.cell.chop{box-shadow:inset 0 -3px 0 rgba(0,0,0,.22)}
.cmdline{display:flex;gap:8px;align-items:center}
.cmdline code{flex:1;overflow-wrap:anywhere}
.charts{display:grid;gap:20px}
figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:14px 16px}
figcaption{font-weight:600;margin-bottom:2px}
figcaption span{display:block;font-weight:400;color:var(--muted);font-size:13px}
svg{display:block;width:100%;height:auto}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","Liberation Sans",Arial,sans-serif;font-size:12px;fill:var(--fg)}
svg .axis text{fill:var(--muted);font-size:11px}
svg .grid{stroke:#e6e9ec;stroke-width:1}
svg .base{stroke:#8c959f;stroke-width:1}
svg .bar,svg .dot{fill:var(--cell)}
svg .dot{stroke:#fff;stroke-width:1.5}
svg a:hover .bar,svg a:hover .dot{opacity:.8}
svg a text.lbl{fill:var(--link)}
.chips{display:flex;flex-wrap:wrap;gap:6px}
.chip{font:inherit;font-size:13px;border:1px solid var(--line);background:#fff;color:var(--muted);border-radius:999px;padding:2px 10px;cursor:pointer}
.chip[aria-pressed=true]{background:var(--cb);color:var(--c);border-color:color-mix(in srgb,var(--c) 45%,transparent);font-weight:600}
.chip .k{font-variant-numeric:tabular-nums}
section.area h3{display:flex;align-items:baseline;gap:8px}
section.area h3 span{color:var(--muted);font-weight:400;font-size:13px}
details.case{border:1px solid var(--line);border-left:4px solid var(--c);border-radius:6px;margin:5px 0;background:#fff}
details.case>summary{display:grid;grid-template-columns:10px 7.6em minmax(0,19em) 4.6em minmax(0,1fr) 5.4em;gap:12px;align-items:baseline;padding:6px 12px;cursor:pointer;list-style:none}
details.case>summary::-webkit-details-marker{display:none}
details.case>summary::before{content:"\25B8";color:var(--muted);transition:transform .1s}
details.case[open]>summary::before{transform:rotate(90deg)}
details.case>summary:hover{background:var(--panel)}
.cid{font-family:var(--mono);font-size:13px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.ab{font-family:var(--mono);font-size:12px;color:var(--muted);white-space:nowrap}
.ctitle{min-width:0;overflow-wrap:anywhere;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
.ftitle{font-weight:600;overflow-wrap:anywhere}
.dur{color:var(--muted);font-size:13px;white-space:nowrap;font-variant-numeric:tabular-nums;text-align:right}
.ab{overflow:hidden;text-overflow:ellipsis}
.body{padding:4px 16px 16px 38px;border-top:1px solid var(--line)}
.body p{margin:10px 0}
.why{max-width:80ch}
.facts{display:flex;flex-wrap:wrap;gap:6px 22px;font-size:13.5px;color:var(--muted)}
.facts b{color:var(--fg);font-weight:600}
.tag{display:inline-block;background:var(--panel);border:1px solid var(--line);border-radius:4px;padding:0 6px;font-size:12px;margin-right:4px}
table.ev{border-collapse:collapse;width:100%;margin:12px 0;font-size:14px}
table.ev th,table.ev td{border-top:1px solid var(--line);padding:7px 10px;text-align:left;vertical-align:top}
table.ev thead th{border-top:0;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em;font-weight:600}
table.ev th[scope=row]{white-space:nowrap;font-weight:600;width:1%}
table.ev td.v{width:1%}
table.ev td.r{overflow-wrap:anywhere;white-space:pre-wrap}
.lbl2{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em;font-weight:600;margin:14px 0 4px}
pre.transcript{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:10px 12px;margin:0;max-height:30em;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.45}
.rerun{display:flex;gap:8px;align-items:center;background:#24292f;color:#f0f3f6;border-radius:6px;padding:6px 6px 6px 12px;margin-top:4px}
.rerun code{flex:1;overflow-wrap:anywhere;color:#f0f3f6}
.rerun .btn{background:#32383f;color:#f0f3f6;border-color:#57606a;font-size:12.5px;padding:2px 10px}
ul.ids{margin:4px 0 0;padding-left:20px}
.btn.copy{flex:none}
@media screen and (max-width:860px){.cards{grid-template-columns:repeat(3,1fr)}.wrap{padding:18px}
 details.case>summary{grid-template-columns:10px 7.6em minmax(0,1fr) 5.4em}.ab,.ctitle{display:none!important}}
@media print{
 body{font-size:11pt}.wrap{max-width:none;padding:0}
 .toolbar,.js .toolbar.js-only,.btn,.js button.js-only{display:none!important}
 a{color:inherit;text-decoration:none}
 .outcome,.card,.badge,a.cell,.stack span,.legend i,details.case,svg *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 details.case:not([open]),details.case>summary,figure,.mrow,table.ev tr{break-inside:avoid}
 details.case>summary{grid-template-columns:10px 7.6em minmax(0,15em) 4em minmax(0,1fr) 5em}
 pre.transcript{max-height:none}
 .rerun{background:none;color:inherit;border:1px solid var(--line)}.rerun code{color:inherit}
}
)CSS";

// Reads only the page's own markup (classes, data-* attributes, text it shows); never builds
// HTML from strings and attaches no inline handlers.
constexpr std::string_view script = R"JS(
(function () {
  'use strict';
  var doc = document;
  doc.documentElement.classList.add('js');
  var cases = Array.prototype.slice.call(doc.querySelectorAll('details.case'));
  var cells = Array.prototype.slice.call(doc.querySelectorAll('.matrix a.cell'));
  var areas = Array.prototype.slice.call(doc.querySelectorAll('section.area'));
  var chips = Array.prototype.slice.call(doc.querySelectorAll('button.chip'));
  var areaSel = doc.getElementById('f-area');
  var query = doc.getElementById('f-text');
  var count = doc.getElementById('f-count');
  var haystack = {};
  cases.forEach(function (c) {
    var parts = c.querySelectorAll('summary, .why, .facts, td.r, pre.transcript');
    haystack[c.id] = Array.prototype.map.call(parts, function (e) { return e.textContent; })
        .join('\n').toLowerCase();
  });

  function apply() {
    var on = {};
    chips.forEach(function (b) { on[b.dataset.verdict] = b.getAttribute('aria-pressed') === 'true'; });
    var area = areaSel ? areaSel.value : '';
    var q = query ? query.value.trim().toLowerCase() : '';
    var shown = {}, n = 0;
    cases.forEach(function (c) {
      var ok = on[c.dataset.verdict] !== false && (!area || c.dataset.area === area) &&
               (!q || haystack[c.id].indexOf(q) !== -1);
      c.hidden = !ok;
      shown[c.id] = ok;
      if (ok) n++;
    });
    cells.forEach(function (a) { a.classList.toggle('dim', !shown[a.getAttribute('href').slice(1)]); });
    areas.forEach(function (s) { s.hidden = !s.querySelector('details.case:not([hidden])'); });
    if (count) count.textContent = n + ' of ' + cases.length + ' cases shown';
  }
  function setOnly(v) {
    chips.forEach(function (b) { b.setAttribute('aria-pressed', String(!v || b.dataset.verdict === v)); });
  }
  function reset() {
    setOnly(null);
    if (areaSel) areaSel.value = '';
    if (query) query.value = '';
  }
  function openCase(id) {
    var c = doc.getElementById(id);
    if (!c || !c.classList.contains('case')) return;
    if (c.hidden) { reset(); apply(); }
    c.open = true;
    c.scrollIntoView({block: 'start'});
  }
  function copy(button) {
    var code = button.parentNode.querySelector('code');
    var textToCopy = code.textContent;
    function done(word) {
      button.textContent = word;
      setTimeout(function () { button.textContent = 'Copy'; }, 1600);
    }
    function fallback() {
      var range = doc.createRange();
      range.selectNodeContents(code);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      try { done(doc.execCommand('copy') ? 'Copied' : 'Selected'); } catch (e) { done('Selected'); }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(textToCopy).then(function () { done('Copied'); }, fallback);
    } else {
      fallback();
    }
  }

  chips.forEach(function (b) {
    b.addEventListener('click', function () {
      b.setAttribute('aria-pressed', String(b.getAttribute('aria-pressed') !== 'true'));
      apply();
    });
  });
  Array.prototype.forEach.call(doc.querySelectorAll('button.card'), function (b) {
    b.addEventListener('click', function () {
      setOnly(b.dataset.verdict);
      apply();
      var t = doc.getElementById('cases');
      if (t) t.scrollIntoView({block: 'start'});
    });
  });
  if (areaSel) areaSel.addEventListener('change', apply);
  if (query) query.addEventListener('input', apply);
  var reset_b = doc.getElementById('f-reset');
  if (reset_b) reset_b.addEventListener('click', function () { reset(); apply(); });
  var expand = doc.getElementById('f-expand');
  if (expand) expand.addEventListener('click', function () {
    cases.forEach(function (c) { if (!c.hidden) c.open = true; });
  });
  var collapse = doc.getElementById('f-collapse');
  if (collapse) collapse.addEventListener('click', function () {
    cases.forEach(function (c) { c.open = false; });
  });
  doc.addEventListener('click', function (e) {
    var t = e.target;
    if (!(t instanceof Element)) return;
    var b = t.closest('button.copy');
    if (b) { copy(b); return; }
    var a = t.closest('a[href^="#c-"]');
    if (a) { e.preventDefault(); openCase(a.getAttribute('href').slice(1));
      try { history.replaceState(null, '', a.getAttribute('href')); } catch (err) { /* file: */ }
    }
  });
  doc.addEventListener('keydown', function (e) {
    if (e.key === '/' && query && doc.activeElement !== query &&
        !(doc.activeElement && /^(INPUT|SELECT|TEXTAREA)$/.test(doc.activeElement.tagName))) {
      e.preventDefault();
      query.focus();
    }
  });
  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = cases.filter(function (c) { return !c.open && c.dataset.verdict !== 'pass' && !c.hidden; });
    opened.forEach(function (c) { c.open = true; });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (c) { c.open = false; });
    opened = [];
  });
  apply();
  if (location.hash.indexOf('#c-') === 0) openCase(location.hash.slice(1));
})();
)JS";

// ----- sections -----

struct area_group {
  std::string name;
  std::vector<std::size_t> cases;
};

// The case list follows the matrix: its areas, its order, each variant after its case.
std::vector<area_group> group_by_area(const std::vector<matrix::row>& rows) {
  std::vector<area_group> groups;
  for (const auto& r : rows) groups.push_back({r.area, matrix::reading_order({r})});
  return groups;
}

// At most max_bytes of valid UTF-8, cut on a code point boundary, no note.
std::string cut_utf8(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  while (max_bytes > 0 && (static_cast<unsigned char>(s[max_bytes]) & 0xC0) == 0x80) --max_bytes;
  return std::string(s.substr(0, max_bytes));
}

std::string case_anchor(std::size_t i) { return "c-" + std::to_string(i); }

void write_header(std::string& out, const run_summary& run, const std::array<int, 6>& counts) {
  const int problems = counts[4] + counts[5];
  const int total = static_cast<int>(run.cases.size());
  out +=
      "<header class=\"top\">\n<div class=\"brand\">wsspec &middot; WebSocket conformance report "
      "(RFC 6455)</div>\n";
  out += "<h1>" +
         (run.target_url.empty() ? std::string("(no target)") : text(run.target_url, 300)) +
         "</h1>\n";
  if (problems > 0) {
    out += "<div class=\"outcome bad\">" + std::to_string(problems) + " of " +
           std::to_string(total) + (total == 1 ? " case" : " cases") + " failed</div>\n";
  } else {
    out += "<div class=\"outcome ok\">" +
           (total == 0
                ? std::string("No cases ran")
                : "No failures in " + std::to_string(total) + (total == 1 ? " case" : " cases")) +
           "</div>\n";
  }
  auto item = [&](std::string_view label, const std::string& value_html, bool wide = false) {
    out += wide ? "<div class=\"wide\">" : "<div>";
    out += "<dt>";
    out += label;
    out += "</dt><dd>" + value_html + "</dd></div>\n";
  };
  if (!run.stopped_because.empty())
    out += std::string("<div class=\"outcome bad\">") +
           (run.incomplete ? "Incomplete: the run stopped early: "
                           : "The run stopped before its cases: ") +
           text(run.stopped_because, 2000) + "</div>\n";
  out += "<dl class=\"meta\">\n";
  item("Server header", run.server_header.empty()
                            ? std::string("<span class=\"none\">none sent</span>")
                            : "<span class=\"mono\">" + text(run.server_header, 500) + "</span>");
  item("wsspec version", text(run.tool_version.empty() ? "unknown" : run.tool_version));
  item("Started", run.started_at.empty() ? std::string("<span class=\"none\">unknown</span>")
                                         : text(human_date(run.started_at)));
  item("Duration", human_ms(run.duration_ms));
  if (run.limits.known()) item("Limits", text(limits_text(run.limits)), true);
  // The whole command line, every flag, quoted for a POSIX shell: copy it to run again.
  if (const std::string cmd = command_line::run_command_line(run); !cmd.empty()) {
    item("Command",
         "<div class=\"cmdline\"><code>" +
             html_escape(report_text::truncate(report_text::sanitize(cmd), 8192)) +
             "</code><button type=\"button\" class=\"btn copy js-only\">Copy</button></div>",
         true);
  }
  out += "</dl>\n</header>\n";
}

void write_summary(std::string& out, const run_summary& run, const std::array<int, 6>& counts) {
  out +=
      "<section id=\"summary\" aria-labelledby=\"h-summary\">\n<h2 id=\"h-summary\">Summary</h2>\n";
  out += "<div class=\"cards\">\n";
  for (std::size_t k = 0; k < all_verdicts.size(); ++k) {
    const verdict v = all_verdicts[k];
    out += "<button type=\"button\" class=\"card " + vclass(v) + (counts[k] == 0 ? " zero" : "") +
           "\" data-verdict=\"" + std::string(to_string(v)) + "\" title=\"Show only " +
           std::string(to_string(v)) + "\"><span class=\"n\">" + std::to_string(counts[k]) +
           "</span><span class=\"l\">" + std::string(to_string(v)) + "</span><span class=\"d\">" +
           std::string(verdict_meaning(v)) + "</span></button>\n";
  }
  out += "</div>\n";
  const double total = static_cast<double>(run.cases.size());
  if (total > 0) {
    out += "<div class=\"stack\" role=\"img\" aria-label=\"share of cases by verdict\">";
    for (std::size_t k = 0; k < all_verdicts.size(); ++k) {
      if (counts[k] == 0) continue;
      out += "<span class=\"" + vclass(all_verdicts[k]) +
             "\" style=\"width:" + fixed(100.0 * counts[k] / total, 3) + "%\" title=\"" +
             std::string(to_string(all_verdicts[k])) + ": " + std::to_string(counts[k]) +
             "\"></span>";
    }
    out += "</div>\n";
  }
  if (!run.baseline_file.empty()) {
    out += "<h3>Baseline</h3>\n<p class=\"hint\">Compared with <code>" + text(run.baseline_file) +
           "</code>: " + std::to_string(run.baseline_accepted.size()) + " accepted, " +
           std::to_string(run.baseline_new_failures.size()) + " new failures, " +
           std::to_string(run.baseline_now_passing.size()) + " now passing.</p>\n";
    auto ids = [&](std::string_view label, const std::vector<std::string>& v) {
      if (v.empty()) return;
      out += "<div class=\"lbl2\">";
      out += label;
      out += "</div><ul class=\"ids\">";
      for (const auto& id : v) out += "<li><code>" + text(id) + "</code></li>";
      out += "</ul>\n";
    };
    ids("New failures (not in the baseline)", run.baseline_new_failures);
    ids("Now passing (can be removed from the baseline)", run.baseline_now_passing);
    ids("Accepted by the baseline", run.baseline_accepted);
  }
  out += "</section>\n";
}

// One cell: coloured by verdict, labelled, titled with the id, verdict and title (and, for a
// chopped variant, which case it chops and how).
void write_cell(std::string& out, const run_summary& run, const matrix::cell& cell,
                bool beside_base) {
  const case_result& c = run.cases[cell.index];
  std::string cls = "cell " + vclass(c.overall);
  if (!c.autobahn && !beside_base) cls += " nm";  // a name, not a number: lighter type
  if (!cell.variant_of.empty()) cls += beside_base ? " var" : " chop";
  std::string title = text(c.id, 300) + (c.autobahn ? " (" + text(*c.autobahn, 32) + ")" : "") +
                      ": " + std::string(to_string(c.overall)) + " \xE2\x80\x94 " +
                      text(c.title, 300);
  if (!cell.variant_of.empty()) {
    title += " \xE2\x80\x94 variant of " + text(cell.variant_of, 300) + ", written " +
             std::to_string(cell.write_bytes) + (cell.write_bytes == 1 ? " byte" : " bytes") +
             " per write";
  }
  out += "<a class=\"" + cls + "\" href=\"#" + case_anchor(cell.index) + "\" title=\"" + title +
         "\">" + text(cell.label, 300);
  if (!cell.variant_of.empty() && !beside_base) {
    out += " <span class=\"vb\">" + std::to_string(cell.write_bytes) + "B</span>";
  }
  out += "</a>";
}

void write_matrix(std::string& out, const run_summary& run, const std::vector<matrix::row>& rows) {
  out += "<section id=\"matrix\" aria-labelledby=\"h-matrix\">\n<h2 id=\"h-matrix\">Matrix</h2>\n";
  out +=
      "<p class=\"hint\">One cell per case, grouped by area and coloured by verdict, in "
      "Autobahn|Testsuite's numeric order. A cell shows the Autobahn|Testsuite case id where "
      "there is one, else the case's name within its area. A case written in N-byte pieces "
      "(its chopped variant, <code>-in-N-byte-writes</code>) is the small cell "
      "<b>NB</b> beside it. Select a cell to open its case.</p>\n";
  out += "<div class=\"matrix\">\n";
  for (const auto& r : rows) {
    out += "<div class=\"mrow\"><div class=\"marea\">" + text(area_label(r.area), 200) + "<span>" +
           std::to_string(r.cases) + (r.cases == 1 ? " case" : " cases") +
           "</span></div><div class=\"mcells\">";
    for (const auto& e : r.entries) {
      if (e.variants.empty()) {
        write_cell(out, run, e.head, false);
        continue;
      }
      out += "<span class=\"cgroup\">";
      write_cell(out, run, e.head, false);
      for (const auto& v : e.variants) write_cell(out, run, v, true);
      out += "</span>";
    }
    out += "</div></div>\n";
  }
  out += "</div>\n<div class=\"legend\" aria-hidden=\"true\">";
  for (verdict v : all_verdicts) {
    out += "<span class=\"" + vclass(v) + "\"><i></i>" + std::string(to_string(v)) + "</span>";
  }
  out += "</div>\n</section>\n";
}

void write_time_chart(std::string& out, const run_summary& run) {
  std::vector<std::size_t> order(run.cases.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return run.cases[a].duration_ms > run.cases[b].duration_ms;
  });
  if (order.size() > 30) order.resize(30);
  if (order.empty()) return;
  const double max = std::max(run.cases[order.front()].duration_ms, 0.001);
  const double step = nice_step(max, 5);
  const double top = std::ceil(max / step) * step;
  const int width = 1000, label_w = 330, right_pad = 80, row = 22, top_pad = 8, axis_h = 24;
  const int plot_w = width - label_w - right_pad;
  const int height = top_pad + static_cast<int>(order.size()) * row + axis_h;
  auto x_of = [&](double ms) { return label_w + plot_w * std::max(ms, 0.0) / top; };

  out += "<figure>\n<figcaption>Time per case" +
         std::string(run.cases.size() > 30 ? " &mdash; the 30 slowest" : "") +
         "<span>Wall time of each case, from connecting to the end of the closing handshake; "
         "bars are coloured by verdict.</span></figcaption>\n";
  out += "<svg viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) +
         "\" role=\"img\" aria-label=\"bar chart of the time taken per case\">\n<g class=\"axis\">";
  for (double t = 0; t <= top + step / 2; t += step) {
    const std::string x = fixed(x_of(t), 1);
    out += "<line class=\"grid\" x1=\"" + x + "\" x2=\"" + x + "\" y1=\"" +
           std::to_string(top_pad) + "\" y2=\"" + std::to_string(height - axis_h) + "\"/>";
    out += "<text x=\"" + x + "\" y=\"" + std::to_string(height - 6) +
           "\" text-anchor=\"middle\">" + tick_label(t, step) + (t == 0 ? "" : " ms") + "</text>";
  }
  out += "</g>\n";
  for (std::size_t r = 0; r < order.size(); ++r) {
    const case_result& c = run.cases[order[r]];
    const int y = top_pad + static_cast<int>(r) * row;
    const double w = std::max(x_of(c.duration_ms) - label_w, 1.5);
    std::string label = report_text::sanitize(c.id);
    if (label.size() > 46) label = cut_utf8(label, 44) + "\xE2\x80\xA6";
    out += "<a href=\"#" + case_anchor(order[r]) + "\"><title>" + text(c.id, 300) + ": " +
           human_ms(c.duration_ms) + ", " + std::string(to_string(c.overall)) + "</title>";
    out += "<text class=\"lbl\" x=\"" + std::to_string(label_w - 10) + "\" y=\"" +
           std::to_string(y + 15) + "\" text-anchor=\"end\">" + html_escape(label) + "</text>";
    out += "<rect class=\"bar " + vclass(c.overall) + "\" x=\"" + std::to_string(label_w) +
           "\" y=\"" + std::to_string(y + 4) + "\" width=\"" + fixed(w, 1) + "\" height=\"" +
           std::to_string(row - 8) + "\" rx=\"2\"/>";
    out += "<text x=\"" + fixed(label_w + w + 6, 1) + "\" y=\"" + std::to_string(y + 15) + "\">" +
           human_ms(c.duration_ms) + "</text></a>\n";
  }
  out += "<line class=\"base\" x1=\"" + std::to_string(label_w) + "\" x2=\"" +
         std::to_string(label_w) + "\" y1=\"" + std::to_string(top_pad) + "\" y2=\"" +
         std::to_string(height - axis_h) + "\"/>\n</svg>\n</figure>\n";
}

void write_size_chart(std::string& out, const run_summary& run) {
  std::vector<size_point> pts;
  for (std::size_t i = 0; i < run.cases.size(); ++i) {
    if (auto p = size_of(run.cases[i], i)) pts.push_back(*p);
  }
  if (pts.empty()) return;
  const int width = 1000, height = 340, left = 70, right = 24, top_pad = 14, bottom = 46;
  const int plot_w = width - left - right, plot_h = height - top_pad - bottom;
  double min_b = pts.front().bytes, max_b = 1, max_ms = 0.001;
  for (const auto& p : pts) {
    min_b = std::min(min_b, p.bytes);
    max_b = std::max(max_b, p.bytes);
    max_ms = std::max(max_ms, p.ms);
  }
  // x: log2 of the size, on whole powers of two; y: linear from 0.
  const int e_lo = static_cast<int>(std::floor(std::log2(std::max(min_b, 1.0))));
  int e_hi = static_cast<int>(std::ceil(std::log2(std::max(max_b, 2.0))));
  if (e_hi <= e_lo) e_hi = e_lo + 1;
  const double step = nice_step(max_ms, 5);
  const double top = std::ceil(max_ms / step) * step;
  auto x_of = [&](double b) {
    return left + plot_w * (std::log2(std::max(b, 1.0)) - e_lo) / static_cast<double>(e_hi - e_lo);
  };
  auto y_of = [&](double ms) { return top_pad + plot_h * (1 - std::max(ms, 0.0) / top); };
  const bool all_rtt =
      std::all_of(pts.begin(), pts.end(), [](auto& p) { return p.from_transcript; });

  out +=
      "<figure>\n<figcaption>Round-trip time vs. message size<span>Cases tagged "
      "<code>limits</code> or <code>performance</code>: the time from sending the largest "
      "message to the first byte of the answer, from the transcript's timestamps" +
      std::string(all_rtt ? "" : " (the whole case's time where the transcript has none)") +
      ". Sizes on a log scale.</span></figcaption>\n";
  out += "<svg viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) +
         "\" role=\"img\" aria-label=\"scatter plot of round-trip time against message size\">\n"
         "<g class=\"axis\">";
  const int span = e_hi - e_lo;
  const int e_step = span <= 8 ? 1 : span <= 16 ? 2 : 4;
  for (int e = e_lo; e <= e_hi; e += e_step) {
    const std::string x = fixed(x_of(std::ldexp(1.0, e)), 1);
    out += "<line class=\"grid\" x1=\"" + x + "\" x2=\"" + x + "\" y1=\"" +
           std::to_string(top_pad) + "\" y2=\"" + std::to_string(top_pad + plot_h) + "\"/>";
    out += "<text x=\"" + x + "\" y=\"" + std::to_string(top_pad + plot_h + 18) +
           "\" text-anchor=\"middle\">" + human_bytes(std::ldexp(1.0, e)) + "</text>";
  }
  for (double t = 0; t <= top + step / 2; t += step) {
    const std::string y = fixed(y_of(t), 1);
    out += "<line class=\"grid\" x1=\"" + std::to_string(left) + "\" x2=\"" +
           std::to_string(left + plot_w) + "\" y1=\"" + y + "\" y2=\"" + y + "\"/>";
    out += "<text x=\"" + std::to_string(left - 8) + "\" y=\"" + fixed(y_of(t) + 4, 1) +
           "\" text-anchor=\"end\">" + tick_label(t, step) + " ms</text>";
  }
  out += "<text x=\"" + std::to_string(left + plot_w / 2) + "\" y=\"" + std::to_string(height - 4) +
         "\" text-anchor=\"middle\">message size</text>";
  out += "</g>\n<line class=\"base\" x1=\"" + std::to_string(left) + "\" x2=\"" +
         std::to_string(left + plot_w) + "\" y1=\"" + std::to_string(top_pad + plot_h) +
         "\" y2=\"" + std::to_string(top_pad + plot_h) + "\"/>\n";
  for (const auto& p : pts) {
    const case_result& c = run.cases[p.index];
    out += "<a href=\"#" + case_anchor(p.index) + "\"><title>" + text(c.id, 300) + ": " +
           human_bytes(p.bytes) + ", " + human_ms(p.ms) + ", " + std::string(to_string(c.overall)) +
           "</title><circle class=\"dot " + vclass(c.overall) + "\" cx=\"" +
           fixed(x_of(p.bytes), 1) + "\" cy=\"" + fixed(y_of(p.ms), 1) + "\" r=\"5\"/></a>\n";
  }
  out += "</svg>\n</figure>\n";
}

void write_toolbar(std::string& out, const std::vector<area_group>& groups,
                   const std::array<int, 6>& counts) {
  out +=
      "<div class=\"toolbar js-only\" role=\"search\" aria-label=\"Filter cases\">\n"
      "<div class=\"tb-row\"><div class=\"chips\" role=\"group\" aria-label=\"Verdicts "
      "shown\">";
  for (std::size_t k = 0; k < all_verdicts.size(); ++k) {
    const std::string v(to_string(all_verdicts[k]));
    out += "<button type=\"button\" class=\"chip " + vclass(all_verdicts[k]) +
           "\" aria-pressed=\"true\" data-verdict=\"" + v + "\">" + v + " <span class=\"k\">" +
           std::to_string(counts[k]) + "</span></button>";
  }
  out +=
      "</div>\n<span id=\"f-count\" aria-live=\"polite\"></span></div>\n"
      "<div class=\"tb-row\"><select id=\"f-area\" aria-label=\"Area\"><option value=\"\">All "
      "areas</option>";
  for (const auto& g : groups) {
    out += "<option value=\"" + text(g.name, 200) + "\">" + text(area_label(g.name), 200) +
           "</option>";
  }
  out +=
      "</select>\n<input id=\"f-text\" type=\"search\" placeholder=\"Filter: id, title, reason, "
      "transcript\xE2\x80\xA6 (press /)\" aria-label=\"Filter by text\" autocomplete=\"off\">\n"
      "<button type=\"button\" class=\"btn\" id=\"f-reset\">Reset</button>"
      "<button type=\"button\" class=\"btn\" id=\"f-expand\">Expand all</button>"
      "<button type=\"button\" class=\"btn\" id=\"f-collapse\">Collapse all</button>"
      "</div>\n</div>\n";
}

void write_transcript(std::string& out, const std::vector<std::string>& lines) {
  using report_text::max_transcript_bytes;
  using report_text::max_transcript_lines;
  // Keep the first lines and the last few (the end says how the connection ended).
  const std::size_t tail = 40;
  std::vector<std::string> head_lines, tail_lines;
  std::size_t bytes = 0, i = 0;
  const std::size_t head_max =
      lines.size() > max_transcript_lines ? max_transcript_lines - tail : lines.size();
  for (; i < head_max && bytes < max_transcript_bytes; ++i) {
    head_lines.push_back(text(lines[i]));
    bytes += head_lines.back().size();
  }
  std::size_t tail_from = lines.size();
  if (i < lines.size()) {
    std::size_t tail_bytes = 0;
    while (tail_from > i && lines.size() - tail_from < tail &&
           tail_bytes < max_transcript_bytes / 4) {
      --tail_from;
      tail_lines.insert(tail_lines.begin(), text(lines[tail_from]));
      tail_bytes += tail_lines.front().size();
    }
  }
  out += "<pre class=\"transcript\"><code>";
  for (const auto& l : head_lines) out += l + "\n";
  if (tail_from > i) {
    out += "<span class=\"none\">\xE2\x80\xA6 " + std::to_string(tail_from - i) +
           " more lines not shown \xE2\x80\xA6</span>\n";
  }
  for (const auto& l : tail_lines) out += l + "\n";
  if (lines.empty()) out += "<span class=\"none\">no transcript recorded</span>";
  out += "</code></pre>\n";
}

void write_case(std::string& out, const run_summary& run, const case_result& c, std::size_t i) {
  const std::string v(to_string(c.overall));
  out += "<details class=\"case " + vclass(c.overall) + "\" id=\"" + case_anchor(i) +
         "\" data-verdict=\"" + v + "\" data-area=\"" + text(c.area, 200) + "\">\n<summary>";
  out += "<span class=\"badge " + vclass(c.overall) + "\">" + v + "</span>";
  out += "<span class=\"cid\" title=\"" + text(c.id, 300) + "\">" + text(c.id, 300) + "</span>";
  out += c.autobahn ? "<span class=\"ab\" title=\"Autobahn|Testsuite case " +
                          text(*c.autobahn, 32) + "\">" + text(*c.autobahn, 32) + "</span>"
                    : std::string("<span class=\"ab\"></span>");
  out += "<span class=\"ctitle\">" + text(c.title) + "</span>";
  out += "<span class=\"dur\">" + human_ms(c.duration_ms) +
         "</span></summary>\n<div class=\"body\">\n";

  if (c.title.size() > 160) out += "<p class=\"ftitle\">" + text(c.title) + "</p>\n";
  if (!c.why.empty()) out += "<p class=\"why\">" + text(c.why) + "</p>\n";
  out += "<div class=\"facts\">";
  if (!c.rfc.empty()) {
    out += "<span><b>RFC</b> ";
    bool first = true;
    for (const auto& s : c.rfc) {
      if (!first) out += ", ";
      first = false;
      const std::string url = report_text::rfc_url(s);
      const bool deflate = url.find("rfc7692") != std::string::npos;
      if (url.empty()) {
        out += text(s, 64);
      } else {
        out += "<a href=\"" + html_escape(url) + "\" rel=\"noreferrer noopener\">" +
               std::string(deflate ? "RFC 7692 " : "") + "&sect;" +
               html_escape(url.substr(url.find("#section-") + 9)) + "</a>";
      }
    }
    out += "</span>";
  }
  out += "<span><b>Time</b> " + human_ms(c.duration_ms) + "</span>";
  if (c.remote_close_code) {
    out += "<span><b>Target's close code</b> " + std::to_string(*c.remote_close_code) + "</span>";
  }
  if (c.target_failed_connection) out += "<span><b>The target failed the connection</b></span>";
  if (c.connect_failed) out += "<span><b>No TCP connection</b></span>";
  if (c.not_run) out += "<span><b>Not run</b> (the run stopped before it)</span>";
  if (const auto& z = c.compression) {
    // "1,000,000 bytes deflated to 21.3%": what permessage-deflate did, each way.
    auto way = [](std::uint64_t bytes, std::uint64_t packed) {
      const auto r = case_result::compression_traffic::ratio(packed, bytes);
      if (!r) return std::string("none compressed");
      char pct[32];
      std::snprintf(pct, sizeof pct, "%.1f%%", 100.0 * *r);
      return std::to_string(bytes) + " bytes deflated to " + pct;
    };
    out += "<span><b>Compression</b> sent: " + way(z->sent_bytes, z->sent_compressed) +
           "; received: " + way(z->received_bytes, z->received_compressed) + "</span>";
  }
  if (!c.tags.empty()) {
    out += "<span><b>Tags</b> ";
    for (const auto& t : c.tags) out += "<span class=\"tag\">" + text(t, 64) + "</span>";
    out += "</span>";
  }
  out += "</div>\n";

  auto reason_cell = [&](const std::string& r) {
    return r.empty() ? std::string("<span class=\"none\">as expected</span>") : text(r);
  };
  out +=
      "<table class=\"ev\"><thead><tr><th scope=\"col\">Part</th><th scope=\"col\">Verdict</th>"
      "<th scope=\"col\">Expected vs. actual</th></tr></thead><tbody>\n";
  out += "<tr><th scope=\"row\">Data exchange</th><td class=\"v\"><span class=\"badge " +
         vclass(c.data) + "\">" + std::string(to_string(c.data)) + "</span></td><td class=\"r\">" +
         reason_cell(c.reason) + "</td></tr>\n";
  out += "<tr><th scope=\"row\">Closing behaviour</th><td class=\"v\"><span class=\"badge " +
         vclass(c.closing) + "\">" + std::string(to_string(c.closing)) +
         "</span></td><td class=\"r\">" + reason_cell(c.closing_reason) + "</td></tr>\n";
  out += "</tbody></table>\n";

  out += "<div class=\"lbl2\">Wire transcript</div>\n";
  write_transcript(out, transcript_lines(c));
  out += "<div class=\"lbl2\">Rerun just this case</div>\n<div class=\"rerun\"><code>" +
         html_escape(report_text::truncate(
             report_text::sanitize(command_line::rerun_command(run, c.id)), 4096)) +
         "</code><button type=\"button\" class=\"btn copy js-only\">Copy</button></div>\n";
  out += "</div>\n</details>\n";
}

}  // namespace

std::string render_html(const run_summary& run) {
  std::array<int, 6> counts{};
  for (const auto& c : run.cases) {
    ++counts[std::min<std::size_t>(static_cast<std::size_t>(c.overall), counts.size() - 1)];
  }
  const auto rows = matrix::layout(run.cases);
  const auto groups = group_by_area(rows);

  std::string out;
  out.reserve(64 * 1024 + run.cases.size() * 4096);
  out +=
      document_head("wsspec report: " + text(run.target_url, 300), run.tool_version, script, css);

  write_header(out, run, counts);
  write_summary(out, run, counts);
  if (!run.cases.empty()) write_matrix(out, run, rows);

  if (!run.cases.empty()) {
    out +=
        "<section id=\"timing\" aria-labelledby=\"h-timing\">\n<h2 id=\"h-timing\">Timing</h2>\n"
        "<div class=\"charts\">\n";
    write_time_chart(out, run);
    write_size_chart(out, run);
    out += "</div>\n</section>\n";
  }
  requirements_html::write_section(out, run, case_anchor);

  out += "<section id=\"cases\" aria-labelledby=\"h-cases\">\n<h2 id=\"h-cases\">Cases</h2>\n";
  out +=
      "<p class=\"hint\">Each row: verdict, case id, Autobahn|Testsuite id (where there is "
      "one), title, time. Open a row for the RFC sections, expected vs. actual, the wire "
      "transcript and the command that reruns the case.</p>\n";
  write_toolbar(out, groups, counts);
  for (const auto& g : groups) {
    out += "<section class=\"area\" aria-label=\"" + text(area_label(g.name), 200) + "\"><h3>" +
           text(area_label(g.name), 200) + "<span>" + std::to_string(g.cases.size()) +
           (g.cases.size() == 1 ? " case" : " cases") + "</span></h3>\n";
    for (std::size_t i : g.cases) write_case(out, run, run.cases[i], i);
    out += "</section>\n";
  }
  if (run.cases.empty()) out += "<p class=\"none\">No cases ran.</p>\n";
  out += "</section>\n";

  out += "<footer>Generated by wsspec " + text(run.tool_version, 64) +
         ". Verdicts as in Autobahn|Testsuite: the case verdict is the worse of data exchange and "
         "closing behaviour. Specifications: <a href=\"https://www.rfc-editor.org/rfc/rfc6455\" "
         "rel=\"noreferrer noopener\">RFC 6455</a>, <a "
         "href=\"https://www.rfc-editor.org/rfc/rfc7692\" rel=\"noreferrer noopener\">RFC 7692</a>."
         "</footer>\n</div>\n<script>";
  out += script;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace wsspec
