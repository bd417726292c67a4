// Baseline files (harness/run/baseline.hpp): every malformed form is rejected with the file, the
// exact JSON pointer and a reason, and apply_baseline tells accepted failures from new ones and
// from entries that can be removed.
#include "run/baseline.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using wsspec::apply_baseline;
using wsspec::baseline;
using wsspec::baseline_outcome;
using wsspec::case_result;
using wsspec::counts_as_failure;
using wsspec::load_baseline;
using wsspec::parse_baseline;
using wsspec::verdict;
using strings = std::vector<std::string>;

// Parses `text` as "b.json" and returns the error (empty when it parsed).
std::string error_of(const std::string& text) {
  baseline b;
  std::string error;
  const bool ok = parse_baseline(text, "b.json", b, error);
  EXPECT_EQ(ok, error.empty()) << error;
  return ok ? std::string() : error;
}

// The "FILE: POINTER: " prefix of an error.
std::string where(const std::string& error) {
  const auto first = error.find(": ");
  if (first == std::string::npos) return error;
  const auto second = error.find(": ", first + 2);
  return second == std::string::npos ? error : error.substr(0, second);
}

// ---- parse_baseline --------------------------------------------------------------------------

TEST(BaselineParse, ValidFile) {
  const std::string text = R"json({
    "target": "python3-websockets 10.4",
    "comment": "for people",
    "accepted": [
      {"id": "handshake/version-8", "verdict": "fail", "reason": "answers 400 (RFC 6455 4.4)"},
      {"id": "close/one-byte-body", "verdict": "non-strict", "reason": "drops TCP (7.1.7)"},
      {"id": "x/info", "verdict": "info", "reason": "r3"},
      {"id": "x/unimpl", "verdict": "unimplemented", "reason": "r4"},
      {"id": "x/error", "verdict": "error", "reason": "r5"}
    ]
  })json";
  baseline b;
  std::string error;
  ASSERT_TRUE(parse_baseline(text, "b.json", b, error)) << error;
  EXPECT_EQ(error, "");
  EXPECT_EQ(b.target, "python3-websockets 10.4");
  ASSERT_EQ(b.accepted.size(), 5u);
  EXPECT_EQ(b.accepted[0].id, "handshake/version-8");
  EXPECT_EQ(b.accepted[0].expected, verdict::fail);
  EXPECT_EQ(b.accepted[0].reason, "answers 400 (RFC 6455 4.4)");
  EXPECT_EQ(b.accepted[1].id, "close/one-byte-body");
  EXPECT_EQ(b.accepted[1].expected, verdict::non_strict);
  EXPECT_EQ(b.accepted[1].reason, "drops TCP (7.1.7)");
  EXPECT_EQ(b.accepted[2].expected, verdict::info);
  EXPECT_EQ(b.accepted[3].expected, verdict::unimplemented);
  EXPECT_EQ(b.accepted[4].expected, verdict::error);
}

TEST(BaselineParse, EmptyAcceptedListAndNoTarget) {
  baseline b;
  b.target = "stale";
  b.accepted.push_back({"stale", verdict::fail, "stale"});
  std::string error;
  ASSERT_TRUE(parse_baseline(R"({"accepted": []})", "b.json", b, error)) << error;
  EXPECT_EQ(b.target, "");
  EXPECT_TRUE(b.accepted.empty());
}

TEST(BaselineParse, NotJson) {
  const std::string e = error_of("{\"accepted\": [");
  EXPECT_EQ(where(e), "b.json: /");
  EXPECT_NE(e.find("not valid JSON"), std::string::npos) << e;
  EXPECT_EQ(where(error_of("")), "b.json: /");
  EXPECT_EQ(where(error_of("accepted: []")), "b.json: /");
}

TEST(BaselineParse, TopLevelMustBeAnObject) {
  EXPECT_EQ(where(error_of("[]")), "b.json: /");
  EXPECT_EQ(where(error_of("\"accepted\"")), "b.json: /");
  EXPECT_EQ(where(error_of("null")), "b.json: /");
}

TEST(BaselineParse, UnknownTopLevelKey) {
  const std::string e = error_of(R"({"accepted": [], "acepted": []})");
  EXPECT_EQ(where(e), "b.json: /acepted");
  EXPECT_NE(e.find("unknown key"), std::string::npos) << e;
}

TEST(BaselineParse, AcceptedMissingOrNotAnArray) {
  EXPECT_EQ(where(error_of(R"({})")), "b.json: /accepted");
  EXPECT_EQ(where(error_of(R"({"target": "t"})")), "b.json: /accepted");
  EXPECT_EQ(where(error_of(R"({"accepted": {}})")), "b.json: /accepted");
  EXPECT_EQ(where(error_of(R"({"accepted": null})")), "b.json: /accepted");
}

TEST(BaselineParse, TargetMustBeAString) {
  EXPECT_EQ(where(error_of(R"({"target": 3, "accepted": []})")), "b.json: /target");
}

TEST(BaselineParse, EntryMustBeAnObject) {
  EXPECT_EQ(where(error_of(R"({"accepted": [{"id": "a", "verdict": "fail", "reason": "r"},
                                           "b"]})")),
            "b.json: /accepted/1");
}

TEST(BaselineParse, UnknownEntryKey) {
  const std::string e =
      error_of(R"({"accepted": [{"id": "a", "verdict": "fail", "reason": "r", "verdit": "x"}]})");
  EXPECT_EQ(where(e), "b.json: /accepted/0/verdit");
  EXPECT_NE(e.find("unknown key"), std::string::npos) << e;
}

TEST(BaselineParse, BadId) {
  EXPECT_EQ(where(error_of(R"({"accepted": [{"verdict": "fail", "reason": "r"}]})")),
            "b.json: /accepted/0/id");
  EXPECT_EQ(where(error_of(R"({"accepted": [{"id": "", "verdict": "fail", "reason": "r"}]})")),
            "b.json: /accepted/0/id");
  EXPECT_EQ(where(error_of(R"({"accepted": [{"id": 7, "verdict": "fail", "reason": "r"}]})")),
            "b.json: /accepted/0/id");
}

TEST(BaselineParse, BadVerdict) {
  const std::string ok = R"({"id": "a", "verdict": "fail", "reason": "r"}, )";
  for (const char* v : {R"("verdict": "pass")", R"("verdict": "passed")", R"("verdict": "FAIL")",
                        R"("verdict": "non_strict")", R"("verdict": 4)", R"("verdict": null)"}) {
    const std::string e =
        error_of(R"({"accepted": [)" + ok + R"({"id": "b", )" + v + R"(, "reason": "r"}]})");
    EXPECT_EQ(where(e), "b.json: /accepted/1/verdict") << v << ": " << e;
  }
  EXPECT_EQ(where(error_of(R"({"accepted": [)" + ok + R"({"id": "b", "reason": "r"}]})")),
            "b.json: /accepted/1/verdict");
}

TEST(BaselineParse, PassIsNotAnAcceptableVerdict) {
  const std::string e =
      error_of(R"({"accepted": [{"id": "a", "verdict": "pass", "reason": "it passes"}]})");
  EXPECT_EQ(where(e), "b.json: /accepted/0/verdict");
  EXPECT_EQ(e.find("pass,"), std::string::npos) << "pass must not be offered: " << e;
}

TEST(BaselineParse, MissingOrEmptyReason) {
  EXPECT_EQ(where(error_of(R"({"accepted": [{"id": "a", "verdict": "fail"}]})")),
            "b.json: /accepted/0/reason");
  EXPECT_EQ(where(error_of(R"({"accepted": [{"id": "a", "verdict": "fail", "reason": ""}]})")),
            "b.json: /accepted/0/reason");
  EXPECT_EQ(where(error_of(R"({"accepted": [{"id": "a", "verdict": "fail", "reason": 1}]})")),
            "b.json: /accepted/0/reason");
}

TEST(BaselineParse, DuplicateIdPointsAtTheSecondAndNamesTheFirst) {
  const std::string e = error_of(R"({"accepted": [
      {"id": "a", "verdict": "fail", "reason": "r"},
      {"id": "b", "verdict": "fail", "reason": "r"},
      {"id": "a", "verdict": "non-strict", "reason": "r"}]})");
  EXPECT_EQ(where(e), "b.json: /accepted/2/id");
  EXPECT_NE(e.find("\"a\""), std::string::npos) << e;
  EXPECT_NE(e.find("/accepted/0"), std::string::npos) << e;
}

TEST(BaselineParse, FirstProblemIsReported) {
  // Entry 0 is fine, entry 1 has two problems: the unknown key is found first.
  const std::string e = error_of(R"({"accepted": [
      {"id": "a", "verdict": "fail", "reason": "r"},
      {"id": "b", "verdict": "pass", "extra": 1}]})");
  EXPECT_EQ(where(e), "b.json: /accepted/1/extra");
}

// RFC 6901: "~" and "/" in a key are written "~0" and "~1" in a pointer.
TEST(BaselineParse, PointerEscapesKeys) {
  EXPECT_EQ(where(error_of(R"({"accepted": [], "a/b": 1})")), "b.json: /a~1b");
  EXPECT_EQ(where(error_of(R"({"accepted": [], "a~b": 1})")), "b.json: /a~0b");
}

TEST(BaselineLoad, ReadsAFileAndNamesItInErrors) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("wsspec_baseline_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto good = dir / "good.json";
  const auto bad = dir / "bad.json";
  std::ofstream(good) << R"({"accepted": [{"id": "a", "verdict": "fail", "reason": "r"}]})";
  std::ofstream(bad) << R"({"accepted": [{"id": "a", "verdict": "pass", "reason": "r"}]})";
  baseline b;
  std::string error;
  EXPECT_TRUE(load_baseline(good, b, error)) << error;
  EXPECT_EQ(b.accepted.size(), 1u);
  EXPECT_FALSE(load_baseline(bad, b, error));
  EXPECT_EQ(where(error), bad.string() + ": /accepted/0/verdict");
  EXPECT_FALSE(load_baseline(dir / "missing.json", b, error));
  EXPECT_NE(error.find("missing.json"), std::string::npos) << error;
  std::filesystem::remove_all(dir);
}

// ---- counts_as_failure / apply_baseline ------------------------------------------------------

TEST(BaselineApply, WhatCountsAsFailure) {
  EXPECT_FALSE(counts_as_failure(verdict::pass, false));
  EXPECT_FALSE(counts_as_failure(verdict::non_strict, false));
  EXPECT_FALSE(counts_as_failure(verdict::info, false));
  EXPECT_FALSE(counts_as_failure(verdict::unimplemented, false));
  EXPECT_TRUE(counts_as_failure(verdict::fail, false));
  EXPECT_TRUE(counts_as_failure(verdict::error, false));
  EXPECT_FALSE(counts_as_failure(verdict::pass, true));
  EXPECT_TRUE(counts_as_failure(verdict::non_strict, true));
  EXPECT_FALSE(counts_as_failure(verdict::info, true));
  EXPECT_FALSE(counts_as_failure(verdict::unimplemented, true));
  EXPECT_TRUE(counts_as_failure(verdict::fail, true));
  EXPECT_TRUE(counts_as_failure(verdict::error, true));
}

case_result result(const std::string& id, verdict v) {
  case_result r;
  r.id = id;
  r.overall = v;
  r.data = v;
  return r;
}

baseline parse_or_die(const std::string& text) {
  baseline b;
  std::string error;
  EXPECT_TRUE(parse_baseline(text, "b.json", b, error)) << error;
  return b;
}

TEST(BaselineApply, AcceptedNewAndNowPassing) {
  const baseline b = parse_or_die(R"({"accepted": [
      {"id": "same-fail", "verdict": "fail", "reason": "r"},
      {"id": "same-error", "verdict": "error", "reason": "r"},
      {"id": "other-verdict", "verdict": "non-strict", "reason": "r"},
      {"id": "fail-became-error", "verdict": "fail", "reason": "r"},
      {"id": "fixed", "verdict": "fail", "reason": "r"},
      {"id": "did-not-run", "verdict": "fail", "reason": "r"}]})");
  const std::vector<case_result> results = {
      result("same-fail", verdict::fail),     result("same-error", verdict::error),
      result("other-verdict", verdict::fail), result("fail-became-error", verdict::error),
      result("fixed", verdict::pass),         result("unlisted-fail", verdict::fail),
      result("unlisted-pass", verdict::pass), result("unlisted-non-strict", verdict::non_strict),
  };
  const baseline_outcome o = apply_baseline(b, results, false);
  EXPECT_EQ(o.accepted, (strings{"same-fail", "same-error"}));
  EXPECT_EQ(o.new_failures, (strings{"other-verdict", "fail-became-error", "unlisted-fail"}));
  EXPECT_EQ(o.now_passing, (strings{"fixed"}));
}

TEST(BaselineApply, EmptyBaselineMakesEveryFailureNew) {
  const baseline b = parse_or_die(R"({"accepted": []})");
  const baseline_outcome o = apply_baseline(
      b, {result("a", verdict::pass), result("b", verdict::fail), result("c", verdict::error)},
      false);
  EXPECT_TRUE(o.accepted.empty());
  EXPECT_EQ(o.new_failures, (strings{"b", "c"}));
  EXPECT_TRUE(o.now_passing.empty());
}

TEST(BaselineApply, StrictMakesNonStrictCount) {
  const baseline b = parse_or_die(R"({"accepted": [
      {"id": "listed-ns", "verdict": "non-strict", "reason": "r"}]})");
  const std::vector<case_result> results = {result("listed-ns", verdict::non_strict),
                                            result("unlisted-ns", verdict::non_strict),
                                            result("info", verdict::info)};
  const baseline_outcome strict = apply_baseline(b, results, true);
  EXPECT_EQ(strict.accepted, (strings{"listed-ns"}));
  EXPECT_EQ(strict.new_failures, (strings{"unlisted-ns"}));
  EXPECT_TRUE(strict.now_passing.empty());

  const baseline_outcome lax = apply_baseline(b, results, false);
  EXPECT_TRUE(lax.new_failures.empty());
  EXPECT_TRUE(lax.accepted.empty());
}

// An entry whose case still has exactly the listed verdict must not be reported as "now passes:
// remove it" just because that verdict does not fail a run without --strict: removing it would
// make the same target fail with --strict, and the case does not pass.
TEST(BaselineApply, UnchangedNonFailingVerdictIsNotNowPassing) {
  const baseline b = parse_or_die(R"({"accepted": [
      {"id": "listed-ns", "verdict": "non-strict", "reason": "r"},
      {"id": "listed-info", "verdict": "info", "reason": "r"},
      {"id": "listed-unimpl", "verdict": "unimplemented", "reason": "r"}]})");
  const baseline_outcome o = apply_baseline(
      b,
      {result("listed-ns", verdict::non_strict), result("listed-info", verdict::info),
       result("listed-unimpl", verdict::unimplemented)},
      false);
  EXPECT_TRUE(o.new_failures.empty());
  EXPECT_TRUE(o.now_passing.empty())
      << "now_passing has " << o.now_passing.size() << " entries, first: " << o.now_passing.front();
}

TEST(BaselineApply, NonStrictEntryNowPassing) {
  const baseline b = parse_or_die(R"({"accepted": [
      {"id": "listed-ns", "verdict": "non-strict", "reason": "r"}]})");
  const baseline_outcome o = apply_baseline(b, {result("listed-ns", verdict::pass)}, true);
  EXPECT_TRUE(o.accepted.empty());
  EXPECT_TRUE(o.new_failures.empty());
  EXPECT_EQ(o.now_passing, (strings{"listed-ns"}));
}

}  // namespace
