#include "run/selection.hpp"

#include <algorithm>
#include <cctype>

namespace wsspec {

bool glob_match(std::string_view p, std::string_view t) noexcept {
  // Iterative glob with one backtrack point: linear in practice, no recursion.
  std::size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool pattern_matches(std::string_view pattern, const test_case& c) noexcept {
  if (glob_match(pattern, c.id)) return true;
  if (c.autobahn && glob_match(pattern, *c.autobahn)) return true;
  return glob_match(pattern, c.area + "/") || pattern == c.area;
}

namespace {

// "1.10" after "1.9": compare digit runs as numbers.
bool natural_less(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) &&
        std::isdigit(static_cast<unsigned char>(b[j]))) {
      std::size_t i2 = i, j2 = j;
      while (i2 < a.size() && std::isdigit(static_cast<unsigned char>(a[i2]))) ++i2;
      while (j2 < b.size() && std::isdigit(static_cast<unsigned char>(b[j2]))) ++j2;
      const auto na = a.substr(i, i2 - i), nb = b.substr(j, j2 - j);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = i2;
      j = j2;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

}  // namespace

bool select_cases(const std::vector<test_case>& all, const std::vector<std::string>& include,
                  const std::vector<std::string>& exclude, std::vector<test_case>& out,
                  std::string& error) {
  for (const auto& p : include) {
    if (std::none_of(all.begin(), all.end(),
                     [&](const test_case& c) { return pattern_matches(p, c); })) {
      error = "--cases pattern '" + p + "' matches no case (see `wsspec list`)";
      return false;
    }
  }
  out.clear();
  for (const auto& c : all) {
    const bool in =
        include.empty() || std::any_of(include.begin(), include.end(),
                                       [&](const auto& p) { return pattern_matches(p, c); });
    const bool ex = std::any_of(exclude.begin(), exclude.end(),
                                [&](const auto& p) { return pattern_matches(p, c); });
    if (in && !ex) out.push_back(c);
  }
  std::stable_sort(out.begin(), out.end(), [](const test_case& a, const test_case& b) {
    if (a.area != b.area) return a.area < b.area;
    return natural_less(a.id, b.id);
  });
  if (out.empty()) {
    error = "the patterns leave no case to run";
    return false;
  }
  return true;
}

bool runs_in(const test_case& c, case_peer peer) noexcept {
  const case_peer p = peer_of(c);
  return p == case_peer::both || p == peer;
}

namespace {

bool binds(const requirement& r, case_peer peer) {
  return r.binds == req_binds::both ||
         (peer == case_peer::server ? r.binds == req_binds::server : r.binds == req_binds::client);
}

}  // namespace

bool keep_cases_for(case_peer peer, std::vector<test_case>& cases, requirement_map& map,
                    std::string& error) {
  std::erase_if(cases, [peer](const test_case& c) { return !runs_in(c, peer); });
  for (auto& c : cases) {
    std::erase_if(c.requirements, [&](const std::string& id) {
      const requirement* r = map.find(id);
      return r && !binds(*r, peer);
    });
  }
  std::erase_if(map.requirements, [peer](const requirement& r) { return !binds(r, peer); });
  map.index.clear();
  for (std::size_t i = 0; i < map.requirements.size(); ++i) map.index[map.requirements[i].id] = i;
  if (cases.empty()) {
    error = peer == case_peer::server
                ? "the selected cases all test clients (run them with `wsspec serve-cases`)"
                : "none of the selected cases applies to clients (cases of a server's opening "
                  "handshake, liveness checks and a server's compression negotiation do not)";
    return false;
  }
  return true;
}

}  // namespace wsspec
