// The requirement map (cases/requirements.json, harness/cases/requirement_map.hpp): the
// built-in catalogue covers every MUST/SHOULD the map puts on the server (or both sides) with a
// case, or the map says why no wire can show it; no case names an untestable requirement; every
// case names at least one requirement. Then the map's and the case key's errors, each message
// exactly.
#include "cases/requirement_map.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "cases/case_loader.hpp"
#include "cases/case_writer.hpp"

namespace wsspec {
namespace {

const requirement_map& builtin_map() {
  static const requirement_map map = [] {
    requirement_map m;
    case_error e;
    EXPECT_TRUE(load_builtin_requirements(m, e)) << e.to_string();
    return m;
  }();
  return map;
}

const std::vector<test_case>& builtin_cases() {
  static const std::vector<test_case> cases = [] {
    std::vector<test_case> c;
    case_error e;
    EXPECT_TRUE(load_builtin_cases(c, e)) << e.to_string();
    return c;
  }();
  return cases;
}

// ---- coverage of the built-in catalogue ----------------------------------------------------

TEST(RequirementMap, BuiltinMapLoads) {
  const requirement_map& map = builtin_map();
  ASSERT_GE(map.requirements.size(), 60u);
  EXPECT_EQ(map.file, "requirements.json");
  std::set<std::string> sides;
  for (const auto& r : map.requirements) {
    // RFC 6455 itself, and RFC 7692 (permessage-deflate) for the compression cases.
    EXPECT_TRUE(r.rfc == "6455" || r.rfc == "7692") << r.id << ": " << r.rfc;
    EXPECT_EQ(map.find(r.id), &r);
    sides.insert(std::string(to_string(r.binds)));
  }
  EXPECT_EQ(sides, (std::set<std::string>{"both", "client", "server"}));
  const requirement* r = map.find("6455-5.1-server-fails-on-unmasked-frame");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->section, "5.1");
  EXPECT_EQ(r->keyword, req_keyword::must);
  EXPECT_EQ(r->binds, req_binds::server);
  EXPECT_TRUE(r->untestable.empty());
  EXPECT_EQ(map.find("6455-5.1-no-such-thing"), nullptr);
}

TEST(RequirementMap, EmbeddedMapIsTheFileOnDisk) {
  const auto path = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() /
                    "cases" / "requirements.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no source tree at " << path;
  std::ifstream in(path, std::ios::binary);
  const std::string disk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(disk, builtin_requirements_file()) << "requirements.json changed since the build";
}

TEST(RequirementMap, EveryCaseIdIsInTheMap) {
  case_error e;
  EXPECT_TRUE(check_requirement_ids(builtin_cases(), builtin_map(), e)) << e.to_string();
}

TEST(RequirementMap, EveryBuiltinCaseNamesARequirement) {
  ASSERT_FALSE(builtin_cases().empty());
  for (const auto& c : builtin_cases()) {
    EXPECT_FALSE(c.requirements.empty())
        << c.id << " (" << c.source << ") names no requirement: add \"requirements\" after \"rfc\"";
  }
}

TEST(RequirementMap, EveryServerMustAndShouldIsCoveredOrExplained) {
  const requirement_map& map = builtin_map();
  const auto naming = cases_by_requirement(map, builtin_cases());
  std::size_t checked = 0;
  for (std::size_t i = 0; i < map.requirements.size(); ++i) {
    const requirement& r = map.requirements[i];
    if (!r.must_be_covered()) continue;
    ++checked;
    EXPECT_TRUE(!naming[i].empty() || !r.untestable.empty())
        << r.id << " (" << to_string(r.keyword) << ", binds " << to_string(r.binds)
        << ") has no built-in case naming it and no \"untestable\" reason";
  }
  EXPECT_GE(checked, 40u);
}

TEST(RequirementMap, NoCaseNamesAnUntestableRequirement) {
  const requirement_map& map = builtin_map();
  const auto naming = cases_by_requirement(map, builtin_cases());
  for (std::size_t i = 0; i < map.requirements.size(); ++i) {
    const requirement& r = map.requirements[i];
    if (r.untestable.empty()) continue;
    for (const std::size_t k : naming[i]) {
      ADD_FAILURE() << builtin_cases()[k].id << " names " << r.id
                    << ", which the map calls untestable (" << r.untestable
                    << "): drop the id from the case or the reason from the map";
    }
  }
}

TEST(RequirementMap, CasesByRequirementFollowsTheMapOrder) {
  requirement_map map;
  case_error e;
  ASSERT_TRUE(load_requirement_text("m.json", R"({"requirements": [
    {"id": "6455-5.1-a", "rfc": "6455", "section": "5.1", "keyword": "MUST", "binds": "server", "text": "a"},
    {"id": "6455-5.2-b", "rfc": "6455", "section": "5.2", "keyword": "MAY", "binds": "both", "text": "b"}
  ]})",
                                    map, e))
      << e.to_string();
  std::vector<test_case> cases(3);
  cases[0].requirements = {"6455-5.2-b"};
  cases[1].requirements = {"6455-5.1-a", "6455-5.2-b"};
  const auto naming = cases_by_requirement(map, cases);
  ASSERT_EQ(naming.size(), 2u);
  EXPECT_EQ(naming[0], (std::vector<std::size_t>{1}));
  EXPECT_EQ(naming[1], (std::vector<std::size_t>{0, 1}));
  EXPECT_TRUE(map.requirements[0].must_be_covered());
  EXPECT_FALSE(map.requirements[1].must_be_covered());
  EXPECT_EQ(map.requirements[1].pointer, "/requirements/1");
}

// ---- the map's errors --------------------------------------------------------------------------

struct map_error {
  std::string pointer, reason;
};

map_error map_fails(const std::string& text) {
  requirement_map map;
  map.requirements.resize(1);  // left as it was on failure
  case_error e;
  EXPECT_FALSE(load_requirement_text("reqs.json", text, map, e)) << text;
  EXPECT_EQ(e.file, "reqs.json");
  EXPECT_EQ(map.requirements.size(), 1u);
  return {e.pointer, e.reason};
}

// One well-formed entry, with `edit` replacing the text after its id.
std::string entry(const std::string& rest =
                      R"("rfc": "6455", "section": "5.1", "keyword": "MUST", "binds": "server",
                          "text": "t")",
                  const std::string& id = "6455-5.1-x") {
  return R"({"id": ")" + id + R"(", )" + rest + "}";
}

std::string map_of(const std::string& entries) { return R"({"requirements": [)" + entries + "]}"; }

#define EXPECT_MAP_ERROR(text, ptr, why)   \
  do {                                     \
    const map_error got = map_fails(text); \
    EXPECT_EQ(got.pointer, ptr) << (text); \
    EXPECT_EQ(got.reason, why) << (text);  \
  } while (false)

TEST(RequirementMapErrors, Document) {
  EXPECT_MAP_ERROR(
      "[]", "", "the requirement map is one JSON object {\"requirements\": [...]}, got an array");
  EXPECT_MAP_ERROR("{}", "", "the requirement map is missing the required key \"requirements\"");
  EXPECT_MAP_ERROR(R"({"requirement": []})", "/requirement",
                   "unknown key \"requirement\" in the requirement map (did you mean "
                   "\"requirements\"?)");
  EXPECT_MAP_ERROR(
      R"({"cases": []})", "/cases",
      "unknown key \"cases\" in the requirement map; expected one of \"requirements\"");
  EXPECT_MAP_ERROR(R"({"requirements": {}})", "/requirements",
                   "requirements must be an array, got an object");
  EXPECT_MAP_ERROR(R"({"requirements": []})", "/requirements", "requirements must not be empty");
  EXPECT_MAP_ERROR(map_of("5"), "/requirements/0",
                   "a requirement must be an object, got a number (5)");
  EXPECT_MAP_ERROR("{\"requirements\": [\n  {\"id\": }\n]}", "/requirements/0/id",
                   "invalid JSON at line 2, column 10: syntax error while parsing value - "
                   "unexpected '}'; expected '[', '{', or a literal");
  EXPECT_MAP_ERROR(map_of(R"({"id": "a", "id": "b"})"), "/requirements/0/id",
                   "duplicate key \"id\" (each key may appear once in an object)");
}

TEST(RequirementMapErrors, Entries) {
  EXPECT_MAP_ERROR(map_of(entry(R"("rfc": "6455", "section": "5.1", "keyword": "MUST",
                                   "binds": "server", "txt": "t")")),
                   "/requirements/0/txt",
                   "unknown key \"txt\" in a requirement (did you mean \"text\"?)");
  EXPECT_MAP_ERROR(map_of(entry(R"("note": "n")")), "/requirements/0/note",
                   "unknown key \"note\" in a requirement; expected one of \"id\", \"rfc\", "
                   "\"section\", \"keyword\", \"binds\", \"text\", \"untestable\"");
  EXPECT_MAP_ERROR(map_of(entry(R"("rfc": "6455", "section": "5.1", "keyword": "MUST",
                                   "binds": "server")")),
                   "/requirements/0", "a requirement is missing the required key \"text\"");
  EXPECT_MAP_ERROR(map_of(entry(R"("rfc": 6455)")), "/requirements/0/rfc",
                   "expected a string, got a number (6455)");
  EXPECT_MAP_ERROR(map_of(entry(R"("rfc": "")")), "/requirements/0/rfc", "must not be empty");
  EXPECT_MAP_ERROR(map_of(entry(R"("rfc": "RFC 6455")")), "/requirements/0/rfc",
                   "an RFC number is digits, like \"6455\", not \"RFC 6455\"");
  EXPECT_MAP_ERROR(map_of(entry(R"("rfc": "6455", "section": "5.x")")), "/requirements/0/section",
                   "a section is dot-separated numbers, like \"5.5.1\", not \"5.x\"");
  EXPECT_MAP_ERROR(map_of(entry(R"("rfc": "6455", "section": "5.1", "keyword": "must")")),
                   "/requirements/0/keyword", "unknown keyword \"must\" (did you mean \"MUST\"?)");
  EXPECT_MAP_ERROR(map_of(entry(R"("rfc": "6455", "section": "5.1", "keyword": "REQUIRED")")),
                   "/requirements/0/keyword",
                   "unknown keyword \"REQUIRED\"; expected one of \"MUST\", \"MUST NOT\", "
                   "\"SHOULD\", \"SHOULD NOT\", \"MAY\"");
  EXPECT_MAP_ERROR(
      map_of(entry(R"("rfc": "6455", "section": "5.1", "keyword": "MUST", "binds": "servers")")),
      "/requirements/0/binds", "unknown side \"servers\" (did you mean \"server\"?)");
  EXPECT_MAP_ERROR(map_of(entry(R"("rfc": "6455", "section": "5.1", "keyword": "MUST",
                                   "binds": "server", "text": "two\nlines")")),
                   "/requirements/0/text", "must be one line");
  EXPECT_MAP_ERROR(map_of(entry(R"("rfc": "6455", "section": "5.1", "keyword": "MUST",
                                   "binds": "server", "text": "t", "untestable": "")")),
                   "/requirements/0/untestable", "must not be empty");
}

TEST(RequirementMapErrors, Ids) {
  const std::string rest =
      R"("rfc": "6455", "section": "5.1", "keyword": "MUST", "binds": "server", "text": "t")";
  EXPECT_MAP_ERROR(map_of(entry(rest, "6455-5.2-x")), "/requirements/0/id",
                   "id \"6455-5.2-x\" must be \"6455-5.1-<slug>\" (its rfc and section, then "
                   "lower-case letters, digits, \".\" and \"-\")");
  EXPECT_MAP_ERROR(map_of(entry(rest, "6455-5.1-Upper")), "/requirements/0/id",
                   "id \"6455-5.1-Upper\" must be \"6455-5.1-<slug>\" (its rfc and section, then "
                   "lower-case letters, digits, \".\" and \"-\")");
  EXPECT_MAP_ERROR(map_of(entry(rest, "6455-5.1-")), "/requirements/0/id",
                   "id \"6455-5.1-\" must be \"6455-5.1-<slug>\" (its rfc and section, then "
                   "lower-case letters, digits, \".\" and \"-\")");
  EXPECT_MAP_ERROR(map_of(entry(rest, "6455-5.1-a") + ", " + entry(rest, "6455-5.1-b") + ", " +
                          entry(rest, "6455-5.1-a")),
                   "/requirements/2/id",
                   "duplicate id \"6455-5.1-a\" (/requirements/0 has it too)");
}

TEST(RequirementMapErrors, AWellFormedMapLoads) {
  requirement_map map;
  case_error e;
  ASSERT_TRUE(load_requirement_text(
      "reqs.json",
      map_of(entry(R"("rfc": "6455", "section": "10.6", "keyword": "SHOULD NOT",
                      "binds": "client", "text": "t", "untestable": "u")",
                   "6455-10.6-a.b-c")),
      map, e))
      << e.to_string();
  ASSERT_EQ(map.requirements.size(), 1u);
  const requirement& r = map.requirements[0];
  EXPECT_EQ(r.id, "6455-10.6-a.b-c");
  EXPECT_EQ(r.keyword, req_keyword::should_not);
  EXPECT_EQ(r.binds, req_binds::client);
  EXPECT_EQ(r.untestable, "u");
  EXPECT_EQ(to_string(r.keyword), "SHOULD NOT");
  EXPECT_EQ(to_string(r.binds), "client");
}

// ---- the case key "requirements" ----------------------------------------------------------------

std::string case_with(const std::string& requirements) {
  return R"({"id": "a/b", "title": "t", "rfc": ["5.1"], "requirements": )" + requirements +
         R"(, "why": "w", "steps": [{"expect": [{"drop": {}}]}]})";
}

case_error case_fails(const std::string& text) {
  std::vector<test_case> out;
  case_error e;
  EXPECT_FALSE(load_case_text("a/b.json", "a", text, out, e)) << text;
  EXPECT_EQ(e.file, "a/b.json");
  return e;
}

TEST(CaseRequirementsKey, TypeErrors) {
  case_error e = case_fails(case_with(R"("6455-5.1-x")"));
  EXPECT_EQ(e.pointer, "/requirements");
  EXPECT_EQ(e.reason, "requirements must be an array, got a string (\"6455-5.1-x\")");
  e = case_fails(case_with("[]"));
  EXPECT_EQ(e.pointer, "/requirements");
  EXPECT_EQ(e.reason, "requirements must not be empty");
  e = case_fails(case_with(R"(["6455-5.1-x", 5])"));
  EXPECT_EQ(e.pointer, "/requirements/1");
  EXPECT_EQ(e.reason, "expected a string, got a number (5)");
  e = case_fails(case_with(R"([""])"));
  EXPECT_EQ(e.pointer, "/requirements/0");
  EXPECT_EQ(e.reason, "must not be empty");
  e = case_fails(case_with(R"(["6455-5.1-x", "6455-5.1-x"])"));
  EXPECT_EQ(e.pointer, "/requirements/1");
  EXPECT_EQ(e.reason, "requirement \"6455-5.1-x\" is already listed");
  e = case_fails(R"({"id": "a/b", "title": "t", "rfc": ["5.1"], "requirement": ["x"],
                     "why": "w", "steps": [{"expect": [{"drop": {}}]}]})");
  EXPECT_EQ(e.pointer, "/requirement");
  EXPECT_EQ(e.reason, "unknown key \"requirement\" in a case (did you mean \"requirements\"?)");
}

TEST(CaseRequirementsKey, LoadsAndRoundTripsWithMatrixSubstitution) {
  std::vector<test_case> out;
  case_error e;
  ASSERT_TRUE(load_case_text("a/b.json", "a",
                             R"({"id": "a/b-${n}", "title": "t", "rfc": ["5.1"],
                                 "requirements": "${reqs}", "why": "w",
                                 "matrix": [{"n": 1, "reqs": ["6455-5.1-x"]},
                                            {"n": 2, "reqs": ["6455-5.1-x", "6455-5.2-y"]}],
                                 "steps": [{"expect": [{"drop": {}}]}]})",
                             out, e))
      << e.to_string();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].requirements, (std::vector<std::string>{"6455-5.1-x"}));
  EXPECT_EQ(out[1].requirements, (std::vector<std::string>{"6455-5.1-x", "6455-5.2-y"}));
  const std::string text = case_to_text(out[1]);
  EXPECT_LT(text.find("\"rfc\""), text.find("\"requirements\""));
  EXPECT_LT(text.find("\"requirements\""), text.find("\"why\""));
  std::vector<test_case> back;
  ASSERT_TRUE(load_case_text("a/b.json", "a", text, back, e)) << e.to_string();
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].requirements, out[1].requirements);

  // Without the key, a case names none (user folders need not use it).
  back.clear();
  ASSERT_TRUE(load_case_text("a/c.json", "a",
                             R"({"id": "a/c", "title": "t", "rfc": ["5.1"], "why": "w",
                                 "steps": [{"expect": [{"drop": {}}]}]})",
                             back, e));
  EXPECT_TRUE(back[0].requirements.empty());
  EXPECT_EQ(case_to_text(back[0]).find("requirements"), std::string::npos);
}

TEST(CaseRequirementsKey, UnknownIdsAreReportedWithFilePointerAndHint) {
  const requirement_map& map = builtin_map();
  std::vector<test_case> cases;
  case_error e;
  ASSERT_TRUE(load_case_text("mine/x.json", "mine",
                             R"({"id": "mine/x", "title": "t", "rfc": ["5.1"],
          "requirements": ["6455-5.1-server-fails-on-unmasked-frame", "6455-5.1-server-fails-on-unmasked-frames"],
          "why": "w", "steps": [{"expect": [{"drop": {}}]}]})",
                             cases, e));
  ASSERT_FALSE(check_requirement_ids(cases, map, e));
  EXPECT_EQ(e.file, "mine/x.json");
  EXPECT_EQ(e.pointer, "/requirements/1");
  EXPECT_EQ(e.reason,
            "unknown requirement id \"6455-5.1-server-fails-on-unmasked-frames\" (did you mean "
            "\"6455-5.1-server-fails-on-unmasked-frame\"?)");
  EXPECT_EQ(e.to_string(),
            "mine/x.json: /requirements/1: unknown requirement id "
            "\"6455-5.1-server-fails-on-unmasked-frames\" (did you mean "
            "\"6455-5.1-server-fails-on-unmasked-frame\"?)");

  // Nothing near: the message says where the ids are listed. A family names its row.
  cases.clear();
  ASSERT_TRUE(load_case_text("mine/y.json", "mine",
                             R"({"id": "mine/y-${n}", "title": "t", "rfc": ["5.1"],
                                 "requirements": "${r}", "why": "w",
                                 "matrix": [{"n": 1, "r": ["6455-5.5.2-answer-ping"]},
                                            {"n": 2, "r": ["9999-1-nothing-like-it"]}],
                                 "steps": [{"expect": [{"drop": {}}]}]})",
                             cases, e));
  ASSERT_FALSE(check_requirement_ids(cases, map, e));
  EXPECT_EQ(e.file, "mine/y.json");
  EXPECT_EQ(e.pointer, "/requirements/0");
  EXPECT_EQ(e.reason,
            "unknown requirement id \"9999-1-nothing-like-it\" (`wsspec list --requirements` lists "
            "the ids of the requirement map) (in matrix row /matrix/1)");
}

TEST(CaseRequirementsKey, TopLevelRequirementsJsonIsNotACase) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("wsspec_requirements_test_" +
                    std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "area");
  std::ofstream(dir / "requirements.json") << R"({"requirements": []})";
  std::ofstream(dir / "area" / "requirements.json") << case_with(R"(["6455-5.1-x"])");
  std::vector<test_case> out;
  case_error e;
  const bool ok = load_case_dir(dir, out, e);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(ok) << e.to_string();
  ASSERT_EQ(out.size(), 1u);  // only the one in a subfolder is a case
  EXPECT_EQ(out[0].id, "a/b");
  for (const auto& f : builtin_case_files()) EXPECT_NE(f.path, "requirements.json");
}

}  // namespace
}  // namespace wsspec
