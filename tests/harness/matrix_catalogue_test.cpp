// The report matrix's rules (reports/.../matrix_layout.hpp) on every built-in case: each case
// has one cell, every label is there and unambiguous in its row, the order is Autobahn's, and
// each chopped variant sits beside its case. Lives with the harness tests because only the
// harness loads the catalogue (families expanded, chops generated).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cases/case_loader.hpp"
#include "wsspec/reports/matrix_layout.hpp"

namespace wsspec {
namespace {

std::vector<case_result> catalogue() {
  std::vector<test_case> all;
  case_error err;
  EXPECT_TRUE(load_builtin_cases(all, err)) << err.to_string();
  std::vector<case_result> out;
  for (const auto& t : all) {
    case_result c;
    c.id = t.id;
    c.area = t.area;
    c.autobahn = t.autobahn;
    out.push_back(std::move(c));
  }
  return out;
}

TEST(MatrixCatalogue, EveryCaseOnceLabelledUnambiguouslyInAutobahnOrder) {
  const std::vector<case_result> cases = catalogue();
  ASSERT_GT(cases.size(), 800u);
  const auto rows = matrix::layout(cases);

  std::vector<std::size_t> seen = matrix::reading_order(rows);
  ASSERT_EQ(seen.size(), cases.size());
  std::sort(seen.begin(), seen.end());
  for (std::size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], i) << "a case twice or never";

  std::set<std::string> areas;
  for (const auto& r : rows) {
    EXPECT_TRUE(areas.insert(r.area).second) << "area " << r.area << " in two rows";
    std::set<std::string> labels;
    std::size_t n = 0;
    for (std::size_t k = 0; k < r.entries.size(); ++k) {
      const auto& e = r.entries[k];
      const case_result& c = cases[e.head.index];
      EXPECT_EQ(c.area, r.area);
      EXPECT_TRUE(labels.insert(e.head.label).second)
          << r.area << ": label " << e.head.label << " twice";
      // The Autobahn id, else the name within the area (the brief's handshake/x -> x).
      EXPECT_EQ(e.head.label, c.autobahn ? *c.autobahn : c.id.substr(r.area.size() + 1)) << c.id;
      if (k > 0) {
        EXPECT_FALSE(matrix::case_before(c, cases[r.entries[k - 1].head.index]))
            << c.id << " before " << cases[r.entries[k - 1].head.index].id;
      }
      std::set<std::string> variant_labels;
      for (const auto& v : e.variants) {
        EXPECT_EQ(cases[v.index].id,
                  c.id + "-in-" + std::to_string(v.write_bytes) + "-byte-writes");
        EXPECT_EQ(v.label, std::to_string(v.write_bytes) + "B");
        EXPECT_TRUE(variant_labels.insert(v.label).second) << cases[v.index].id;
        EXPECT_TRUE(!cases[v.index].autobahn || cases[v.index].autobahn == c.autobahn);
      }
      n += 1 + e.variants.size();
    }
    EXPECT_EQ(n, r.cases) << r.area;
  }
  // Rows in Autobahn's order of their smallest id; those without one last.
  for (std::size_t k = 1; k < rows.size(); ++k) {
    const auto& a = cases[rows[k - 1].entries.front().head.index].autobahn;
    const auto& b = cases[rows[k].entries.front().head.index].autobahn;
    if (a && b) {
      EXPECT_LT(matrix::compare_autobahn(*a, *b), 0) << rows[k].area;
    }
    EXPECT_TRUE(a || !b) << rows[k].area << " after an area without Autobahn ids";
  }
}

TEST(MatrixCatalogue, KnownCellsOfTheCatalogue) {
  const std::vector<case_result> cases = catalogue();
  const auto rows = matrix::layout(cases);
  std::map<std::string, std::string> by_label;  // "area label" -> what the cell shows
  std::map<std::string, std::size_t> position;  // "area label" -> its place in the row
  for (const auto& r : rows) {
    for (const auto& e : r.entries) {
      position[r.area + " " + e.head.label] = position.size();
      std::string shown = e.head.label;
      for (const auto& v : e.variants) shown += " " + v.label;
      if (!e.head.variant_of.empty()) shown += " (chop of " + e.head.variant_of + ")";
      by_label[r.area + " " + e.head.label] = shown;
    }
  }
  EXPECT_EQ(by_label["handshake refuse-missing-upgrade"], "refuse-missing-upgrade");
  EXPECT_EQ(by_label["close 7.9.1"], "7.9.1 1B 3B");
  EXPECT_EQ(by_label["close invalid-code-1015"], "invalid-code-1015 1B 3B");
  EXPECT_EQ(by_label["pingpong 2.4"], "2.4 3B");
  EXPECT_EQ(by_label["pingpong 2.6"], "2.6 (chop of pingpong/ping-125-bytes)");
  EXPECT_EQ(by_label["framing 1.2.8"], "1.2.8 (chop of framing/binary-65536)");
  // Numbers as numbers: 7.1.6 < 7.3.1 < 7.9.9 < 7.13.1, 12.1.2 < 12.1.11.
  EXPECT_LT(position["close 7.1.6"], position["close 7.3.1"]);
  EXPECT_LT(position["close 7.3.1"], position["close 7.9.9"]);
  EXPECT_LT(position["close 7.9.9"], position["close 7.13.1"]);
  EXPECT_LT(position["compression 12.1.2"], position["compression 12.1.11"]);
  // Autobahn's 12.x frame sizes are cases of their own, not chopped variants.
  EXPECT_EQ(by_label["compression 12.1.11"], "12.1.11");
}

}  // namespace
}  // namespace wsspec
