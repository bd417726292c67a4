#include "wsspec/reports/matrix_layout.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <unordered_map>

namespace wsspec::matrix {

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// Two runs of digits as numbers, of any length: leading zeros skipped, then the longer is
// bigger, then the first difference; equal values with more leading zeros last ("08" > "8").
int compare_digits(std::string_view a, std::string_view b) {
  const auto a_nz = a.find_first_not_of('0'), b_nz = b.find_first_not_of('0');
  const std::string_view av = a_nz == std::string_view::npos ? "" : a.substr(a_nz);
  const std::string_view bv = b_nz == std::string_view::npos ? "" : b.substr(b_nz);
  if (av.size() != bv.size()) return av.size() < bv.size() ? -1 : 1;
  if (const int c = av.compare(bv); c != 0) return c < 0 ? -1 : 1;
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return 0;
}

int sign(int v) { return (v > 0) - (v < 0); }

// "N" bytes of "-in-N-byte-writes", as the loader writes it: 1 to 64, no leading zero.
std::optional<unsigned> write_size(std::string_view digits) {
  unsigned n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.front() == '0' || n == 0)
    return std::nullopt;
  return n;
}

std::string name_in_area(const case_result& c) {
  const std::string prefix = c.area + "/";
  if (!c.area.empty() && c.id.size() > prefix.size() && c.id.starts_with(prefix))
    return c.id.substr(prefix.size());
  return c.id;
}

}  // namespace

int compare_natural(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t ie = i, je = j;
      while (ie < a.size() && digit(a[ie])) ++ie;
      while (je < b.size() && digit(b[je])) ++je;
      if (const int c = compare_digits(a.substr(i, ie - i), b.substr(j, je - j)); c != 0) return c;
      i = ie, j = je;
      continue;
    }
    if (a[i] != b[j])
      return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]) ? -1 : 1;
    ++i, ++j;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

int compare_autobahn(std::string_view a, std::string_view b) {
  while (true) {
    const std::size_t ae = std::min(a.find('.'), a.size()), be = std::min(b.find('.'), b.size());
    const std::string_view ac = a.substr(0, ae), bc = b.substr(0, be);
    const bool an = !ac.empty() && std::all_of(ac.begin(), ac.end(), digit);
    const bool bn = !bc.empty() && std::all_of(bc.begin(), bc.end(), digit);
    int c = 0;
    if (an && bn) {
      c = compare_digits(ac, bc);
    } else if (an != bn) {
      c = an ? -1 : 1;  // numbers before anything else
    } else {
      c = sign(ac.compare(bc));
    }
    if (c != 0) return c;
    const bool a_more = ae < a.size(), b_more = be < b.size();
    if (!a_more || !b_more) return a_more == b_more ? 0 : (a_more ? 1 : -1);
    a.remove_prefix(ae + 1);
    b.remove_prefix(be + 1);
  }
}

bool case_before(const case_result& a, const case_result& b) {
  if (a.autobahn.has_value() != b.autobahn.has_value()) return a.autobahn.has_value();
  if (a.autobahn) {
    if (const int c = compare_autobahn(*a.autobahn, *b.autobahn); c != 0) return c < 0;
  }
  return compare_natural(a.id, b.id) < 0;
}

std::optional<chop> chopped_variant(std::string_view id) {
  constexpr std::string_view tail = "-byte-writes", mid = "-in-";
  if (!id.ends_with(tail)) return std::nullopt;
  const std::string_view head = id.substr(0, id.size() - tail.size());
  const std::size_t at = head.rfind(mid);
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  const auto n = write_size(head.substr(at + mid.size()));
  if (!n) return std::nullopt;
  return chop{std::string(head.substr(0, at)), *n};
}

std::string case_label(const case_result& c) { return c.autobahn ? *c.autobahn : name_in_area(c); }

std::vector<row> layout(const std::vector<case_result>& cases) {
  // Which cases are variants that join their base (both here, one area, no Autobahn id of the
  // variant's own).
  std::unordered_map<std::string_view, std::size_t> by_id;
  for (std::size_t i = 0; i < cases.size(); ++i) by_id.emplace(cases[i].id, i);
  std::vector<std::optional<std::size_t>> joins(cases.size());
  std::vector<std::optional<chop>> chops(cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    chops[i] = chopped_variant(cases[i].id);
    if (!chops[i]) continue;
    const auto base = by_id.find(chops[i]->base);
    if (base == by_id.end()) continue;
    const case_result& b = cases[base->second];
    if (b.area == cases[i].area && (!cases[i].autobahn || cases[i].autobahn == b.autobahn))
      joins[i] = base->second;
  }
  // A variant of a variant stands on its own: cells sit beside a case, never beside a variant.
  const auto direct = joins;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (direct[i] && direct[*direct[i]]) joins[i].reset();
  }

  // Rows in order of first appearance, then sorted.
  std::vector<row> rows;
  std::map<std::string, std::size_t> row_of;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto [it, added] = row_of.emplace(cases[i].area, rows.size());
    if (added) rows.push_back(row{cases[i].area, {}, 0});
    ++rows[it->second].cases;
    if (joins[i]) continue;
    cell head{i, case_label(cases[i]), chops[i] ? chops[i]->base : std::string(),
              chops[i] ? chops[i]->bytes : 0u};
    rows[it->second].entries.push_back(entry{std::move(head), {}});
  }
  for (auto& r : rows) {
    std::stable_sort(r.entries.begin(), r.entries.end(), [&](const entry& a, const entry& b) {
      return case_before(cases[a.head.index], cases[b.head.index]);
    });
  }
  // Variants beside their base, smallest writes first.
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (!joins[i]) continue;
    row& r = rows[row_of[cases[i].area]];
    const auto base = std::find_if(r.entries.begin(), r.entries.end(),
                                   [&](const entry& e) { return e.head.index == *joins[i]; });
    base->variants.push_back(
        cell{i, std::to_string(chops[i]->bytes) + "B", chops[i]->base, chops[i]->bytes});
  }
  for (auto& r : rows) {
    for (auto& e : r.entries) {
      std::stable_sort(e.variants.begin(), e.variants.end(), [&](const cell& a, const cell& b) {
        if (a.write_bytes != b.write_bytes) return a.write_bytes < b.write_bytes;
        return compare_natural(cases[a.index].id, cases[b.index].id) < 0;
      });
    }
    // A label seen twice in a row says which case it is.
    std::map<std::string, int> seen;
    for (const auto& e : r.entries) ++seen[e.head.label];
    for (auto& e : r.entries) {
      if (seen[e.head.label] < 2) continue;
      const case_result& c = cases[e.head.index];
      e.head.label = c.autobahn ? *c.autobahn + " " + name_in_area(c) : c.id;
    }
  }

  // Areas by their smallest Autobahn id; those without one keep their order, after them.
  auto smallest = [&](const row& r) -> const std::optional<std::string>& {
    return cases[r.entries.front().head.index].autobahn;  // entries are sorted: it is the first
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const row& a, const row& b) {
    const auto &x = smallest(a), &y = smallest(b);
    if (x.has_value() != y.has_value()) return x.has_value();
    return x && compare_autobahn(*x, *y) < 0;
  });
  return rows;
}

std::vector<std::size_t> reading_order(const std::vector<row>& rows) {
  std::vector<std::size_t> out;
  for (const auto& r : rows) {
    for (const auto& e : r.entries) {
      out.push_back(e.head.index);
      for (const auto& v : e.variants) out.push_back(v.index);
    }
  }
  return out;
}

}  // namespace wsspec::matrix
