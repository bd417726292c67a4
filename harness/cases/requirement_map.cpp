#include "cases/requirement_map.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <utility>

#include "cases/json_pointer.hpp"
#include "cases/json_text.hpp"

namespace wsspec {

namespace {

using ojson = nlohmann::ordered_json;

constexpr std::array<std::pair<req_keyword, std::string_view>, 5> keyword_names = {{
    {req_keyword::must, "MUST"},
    {req_keyword::must_not, "MUST NOT"},
    {req_keyword::should, "SHOULD"},
    {req_keyword::should_not, "SHOULD NOT"},
    {req_keyword::may, "MAY"},
}};
constexpr std::array<std::pair<req_binds, std::string_view>, 3> binds_names = {{
    {req_binds::server, "server"},
    {req_binds::client, "client"},
    {req_binds::both, "both"},
}};

// Thrown inside this file only; load_requirement_text turns it into a case_error.
struct map_failure {
  std::string pointer;
  std::string reason;
};

[[noreturn]] void fail(std::string pointer, std::string reason) {
  throw map_failure{std::move(pointer), std::move(reason)};
}

std::string child(const std::string& ptr, std::string_view key) {
  return ptr + "/" + json_pointer_token(key);
}

// " (did you mean \"x\"?)" for the nearest of `allowed` within `max_distance` edits, else
// "; expected one of ..." (or `otherwise` when given).
std::string hint(std::string_view got, const std::vector<std::string_view>& allowed,
                 std::size_t max_distance, std::string_view otherwise = {}) {
  std::string_view best;
  std::size_t best_d = max_distance + 1;
  for (auto a : allowed) {
    const std::size_t d = name_distance(got, a);
    if (d < best_d && d < std::max(a.size(), got.size())) {
      best = a;
      best_d = d;
    }
  }
  if (!best.empty()) return " (did you mean " + json_quote(best) + "?)";
  if (!otherwise.empty()) return std::string(otherwise);
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + json_quote(a);
  return "; expected one of " + list;
}

const std::string& string_at(const ojson& v, const std::string& ptr) {
  if (!v.is_string()) fail(ptr, "expected a string, got " + json_describe(v));
  const std::string& s = v.get_ref<const std::string&>();
  if (s.empty()) fail(ptr, "must not be empty");
  return s;
}

std::string one_line(const ojson& v, const std::string& ptr) {
  const std::string& s = string_at(v, ptr);
  if (s.find_first_of("\r\n") != std::string::npos) fail(ptr, "must be one line");
  return s;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "5", "5.5.1": dot-separated numbers.
bool valid_section(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.' || s.find("..") != std::string_view::npos)
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

bool valid_slug(std::string_view s) {
  if (s.empty() || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

requirement parse_requirement(const ojson& v, const std::string& ptr) {
  if (!v.is_object()) fail(ptr, "a requirement must be an object, got " + json_describe(v));
  static const std::vector<std::string_view> keys = {"id",    "rfc",  "section",   "keyword",
                                                     "binds", "text", "untestable"};
  requirement r;
  r.pointer = ptr;
  std::string id_ptr;
  std::vector<bool> seen(keys.size(), false);
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string& key = it.key();
    const std::string p = child(ptr, key);
    const auto k = std::find(keys.begin(), keys.end(), key);
    if (k == keys.end())
      fail(p, "unknown key " + json_quote(key) + " in a requirement" + hint(key, keys, 2));
    seen[static_cast<std::size_t>(k - keys.begin())] = true;
    const ojson& x = it.value();
    if (key == "id") {
      r.id = string_at(x, p);
      id_ptr = p;
    } else if (key == "rfc") {
      r.rfc = string_at(x, p);
      if (!all_digits(r.rfc))
        fail(p, "an RFC number is digits, like \"6455\", not " + json_quote(r.rfc));
    } else if (key == "section") {
      r.section = string_at(x, p);
      if (!valid_section(r.section))
        fail(p, "a section is dot-separated numbers, like \"5.5.1\", not " + json_quote(r.section));
    } else if (key == "keyword") {
      const std::string& s = string_at(x, p);
      const auto n = std::find_if(keyword_names.begin(), keyword_names.end(),
                                  [&](const auto& e) { return e.second == s; });
      if (n == keyword_names.end()) {
        std::vector<std::string_view> names;
        for (const auto& e : keyword_names) names.push_back(e.second);
        fail(p, "unknown keyword " + json_quote(s) + hint(s, names, 2));
      }
      r.keyword = n->first;
    } else if (key == "binds") {
      const std::string& s = string_at(x, p);
      const auto n = std::find_if(binds_names.begin(), binds_names.end(),
                                  [&](const auto& e) { return e.second == s; });
      if (n == binds_names.end()) {
        std::vector<std::string_view> names;
        for (const auto& e : binds_names) names.push_back(e.second);
        fail(p, "unknown side " + json_quote(s) + hint(s, names, 2));
      }
      r.binds = n->first;
    } else if (key == "text") {
      r.text = one_line(x, p);
    } else {
      r.untestable = one_line(x, p);
    }
  }
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {  // all but "untestable" are required
    if (!seen[i]) fail(ptr, "a requirement is missing the required key " + json_quote(keys[i]));
  }
  const std::string prefix = r.rfc + "-" + r.section + "-";
  if (r.id.compare(0, prefix.size(), prefix) != 0 || !valid_slug(r.id.substr(prefix.size()))) {
    fail(id_ptr, "id " + json_quote(r.id) + " must be " + json_quote(prefix + "<slug>") +
                     " (its rfc and section, then lower-case letters, digits, \".\" and \"-\")");
  }
  return r;
}

requirement_map parse_map(std::string_view text) {
  if (text.size() > max_case_file_size) {
    fail("", "the file has " + std::to_string(text.size()) + " bytes; the limit is " +
                 std::to_string(max_case_file_size));
  }
  ojson doc;
  std::string pointer, reason;
  if (!parse_json_text(text, doc, pointer, reason)) fail(pointer, reason);
  if (!doc.is_object()) {
    fail("", "the requirement map is one JSON object {\"requirements\": [...]}, got " +
                 json_describe(doc));
  }
  const ojson* list = nullptr;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() == "requirements") {
      list = &it.value();
    } else if (it.key() != "$schema") {
      fail(child("", it.key()), "unknown key " + json_quote(it.key()) + " in the requirement map" +
                                    hint(it.key(), {"requirements"}, 3));
    }
  }
  if (!list) fail("", "the requirement map is missing the required key \"requirements\"");
  if (!list->is_array()) {
    fail("/requirements", "requirements must be an array, got " + json_describe(*list));
  }
  if (list->empty()) fail("/requirements", "requirements must not be empty");
  requirement_map map;
  for (std::size_t i = 0; i < list->size(); ++i) {
    requirement r = parse_requirement((*list)[i], "/requirements/" + std::to_string(i));
    const auto [it, fresh] = map.index.emplace(r.id, map.requirements.size());
    if (!fresh) {
      fail(r.pointer + "/id", "duplicate id " + json_quote(r.id) + " (" +
                                  map.requirements[it->second].pointer + " has it too)");
    }
    map.requirements.push_back(std::move(r));
  }
  return map;
}

}  // namespace

std::string_view to_string(req_keyword k) noexcept {
  for (const auto& [v, name] : keyword_names)
    if (v == k) return name;
  return "MUST";
}

std::string_view to_string(req_binds b) noexcept {
  for (const auto& [v, name] : binds_names)
    if (v == b) return name;
  return "both";
}

const requirement* requirement_map::find(std::string_view id) const {
  const auto it = index.find(std::string(id));
  return it == index.end() ? nullptr : &requirements[it->second];
}

bool load_requirement_text(std::string_view file_name, std::string_view text, requirement_map& out,
                           case_error& error) {
  error = case_error{std::string(file_name), {}, {}};
  try {
    requirement_map map = parse_map(text);
    map.file = std::string(file_name);
    out = std::move(map);
    return true;
  } catch (const map_failure& f) {
    error.pointer = f.pointer;
    error.reason = f.reason;
  } catch (const std::exception& e) {
    error.reason = std::string("internal error while loading the requirement map: ") + e.what();
  }
  return false;
}

bool load_builtin_requirements(requirement_map& out, case_error& error) {
  const std::string_view text = builtin_requirements_file();
  if (text.empty()) {
    error = case_error{"requirements.json", {}, "no requirement map was compiled into wsspec"};
    return false;
  }
  return load_requirement_text("requirements.json", text, out, error);
}

bool check_requirement_ids(const std::vector<test_case>& cases, const requirement_map& map,
                           case_error& error) {
  try {
    std::vector<std::string_view> ids;
    ids.reserve(map.requirements.size());
    for (const auto& r : map.requirements) ids.push_back(r.id);
    for (const auto& c : cases) {
      for (std::size_t i = 0; i < c.requirements.size(); ++i) {
        const std::string& id = c.requirements[i];
        if (map.find(id)) continue;
        const auto hash = c.source.find('#');
        error.file = c.source.substr(0, hash);
        error.pointer = "/requirements/" + std::to_string(i);
        error.reason =
            "unknown requirement id " + json_quote(id) +
            hint(id, ids, std::max<std::size_t>(3, id.size() / 5),
                 " (`wsspec list --requirements` lists the ids of the requirement map)") +
            (hash == std::string::npos ? "" : " (in matrix row " + c.source.substr(hash + 1) + ")");
        return false;
      }
    }
    return true;
  } catch (const std::exception& e) {
    error = case_error{{}, {}, std::string("cannot check requirement ids: ") + e.what()};
    return false;
  }
}

std::vector<std::vector<std::size_t>> cases_by_requirement(const requirement_map& map,
                                                           const std::vector<test_case>& cases) {
  std::vector<std::vector<std::size_t>> out(map.requirements.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    for (const auto& id : cases[i].requirements) {
      const auto it = map.index.find(id);
      if (it != map.index.end()) out[it->second].push_back(i);
    }
  }
  return out;
}

}  // namespace wsspec
