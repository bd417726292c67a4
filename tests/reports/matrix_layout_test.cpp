// The report's matrix from lists of case ids: labels, Autobahn's numeric order, chopped
// variants beside their case, rows in Autobahn's order (reports/.../matrix_layout.hpp).
#include "wsspec/reports/matrix_layout.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace wsspec {
namespace {

case_result make(std::string id, const char* autobahn = nullptr) {
  case_result c;
  c.area = id.substr(0, id.find('/'));
  c.id = std::move(id);
  if (autobahn) c.autobahn = autobahn;
  return c;
}

// One line per row: "area: label label[variant variant] label{chop of base}".
std::string render(const std::vector<matrix::row>& rows, const std::vector<case_result>& cases) {
  std::string out;
  for (const auto& r : rows) {
    out += r.area + " (" + std::to_string(r.cases) + "):";
    for (const auto& e : r.entries) {
      out += " " + e.head.label;
      if (!e.head.variant_of.empty()) out += "{chop of " + e.head.variant_of + "}";
      if (e.variants.empty()) continue;
      out += "[";
      for (std::size_t k = 0; k < e.variants.size(); ++k) {
        const auto& v = e.variants[k];
        out += (k ? " " : "") + v.label;
        // A variant cell names its base and points at its own case.
        EXPECT_EQ(v.variant_of, cases[e.head.index].id);
        EXPECT_EQ(cases[v.index].id,
                  v.variant_of + "-in-" + std::to_string(v.write_bytes) + "-byte-writes");
      }
      out += "]";
    }
    out += "\n";
  }
  return out;
}

TEST(MatrixOrder, AutobahnIdsCompareComponentByComponentAsNumbers) {
  std::vector<std::string> ids = {"7.13.1", "7.3.4", "12.1.11", "7.1.6", "2.10",
                                  "7.1",    "7.1.5", "2.2",     "1.1.1", "12.1.2"};
  std::sort(ids.begin(), ids.end(), [](const std::string& a, const std::string& b) {
    return matrix::compare_autobahn(a, b) < 0;
  });
  EXPECT_EQ(ids, (std::vector<std::string>{"1.1.1", "2.2", "2.10", "7.1", "7.1.5", "7.1.6", "7.3.4",
                                           "7.13.1", "12.1.2", "12.1.11"}));
  EXPECT_EQ(matrix::compare_autobahn("6.4.3", "6.4.3"), 0);
  EXPECT_LT(matrix::compare_autobahn("9.99", "10.1"), 0);
  EXPECT_LT(matrix::compare_autobahn("9.1", "9.x"), 0);  // numbers before anything else
}

TEST(MatrixOrder, CaseIdsCompareRunsOfDigitsAsNumbers) {
  std::vector<std::string> ids = {"close/invalid-code-1004", "close/invalid-code-999",
                                  "close/invalid-code-0",    "x/window-bits-10",
                                  "x/window-bits-9",         "x/window-bits-08",
                                  "x/window-bits-8"};
  std::sort(ids.begin(), ids.end(), [](const std::string& a, const std::string& b) {
    return matrix::compare_natural(a, b) < 0;
  });
  EXPECT_EQ(ids,
            (std::vector<std::string>{"close/invalid-code-0", "close/invalid-code-999",
                                      "close/invalid-code-1004", "x/window-bits-8",
                                      "x/window-bits-08", "x/window-bits-9", "x/window-bits-10"}));
}

TEST(MatrixOrder, ChoppedVariantIdsAreRecognised) {
  const auto v = matrix::chopped_variant("close/invalid-code-0-in-3-byte-writes");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->base, "close/invalid-code-0");
  EXPECT_EQ(v->bytes, 3u);
  EXPECT_EQ(matrix::chopped_variant("framing/binary-65536-in-997-byte-writes")->bytes, 997u);
  // Autobahn 12.x's frame sizes and other look-alikes are cases of their own.
  EXPECT_FALSE(matrix::chopped_variant("compression/1000x8192-json-in-256-byte-frames"));
  EXPECT_FALSE(matrix::chopped_variant("limits/text-1m-chops-64"));
  EXPECT_FALSE(matrix::chopped_variant("x/a-in-0-byte-writes"));
  EXPECT_FALSE(matrix::chopped_variant("x/a-in-01-byte-writes"));
  EXPECT_FALSE(matrix::chopped_variant("x/a-in--byte-writes"));
  EXPECT_FALSE(matrix::chopped_variant("-in-1-byte-writes"));
}

TEST(MatrixLabels, AutobahnIdElseTheNameWithinTheArea) {
  EXPECT_EQ(matrix::case_label(make("close/invalid-code-0", "7.9.1")), "7.9.1");
  EXPECT_EQ(matrix::case_label(make("handshake/refuse-missing-upgrade")), "refuse-missing-upgrade");
  EXPECT_EQ(matrix::case_label(make("handshake/http-1.2")), "http-1.2");
  case_result outside = make("mine/sub/case");
  outside.area = "theirs";  // an id outside its area's folder stays whole
  EXPECT_EQ(matrix::case_label(outside), "mine/sub/case");
}

TEST(MatrixLayout, NumericOrderVariantsBesideTheirCaseAndLabelledNames) {
  // In the loader's order (files alphabetically), not Autobahn's.
  const std::vector<case_result> cases = {
      make("close/code-only", "7.3.4"),
      make("close/fail-then-ping-invalid-utf8"),
      make("close/invalid-code-0", "7.9.1"),
      make("close/invalid-code-0-in-1-byte-writes", "7.9.1"),
      make("close/invalid-code-0-in-3-byte-writes", "7.9.1"),
      make("close/invalid-code-1015"),
      make("close/invalid-code-1015-in-3-byte-writes"),
      make("close/invalid-code-1015-in-1-byte-writes"),
      make("close/reason-124-bytes", "7.13.1"),
      make("close/text-after-close", "7.1.6"),
      make("close/two-close-frames", "7.1.5"),
      make("handshake/refuse-missing-upgrade"),
      make("handshake/accept-extra-headers"),
      make("handshake/header-value-64k"),
      make("handshake/header-value-8k"),
      make("pingpong/ping-125-bytes", "2.4"),
      make("pingpong/ping-125-bytes-in-1-byte-writes", "2.6"),  // Autobahn numbers it
      make("pingpong/ping-125-bytes-in-3-byte-writes"),
      make("pingpong/ping-126-bytes", "2.5"),
      make("framing/text-length-0", "1.1.1"),
      make("framing/binary-65536-in-997-byte-writes", "1.2.8"),  // its base is no case
  };
  const auto rows = matrix::layout(cases);
  EXPECT_EQ(render(rows, cases),
            "framing (2): 1.1.1 1.2.8{chop of framing/binary-65536}\n"
            "pingpong (4): 2.4[3B] 2.5 2.6{chop of pingpong/ping-125-bytes}\n"
            "close (11): 7.1.5 7.1.6 7.3.4 7.9.1[1B 3B] 7.13.1 fail-then-ping-invalid-utf8 "
            "invalid-code-1015[1B 3B]\n"
            "handshake (4): accept-extra-headers header-value-8k header-value-64k "
            "refuse-missing-upgrade\n");
  // The case list reads in the same order, each variant after its case.
  std::vector<std::string> ids;
  for (std::size_t i : matrix::reading_order(rows)) ids.push_back(cases[i].id);
  const std::vector<std::string> close_part(ids.begin() + 6, ids.begin() + 17);
  EXPECT_EQ(close_part, (std::vector<std::string>{
                            "close/two-close-frames", "close/text-after-close", "close/code-only",
                            "close/invalid-code-0", "close/invalid-code-0-in-1-byte-writes",
                            "close/invalid-code-0-in-3-byte-writes", "close/reason-124-bytes",
                            "close/fail-then-ping-invalid-utf8", "close/invalid-code-1015",
                            "close/invalid-code-1015-in-1-byte-writes",
                            "close/invalid-code-1015-in-3-byte-writes"}));
  EXPECT_EQ(ids.size(), cases.size());
}

TEST(MatrixLayout, AreasWithoutAutobahnIdsKeepTheirOrderAfterTheOthers) {
  const std::vector<case_result> cases = {make("misc/b"), make("handshake/a"),
                                          make("utf8/x", "6.2.1"), make("framing/y", "1.1.1")};
  EXPECT_EQ(render(matrix::layout(cases), cases),
            "framing (1): 1.1.1\nutf8 (1): 6.2.1\nmisc (1): b\nhandshake (1): a\n");
}

TEST(MatrixLayout, RepeatedLabelsSayWhichCase) {
  std::vector<case_result> cases = {make("fragmentation/b", "5.1"), make("fragmentation/a", "5.1"),
                                    make("fragmentation/c")};
  cases.push_back(make("c"));  // a --case-dir case whose id has no folder
  cases.back().area = "fragmentation";
  EXPECT_EQ(render(matrix::layout(cases), cases),
            "fragmentation (4): 5.1 a 5.1 b c fragmentation/c\n");
}

TEST(MatrixLayout, AVariantOfAVariantStandsOnItsOwn) {
  const std::vector<case_result> cases = {make("x/a"), make("x/a-in-1-byte-writes"),
                                          make("x/a-in-1-byte-writes-in-3-byte-writes")};
  EXPECT_EQ(render(matrix::layout(cases), cases),
            "x (3): a[1B] a-in-1-byte-writes-in-3-byte-writes{chop of x/a-in-1-byte-writes}\n");
}

TEST(MatrixLayout, EmptyRunHasNoRows) { EXPECT_TRUE(matrix::layout({}).empty()); }

}  // namespace
}  // namespace wsspec
