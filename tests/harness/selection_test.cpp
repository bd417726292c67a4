// Which cases a run takes (harness/run/selection.hpp): the glob, what a pattern is matched
// against (id, Autobahn id, area), the order of the selection and the errors that keep a typo
// from giving a green run.
#include "run/selection.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace {

using wsspec::glob_match;
using wsspec::pattern_matches;
using wsspec::select_cases;
using wsspec::test_case;

test_case make_case(std::string id, std::string area,
                    std::optional<std::string> autobahn = std::nullopt) {
  test_case c;
  c.id = std::move(id);
  c.area = std::move(area);
  c.autobahn = std::move(autobahn);
  c.title = "title of " + c.id;
  return c;
}

std::vector<std::string> ids(const std::vector<test_case>& cases) {
  std::vector<std::string> out;
  for (const auto& c : cases) out.push_back(c.id);
  return out;
}

// ---- glob_match ------------------------------------------------------------------------------

TEST(SelectionGlob, LiteralPatternIsAnchoredAtBothEnds) {
  EXPECT_TRUE(glob_match("abc", "abc"));
  EXPECT_FALSE(glob_match("abc", "abcd"));
  EXPECT_FALSE(glob_match("abc", "xabc"));
  EXPECT_FALSE(glob_match("abc", "ab"));
  EXPECT_FALSE(glob_match("abc", "abd"));
  EXPECT_FALSE(glob_match("abc", "ABC"));  // case-sensitive
}

TEST(SelectionGlob, EmptyPatternMatchesOnlyEmptyText) {
  EXPECT_TRUE(glob_match("", ""));
  EXPECT_FALSE(glob_match("", "a"));
  EXPECT_FALSE(glob_match("a", ""));
}

TEST(SelectionGlob, StarMatchesAnyRunIncludingEmpty) {
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("*", "anything/at all"));
  EXPECT_TRUE(glob_match("**", ""));
  EXPECT_TRUE(glob_match("ab*", "ab"));
  EXPECT_TRUE(glob_match("ab*", "abcd"));
  EXPECT_FALSE(glob_match("ab*", "a"));
  EXPECT_TRUE(glob_match("*cd", "abcd"));
  EXPECT_FALSE(glob_match("*cd", "abcde"));
  EXPECT_TRUE(glob_match("a*b*c", "abc"));
  EXPECT_TRUE(glob_match("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(glob_match("a*b*c", "acb"));
  // Backtracking: the first "b" is not the one the pattern needs.
  EXPECT_TRUE(glob_match("*b.c", "ab.xb.c"));
  EXPECT_TRUE(glob_match("1.1.*", "1.1.10"));
  EXPECT_FALSE(glob_match("1.1.*", "1.10.1"));
  // `*` crosses "/": patterns are not path globs.
  EXPECT_TRUE(glob_match("*kosme", "utf8/valid-kosme"));
}

TEST(SelectionGlob, QuestionMarkMatchesExactlyOneCharacter) {
  EXPECT_TRUE(glob_match("a?c", "abc"));
  EXPECT_TRUE(glob_match("a?c", "a/c"));
  EXPECT_FALSE(glob_match("a?c", "ac"));
  EXPECT_FALSE(glob_match("a?c", "abbc"));
  EXPECT_TRUE(glob_match("???", "xyz"));
  EXPECT_FALSE(glob_match("???", "xy"));
  EXPECT_FALSE(glob_match("?", ""));
  EXPECT_TRUE(glob_match("1.?.*", "1.2.8"));
  EXPECT_FALSE(glob_match("1.?.*", "1.10.8"));
  EXPECT_TRUE(glob_match("*?", "a"));
  EXPECT_FALSE(glob_match("*?", ""));
}

TEST(SelectionGlob, PathologicalPatternsStayFast) {
  // A naive recursive glob is exponential on these; the contract is "linear in practice".
  std::string pattern;
  for (int i = 0; i < 60; ++i) pattern += "a*";
  pattern += "b";
  const std::string text(20000, 'a');
  std::string long_pattern(5000, '?');
  long_pattern += "*";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(glob_match(pattern, text));
  EXPECT_TRUE(glob_match(pattern, text + "b"));
  EXPECT_TRUE(glob_match(long_pattern, text));
  EXPECT_FALSE(glob_match(long_pattern, std::string(4999, 'a')));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::seconds(2));
}

// ---- pattern_matches -------------------------------------------------------------------------

TEST(SelectionPattern, MatchesTheWholeCaseId) {
  const auto c = make_case("handshake/version-8", "handshake");
  EXPECT_TRUE(pattern_matches("handshake/version-8", c));
  EXPECT_TRUE(pattern_matches("handshake/version-?", c));
  EXPECT_TRUE(pattern_matches("*version*", c));
  EXPECT_FALSE(pattern_matches("handshake/version", c));
  EXPECT_FALSE(pattern_matches("version-8", c));
}

TEST(SelectionPattern, AreaGlobTakesTheFolder) {
  const auto c = make_case("handshake/version-8", "handshake");
  EXPECT_TRUE(pattern_matches("handshake/*", c));
  EXPECT_FALSE(pattern_matches("framing/*", c));
  // The area followed by "/" is matched too, so a case whose id is not under its area is still
  // taken by its folder.
  const auto odd = make_case("custom-id", "handshake");
  EXPECT_TRUE(pattern_matches("handshake/*", odd));
  EXPECT_FALSE(pattern_matches("hand/*", odd));
}

TEST(SelectionPattern, BareAreaNameTakesTheFolder) {
  const auto c = make_case("framing/text-125", "framing", "1.1.2");
  EXPECT_TRUE(pattern_matches("framing", c));
  EXPECT_FALSE(pattern_matches("framin", c));
  EXPECT_FALSE(pattern_matches("framing2", c));
  EXPECT_FALSE(pattern_matches("fragmentation", c));
  const auto other = make_case("framing2/x", "framing2");
  EXPECT_FALSE(pattern_matches("framing", other));
}

TEST(SelectionPattern, AutobahnIdIsMatched) {
  const auto c = make_case("framing/text-length-126", "framing", "1.1.3");
  EXPECT_TRUE(pattern_matches("1.1.3", c));
  EXPECT_TRUE(pattern_matches("1.1.*", c));
  EXPECT_TRUE(pattern_matches("1.*", c));
  EXPECT_FALSE(pattern_matches("1.1", c));
  EXPECT_FALSE(pattern_matches("1.2.*", c));
  EXPECT_FALSE(pattern_matches("2.*", c));
  // Without an Autobahn id, an Autobahn pattern takes nothing.
  const auto none = make_case("framing/non-minimal-length", "framing");
  EXPECT_FALSE(pattern_matches("1.*", none));
  EXPECT_FALSE(pattern_matches("", none));
}

// ---- select_cases ----------------------------------------------------------------------------

std::vector<test_case> catalogue() {
  return {
      make_case("x/1.1.10", "x", "1.1.10"),
      make_case("x/1.1.9", "x", "1.1.9"),
      make_case("x/1.1.2", "x", "1.1.2"),
      make_case("handshake/version-13", "handshake"),
      make_case("handshake/version-8", "handshake"),
      make_case("framing/text-length-65536", "framing", "1.1.6"),
      make_case("framing/text-length-126", "framing", "1.1.3"),
      make_case("framing/text-length-1000", "framing"),
      make_case("framing/text-125", "framing", "1.1.2x"),
  };
}

TEST(SelectionSelect, NoPatternTakesAllInAreaThenNaturalIdOrder) {
  std::vector<test_case> out;
  std::string error;
  ASSERT_TRUE(select_cases(catalogue(), {}, {}, out, error)) << error;
  EXPECT_EQ(ids(out), (std::vector<std::string>{
                          "framing/text-125",
                          "framing/text-length-126",
                          "framing/text-length-1000",
                          "framing/text-length-65536",
                          "handshake/version-8",
                          "handshake/version-13",
                          "x/1.1.2",
                          "x/1.1.9",
                          "x/1.1.10",
                      }));
  EXPECT_EQ(error, "");
}

TEST(SelectionSelect, OrderDoesNotDependOnInputOrder) {
  auto all = catalogue();
  std::vector<test_case> a, b;
  std::string error;
  ASSERT_TRUE(select_cases(all, {}, {}, a, error));
  std::reverse(all.begin(), all.end());
  ASSERT_TRUE(select_cases(all, {}, {}, b, error));
  EXPECT_EQ(ids(a), ids(b));
}

TEST(SelectionSelect, AreaComesBeforeIdInTheOrder) {
  // "b-area" sorts before "c-area" even though its id sorts after.
  const std::vector<test_case> all = {make_case("a/zzz", "c-area"), make_case("z/aaa", "b-area")};
  std::vector<test_case> out;
  std::string error;
  ASSERT_TRUE(select_cases(all, {}, {}, out, error));
  EXPECT_EQ(ids(out), (std::vector<std::string>{"z/aaa", "a/zzz"}));
}

TEST(SelectionSelect, IncludePatternsAreAUnion) {
  std::vector<test_case> out;
  std::string error;
  ASSERT_TRUE(select_cases(catalogue(), {"handshake/*", "1.1.1?"}, {}, out, error)) << error;
  EXPECT_EQ(ids(out),
            (std::vector<std::string>{"handshake/version-8", "handshake/version-13", "x/1.1.10"}));
}

TEST(SelectionSelect, AutobahnSectionPattern) {
  std::vector<test_case> out;
  std::string error;
  ASSERT_TRUE(select_cases(catalogue(), {"1.1.*"}, {}, out, error)) << error;
  EXPECT_EQ(ids(out), (std::vector<std::string>{"framing/text-125", "framing/text-length-126",
                                                "framing/text-length-65536", "x/1.1.2", "x/1.1.9",
                                                "x/1.1.10"}));
}

TEST(SelectionSelect, BareAreaPattern) {
  std::vector<test_case> out;
  std::string error;
  ASSERT_TRUE(select_cases(catalogue(), {"framing"}, {}, out, error)) << error;
  EXPECT_EQ(out.size(), 4u);
  for (const auto& c : out) EXPECT_EQ(c.area, "framing");
}

TEST(SelectionSelect, IncludeMatchingNothingIsAnErrorNamingThePattern) {
  std::vector<test_case> out = {make_case("stale", "stale")};
  std::string error;
  EXPECT_FALSE(select_cases(catalogue(), {"handshake/*", "nosuchcase*"}, {}, out, error));
  EXPECT_NE(error.find("'nosuchcase*'"), std::string::npos) << error;
  EXPECT_EQ(error.find("handshake/*"), std::string::npos) << error;
}

TEST(SelectionSelect, ExcludeRemovesMatchingCases) {
  std::vector<test_case> out;
  std::string error;
  ASSERT_TRUE(select_cases(catalogue(), {}, {"framing/*", "x/1.1.9", "1.1.1?"}, out, error))
      << error;
  EXPECT_EQ(ids(out),
            (std::vector<std::string>{"handshake/version-8", "handshake/version-13", "x/1.1.2"}));
}

TEST(SelectionSelect, ExcludeWinsOverInclude) {
  std::vector<test_case> out;
  std::string error;
  ASSERT_TRUE(select_cases(catalogue(), {"framing"}, {"*-length-*"}, out, error)) << error;
  EXPECT_EQ(ids(out), (std::vector<std::string>{"framing/text-125"}));
}

TEST(SelectionSelect, ExcludeMatchingNothingIsFine) {
  std::vector<test_case> out;
  std::string error;
  ASSERT_TRUE(select_cases(catalogue(), {"handshake/*"}, {"nosuchcase"}, out, error)) << error;
  EXPECT_EQ(out.size(), 2u);
}

TEST(SelectionSelect, ExcludingEverythingIsAnError) {
  std::vector<test_case> out;
  std::string error;
  EXPECT_FALSE(select_cases(catalogue(), {"handshake/*"}, {"handshake"}, out, error));
  EXPECT_FALSE(error.empty());
  EXPECT_TRUE(out.empty());
}

}  // namespace
