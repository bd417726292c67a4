#include "run/baseline.hpp"

#include "cases/json_pointer.hpp"

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace wsspec {

namespace {

bool parse_verdict(std::string_view s, verdict& v) {
  for (verdict c : {verdict::pass, verdict::non_strict, verdict::info, verdict::unimplemented,
                    verdict::fail, verdict::error}) {
    if (to_string(c) == s) {
      v = c;
      return true;
    }
  }
  return false;
}

}  // namespace

bool counts_as_failure(verdict v, bool strict) noexcept {
  return v == verdict::fail || v == verdict::error || (strict && v == verdict::non_strict);
}

bool parse_baseline(std::string_view text, const std::string& file, baseline& out,
                    std::string& error) {
  out = {};
  const auto j = nlohmann::json::parse(text, nullptr, false);
  auto bad = [&](const std::string& pointer, const std::string& why) {
    error = file + ": " + (pointer.empty() ? "/" : pointer) + ": " + why;
    return false;
  };
  if (j.is_discarded()) return bad("", "not valid JSON");
  if (!j.is_object()) return bad("", "expected an object with an \"accepted\" array");
  for (const auto& [key, value] : j.items()) {
    if (key != "target" && key != "accepted" && key != "comment")
      return bad("/" + json_pointer_token(key), "unknown key (expected target, accepted, comment)");
  }
  if (j.contains("target")) {
    if (!j["target"].is_string()) return bad("/target", "expected a string");
    out.target = j["target"].get<std::string>();
  }
  if (!j.contains("accepted") || !j["accepted"].is_array())
    return bad("/accepted", "expected an array of {id, verdict, reason}");
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < j["accepted"].size(); ++i) {
    const auto& e = j["accepted"][i];
    const std::string at = "/accepted/" + std::to_string(i);
    if (!e.is_object()) return bad(at, "expected an object {id, verdict, reason}");
    for (const auto& [key, value] : e.items()) {
      if (key != "id" && key != "verdict" && key != "reason")
        return bad(at + "/" + json_pointer_token(key),
                   "unknown key (expected id, verdict, reason)");
    }
    baseline_entry b;
    if (!e.contains("id") || !e["id"].is_string() || e["id"].get<std::string>().empty())
      return bad(at + "/id", "expected the case id as a string");
    b.id = e["id"].get<std::string>();
    if (!e.contains("verdict") || !e["verdict"].is_string() ||
        !parse_verdict(e["verdict"].get<std::string>(), b.expected) || b.expected == verdict::pass)
      return bad(at + "/verdict", "expected one of non-strict, info, unimplemented, fail, error");
    if (!e.contains("reason") || !e["reason"].is_string() || e["reason"].get<std::string>().empty())
      return bad(at + "/reason", "say why the deviation is accepted (with the RFC section)");
    b.reason = e["reason"].get<std::string>();
    if (auto [it, fresh] = seen.emplace(b.id, i); !fresh)
      return bad(at + "/id", "\"" + b.id + "\" is listed twice (first at /accepted/" +
                                 std::to_string(it->second) + ")");
    out.accepted.push_back(std::move(b));
  }
  return true;
}

bool load_baseline(const std::filesystem::path& file, baseline& out, std::string& error) {
  std::ifstream f(file, std::ios::binary);
  if (!f) {
    error = file.string() + ": cannot read the file";
    return false;
  }
  std::ostringstream text;
  text << f.rdbuf();
  return parse_baseline(text.str(), file.string(), out, error);
}

baseline_outcome apply_baseline(const baseline& b, const std::vector<case_result>& results,
                                bool strict) {
  std::map<std::string, const baseline_entry*> by_id;
  for (const auto& e : b.accepted) by_id[e.id] = &e;
  baseline_outcome out;
  for (const auto& r : results) {
    const auto it = by_id.find(r.id);
    if (counts_as_failure(r.overall, strict)) {
      if (it != by_id.end() && it->second->expected == r.overall) {
        out.accepted.push_back(r.id);
      } else {
        out.new_failures.push_back(r.id);
      }
    } else if (it != by_id.end() && it->second->expected != r.overall) {
      // Only a changed verdict: an accepted non-strict entry that is still non-strict stays
      // (it would fail the same target under --strict).
      out.now_passing.push_back(r.id);
    }
  }
  return out;
}

}  // namespace wsspec
