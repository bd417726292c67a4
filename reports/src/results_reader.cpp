#include "wsspec/reports/results_reader.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "wsspec/reports/html_report.hpp"

namespace wsspec {

using nlohmann::json;

std::string results_error::to_string() const {
  std::string s;
  if (!file.empty()) s += file + ": ";
  if (!pointer.empty()) s += pointer + ": ";
  return s + message;
}

bool parse_verdict(std::string_view word, verdict& out) noexcept {
  for (verdict v : {verdict::pass, verdict::non_strict, verdict::info, verdict::unimplemented,
                    verdict::fail, verdict::error}) {
    if (to_string(v) == word) {
      out = v;
      return true;
    }
  }
  return false;
}

namespace {

// Thrown inside the reader only; parse_results_json turns it into a results_error.
struct bad_value {
  std::string pointer, message;
};

// A value of the file, quoted for a message: JSON-escaped (so control characters show as \u001b
// and cannot reach a terminal raw) and cut short.
std::string quoted(const json& v) {
  std::string s = v.is_string() ? v.get_ref<const std::string&>() : v.dump();
  s = report_text::truncate(report_text::sanitize(s), 60);
  return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string child(const std::string& ptr, std::string_view key) {
  return ptr + "/" + std::string(key);
}
std::string child(const std::string& ptr, std::size_t index) {
  return ptr + "/" + std::to_string(index);
}

[[noreturn]] void wrong_type(const json& v, const std::string& ptr, std::string_view want) {
  throw bad_value{ptr, "expected " + std::string(want) + ", got " + std::string(v.type_name())};
}

const json& object_at(const json& v, const std::string& ptr) {
  if (!v.is_object()) wrong_type(v, ptr, "an object");
  return v;
}

// The member `key` of object `obj` (at `ptr`): nullptr when absent and optional.
const json* member(const json& obj, std::string_view key, const std::string& ptr, bool required) {
  const auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) throw bad_value{child(ptr, key), "missing (required)"};
    return nullptr;
  }
  return &*it;
}

std::string string_at(const json& v, const std::string& ptr) {
  if (!v.is_string()) wrong_type(v, ptr, "a string");
  return v.get<std::string>();
}

// Sets `out` when the member is there; a member of the wrong type is an error.
void read_string(const json& obj, std::string_view key, const std::string& ptr, std::string& out,
                 bool required = false) {
  if (const json* v = member(obj, key, ptr, required)) out = string_at(*v, child(ptr, key));
}

void read_strings(const json& obj, std::string_view key, const std::string& ptr,
                  std::vector<std::string>& out) {
  const json* v = member(obj, key, ptr, false);
  if (!v) return;
  const std::string p = child(ptr, key);
  if (!v->is_array()) wrong_type(*v, p, "an array of strings");
  out.clear();
  out.reserve(v->size());
  for (std::size_t i = 0; i < v->size(); ++i) out.push_back(string_at((*v)[i], child(p, i)));
}

void read_ms(const json& obj, std::string_view key, const std::string& ptr, double& out) {
  const json* v = member(obj, key, ptr, false);
  if (!v) return;
  const std::string p = child(ptr, key);
  if (!v->is_number()) wrong_type(*v, p, "a number");
  const double d = v->get<double>();
  // 1e400 parses as infinity; a negative time is a corrupt file, not something to draw.
  if (!std::isfinite(d) || d < 0) throw bad_value{p, "expected a time >= 0, got " + v->dump()};
  out = d;
}

verdict verdict_at(const json& v, const std::string& ptr) {
  const std::string word = string_at(v, ptr);
  verdict out = verdict::error;
  if (!parse_verdict(word, out)) {
    throw bad_value{ptr, "unknown verdict " + quoted(v) +
                             " (pass, non-strict, info, unimplemented, fail or error)"};
  }
  return out;
}

// "framing/text-125" -> "framing": what the case loader does for files of an area folder; only
// needed for files written before "area" was in results.json.
std::string area_of(const std::string& id) {
  const auto slash = id.find('/');
  return slash == std::string::npos ? std::string() : id.substr(0, slash);
}

case_result read_case(const json& cj, const std::string& ptr) {
  object_at(cj, ptr);
  case_result c;
  read_string(cj, "id", ptr, c.id, true);
  if (c.id.empty()) throw bad_value{child(ptr, "id"), "empty case id"};
  c.overall = verdict_at(*member(cj, "verdict", ptr, true), child(ptr, "verdict"));

  if (const json* a = member(cj, "area", ptr, false)) {
    c.area = string_at(*a, child(ptr, "area"));
  } else {
    c.area = area_of(c.id);
  }
  read_string(cj, "title", ptr, c.title);
  read_string(cj, "why", ptr, c.why);
  if (const json* ab = member(cj, "autobahn", ptr, false); ab && !ab->is_null()) {
    if (!ab->is_string()) wrong_type(*ab, child(ptr, "autobahn"), "a string or null");
    c.autobahn = ab->get<std::string>();
  }
  read_strings(cj, "rfc", ptr, c.rfc);
  read_strings(cj, "tags", ptr, c.tags);
  read_strings(cj, "transcript", ptr, c.transcript);
  read_ms(cj, "duration_ms", ptr, c.duration_ms);

  // The two part verdicts are later additions to the contract: without them the case verdict
  // stands for data exchange and "reason" is its reason.
  c.data = c.overall;
  c.closing = verdict::pass;
  if (const json* v = member(cj, "verdict_data", ptr, false)) {
    c.data = verdict_at(*v, child(ptr, "verdict_data"));
  }
  if (const json* v = member(cj, "verdict_closing", ptr, false)) {
    c.closing = verdict_at(*v, child(ptr, "verdict_closing"));
  }
  read_string(cj, "reason", ptr, c.reason);
  read_string(cj, "reason_data", ptr, c.reason);
  read_string(cj, "reason_closing", ptr, c.closing_reason);
  read_string(cj, "target_violation", ptr, c.target_violation);
  if (const json* n = member(cj, "not_run", ptr, false)) {
    if (!n->is_boolean()) wrong_type(*n, child(ptr, "not_run"), "a boolean");
    c.not_run = n->get<bool>();
  }
  if (const json* z = member(cj, "compression", ptr, false)) {
    const std::string p = child(ptr, "compression");
    object_at(*z, p);
    case_result::compression_traffic t;
    auto count = [&](std::string_view key, std::uint64_t& out) {
      const json* v = member(*z, key, p, true);
      if (!v->is_number_unsigned()) wrong_type(*v, child(p, key), "a byte count");
      out = v->get<std::uint64_t>();
    };
    count("sent_bytes", t.sent_bytes);
    count("sent_compressed", t.sent_compressed);
    count("received_bytes", t.received_bytes);
    count("received_compressed", t.received_compressed);
    c.compression = t;
  }
  if (const json* keys = member(cj, "client_mask_keys", ptr, false)) {
    const std::string p = child(ptr, "client_mask_keys");
    if (!keys->is_array()) wrong_type(*keys, p, "an array of 8-hex-digit masking keys");
    if (keys->size() > case_result::max_mask_keys)
      throw bad_value{p, "more than " + std::to_string(case_result::max_mask_keys) +
                             " masking keys (" + std::to_string(keys->size()) + ")"};
    c.client_mask_keys.clear();
    for (std::size_t i = 0; i < keys->size(); ++i) {
      const std::string k = string_at((*keys)[i], child(p, i));
      std::uint32_t v = 0;
      const bool hex =
          k.size() == 8 && std::all_of(k.begin(), k.end(), [](char ch) {
            return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
          });
      if (!hex)
        throw bad_value{child(p, i),
                        "expected a masking key of 8 hex digits, got " + quoted((*keys)[i])};
      for (const char ch : k)
        v = (v << 4) | static_cast<std::uint32_t>(ch <= '9'   ? ch - '0'
                                                  : ch <= 'F' ? ch - 'A' + 10
                                                              : ch - 'a' + 10);
      c.client_mask_keys.push_back(v);
    }
  }
  if (const json* rc = member(cj, "remote_close_code", ptr, false); rc && !rc->is_null()) {
    const std::string p = child(ptr, "remote_close_code");
    if (!rc->is_number_integer()) wrong_type(*rc, p, "an integer or null");
    const bool in_range = rc->is_number_unsigned()
                              ? rc->get<std::uint64_t>() <= 65535
                              : rc->get<std::int64_t>() >= 0 && rc->get<std::int64_t>() <= 65535;
    if (!in_range) throw bad_value{p, "close code " + rc->dump() + " is not in 0-65535"};
    c.remote_close_code = static_cast<std::uint16_t>(rc->get<std::uint64_t>());
  }
  return c;
}

// A size or time-out of "limits": an unsigned integer up to `max`; null or absent leaves 0.
template <typename T>
void read_limit(const json& obj, std::string_view key, const std::string& ptr, T& out) {
  const json* v = member(obj, key, ptr, false);
  if (!v || v->is_null()) return;
  const std::string p = child(ptr, key);
  if (!v->is_number_unsigned() || v->get<std::uint64_t>() > std::numeric_limits<T>::max())
    wrong_type(*v, p, "an integer >= 0 or null");
  out = v->get<T>();
}

void read_limits(const json& l, const std::string& ptr, run_limits& out) {
  object_at(l, ptr);
  read_limit(l, "head_bytes", ptr, out.head_bytes);
  read_limit(l, "frame_bytes", ptr, out.frame_bytes);
  read_limit(l, "message_bytes", ptr, out.message_bytes);
  read_limit(l, "case_timeout_ms", ptr, out.case_timeout_ms);
  read_limit(l, "default_case_timeout_ms", ptr, out.default_case_timeout_ms);
  read_limit(l, "total_timeout_ms", ptr, out.total_timeout_ms);
}

void read_summary_counts(const json& s, const std::string& ptr) {
  object_at(s, ptr);
  // The counts are recomputed from the cases; here they only have to be well-formed.
  for (verdict v : {verdict::pass, verdict::non_strict, verdict::info, verdict::unimplemented,
                    verdict::fail, verdict::error}) {
    const std::string key(to_string(v));
    if (const json* n = member(s, key, ptr, false)) {
      if (!n->is_number_integer() || (!n->is_number_unsigned() && n->get<std::int64_t>() < 0)) {
        wrong_type(*n, child(ptr, key), "a count (integer >= 0)");
      }
    }
  }
}

run_summary read_run(const json& j) {
  const std::string root;
  if (!j.is_object()) {
    throw bad_value{
        "", "expected a JSON object (a wsspec results.json), got " + std::string(j.type_name())};
  }
  run_summary r;
  const json& tool = object_at(*member(j, "tool", root, true), "/tool");
  std::string name;
  read_string(tool, "name", "/tool", name, true);
  read_string(tool, "version", "/tool", r.tool_version, true);
  const json& target = object_at(*member(j, "target", root, true), "/target");
  read_string(target, "url", "/target", r.target_url, true);
  read_string(target, "server", "/target", r.server_header);
  read_string(target, "agent", "/target", r.target_agent);
  read_summary_counts(*member(j, "summary", root, true), "/summary");
  read_string(j, "started_at", root, r.started_at);
  read_ms(j, "duration_ms", root, r.duration_ms);
  read_string(j, "command", root, r.command);
  read_strings(j, "argv", root, r.argv);  // absent before wsspec recorded it
  read_string(j, "stopped", root, r.stopped_because);
  if (const json* inc = member(j, "incomplete", root, false)) {
    if (!inc->is_boolean()) wrong_type(*inc, "/incomplete", "a boolean");
    r.incomplete = inc->get<bool>();
  }
  if (const json* l = member(j, "limits", root, false)) read_limits(*l, "/limits", r.limits);
  if (const json* b = member(j, "baseline", root, false)) {
    object_at(*b, "/baseline");
    read_string(*b, "file", "/baseline", r.baseline_file);
    read_strings(*b, "accepted", "/baseline", r.baseline_accepted);
    read_strings(*b, "new_failures", "/baseline", r.baseline_new_failures);
    read_strings(*b, "now_passing", "/baseline", r.baseline_now_passing);
  }

  const json& cases = *member(j, "cases", root, true);
  if (!cases.is_array()) wrong_type(cases, "/cases", "an array");
  r.cases.reserve(cases.size());
  std::set<std::string> seen;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string ptr = child("/cases", i);
    r.cases.push_back(read_case(cases[i], ptr));
    // The comparison keys rows by id: two cases with one id cannot both be shown.
    if (!seen.insert(r.cases.back().id).second) {
      throw bad_value{child(ptr, "id"), "duplicate case id " + quoted(json(r.cases.back().id))};
    }
  }
  return r;
}

// Thrown by the parse callback when the file is bigger than the limits allow.
struct too_big {
  std::string message;
};

}  // namespace

bool parse_results_json(std::string_view text, run_summary& out, results_error& err,
                        const results_limits& limits) noexcept {
  err.pointer.clear();
  err.message.clear();
  try {
    if (text.size() > limits.max_bytes) {
      err.message = "file too big: " + std::to_string(text.size()) + " bytes, at most " +
                    std::to_string(limits.max_bytes);
      return false;
    }
    std::size_t values = 0;
    // Checked while parsing, so a hostile file is refused before its tree is built.
    const json::parser_callback_t guard = [&](int depth, json::parse_event_t event, json&) {
      if (event == json::parse_event_t::object_end || event == json::parse_event_t::array_end) {
        return true;
      }
      if (++values > limits.max_values) {
        throw too_big{"more than " + std::to_string(limits.max_values) + " JSON values"};
      }
      if (depth >= 0 && static_cast<std::size_t>(depth) >= limits.max_depth) {
        throw too_big{"nested deeper than " + std::to_string(limits.max_depth) + " levels"};
      }
      return true;
    };
    // nlohmann's lexer rejects ill-formed UTF-8 inside strings, and bytes outside strings are
    // syntax errors: a file that parses is valid UTF-8 throughout.
    const json j = json::parse(text.begin(), text.end(), guard);
    out = read_run(j);
    return true;
  } catch (const bad_value& e) {
    err.pointer = e.pointer;
    err.message = e.message;
  } catch (const too_big& e) {
    err.message = e.message;
  } catch (const json::exception& e) {
    // Syntax errors, and numbers too large for a double (1e400). what() quotes the last bytes
    // read, which are the file's: make them printable.
    std::string what = e.what();
    const auto bracket = what.find("] ");
    if (what.starts_with("[json.exception.") && bracket != std::string::npos) {
      what.erase(0, bracket + 2);
    }
    err.message = "not valid JSON: " + report_text::truncate(report_text::sanitize(what), 300);
  } catch (const std::bad_alloc&) {
    err.message = "out of memory while reading the file";
  } catch (const std::exception& e) {
    err.message = "cannot read: " + report_text::sanitize(e.what());
  } catch (...) {
    err.message = "cannot read";
  }
  return false;
}

bool read_results_file(const std::filesystem::path& path, run_summary& out, results_error& err,
                       const results_limits& limits) noexcept {
  try {
    err.file = path.string();
    err.pointer.clear();
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      err.message = "is a folder, not a results.json file";
      return false;
    }
    std::ifstream f(path, std::ios::binary);
    if (!f) {
      err.message = std::filesystem::exists(path, ec) ? "cannot open the file" : "no such file";
      return false;
    }
    // Read in pieces and stop past the limit: the size on disk may lie (a FIFO, /proc, a file
    // still growing).
    std::string text;
    std::vector<char> buf(1 << 20);
    while (f) {
      f.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      text.append(buf.data(), static_cast<std::size_t>(f.gcount()));
      if (text.size() > limits.max_bytes) {
        err.message = "file too big: more than " + std::to_string(limits.max_bytes) + " bytes";
        return false;
      }
    }
    if (f.bad()) {
      err.message = "read error";
      return false;
    }
    return parse_results_json(text, out, err, limits);
  } catch (const std::exception& e) {
    err.message = "cannot read: " + std::string(e.what());
  } catch (...) {
    err.message = "cannot read";
  }
  return false;
}

}  // namespace wsspec
