#include "serve_cases/endpoint.hpp"

#include <charconv>
#include <map>

namespace wsspec::serve_cases {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// An absolute-form target ("http://host:9001/runCase?...", RFC 7230 5.3.2) keeps only its path
// and query.
std::string_view origin_form(std::string_view target) {
  for (std::string_view scheme : {"http://", "https://", "ws://", "wss://"}) {
    if (target.size() < scheme.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < scheme.size() && same; ++i) same = (target[i] | 0x20) == scheme[i];
    if (!same) continue;
    const std::size_t slash = target.find('/', scheme.size());
    return slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  return target;
}

std::optional<std::size_t> case_by_number(std::string_view text, std::size_t count,
                                          std::string& problem) {
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) {
    problem = "case must be a number from 1 to " + std::to_string(count);
    return std::nullopt;
  }
  if (n < 1 || n > count) {
    problem = "case " + std::to_string(n) + " is out of range: there are " + std::to_string(count) +
              " cases, numbered from 1";
    return std::nullopt;
  }
  return n - 1;
}

std::optional<std::size_t> case_by_id(std::string_view id, const std::vector<test_case>& cases,
                                      std::string& problem) {
  for (std::size_t i = 0; i < cases.size(); ++i)
    if (cases[i].id == id || (cases[i].autobahn && *cases[i].autobahn == id)) return i;
  problem = "no selected case has the id " + std::string(id.substr(0, 64));
  return std::nullopt;
}

}  // namespace

std::optional<std::string> url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

endpoint_request parse_endpoint(std::string_view target, const std::vector<test_case>& cases) {
  endpoint_request r;
  target = origin_form(target);
  const std::size_t q = target.find('?');
  const auto path = url_decode(target.substr(0, q));
  if (!path) return r;  // an unknown path: 404
  r.path = *path;

  std::map<std::string, std::string> params;
  if (q != std::string_view::npos) {
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
      const std::size_t amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (pair.empty()) continue;
      const std::size_t eq = pair.find('=');
      const auto key = url_decode(pair.substr(0, eq));
      const auto value =
          url_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
      if (!key || !value) {
        r.problem = "the query has a broken %-escape";
        continue;
      }
      if (!params.emplace(*key, *value).second && r.problem.empty())
        r.problem = "the parameter " + key->substr(0, 32) + " is given more than once";
    }
  }

  if (r.path == "/getCaseCount")
    r.kind = endpoint_kind::case_count;
  else if (r.path == "/getCaseInfo")
    r.kind = endpoint_kind::case_info;
  else if (r.path == "/getCaseStatus")
    r.kind = endpoint_kind::case_status;
  else if (r.path == "/runCase")
    r.kind = endpoint_kind::run_case;
  else if (r.path == "/updateReports")
    r.kind = endpoint_kind::update_reports;
  else
    return r;

  if (const auto a = params.find("agent"); a != params.end()) r.agent = a->second;
  std::string problem;
  if (const auto c = params.find("case"); c != params.end()) {
    r.index = case_by_number(c->second, cases.size(), problem);
  } else if (const auto t = params.find("casetuple"); t != params.end()) {
    r.index = case_by_id(t->second, cases, problem);
  }
  const bool needs_case = r.kind == endpoint_kind::case_info ||
                          r.kind == endpoint_kind::case_status || r.kind == endpoint_kind::run_case;
  const bool needs_agent =
      r.kind == endpoint_kind::case_status || r.kind == endpoint_kind::run_case;
  if (r.problem.empty()) r.problem = problem;
  if (r.problem.empty() && needs_case && !r.index)
    r.problem = "the parameter case (1 to " + std::to_string(cases.size()) + ") is missing";
  if (r.problem.empty() && needs_agent && (!r.agent || r.agent->empty()))
    r.problem = "the parameter agent (the name of the client under test) is missing";
  return r;
}

}  // namespace wsspec::serve_cases
