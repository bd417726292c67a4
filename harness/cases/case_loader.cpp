#include "cases/case_loader.hpp"

#include "cases/json_pointer.hpp"
#include "cases/json_text.hpp"
#include "run/payload.hpp"
#include "wsspec/codec/handshake.hpp"
#include "wsspec/codec/permessage_deflate.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace wsspec {

std::string case_error::to_string() const {
  std::string s = file;
  if (!pointer.empty()) s += ": " + pointer;
  return s + ": " + reason;
}

namespace {

// ordered_json keeps each object's keys in file order, so "the first problem" is the first
// one a reader of the file meets.
using ojson = nlohmann::ordered_json;

// Thrown inside the loader only; load_case_text turns it into a case_error.
struct load_failure {
  std::string pointer;
  std::string reason;
};

[[noreturn]] void fail(std::string pointer, std::string reason) {
  throw load_failure{std::move(pointer), std::move(reason)};
}

// ---- messages --------------------------------------------------------------------------

std::string child(const std::string& ptr, std::string_view key) {
  return ptr + "/" + json_pointer_token(key);
}
std::string child(const std::string& ptr, std::size_t index) {
  return ptr + "/" + std::to_string(index);
}

// A string as JSON text, shortened, for messages ("txt" -> "\"txt\"").
std::string quote(std::string_view s) {
  constexpr std::size_t max = 60;
  const bool cut = s.size() > max;
  const ojson j = std::string(cut ? s.substr(0, max) : s);
  // A cut may split a UTF-8 sequence; replace rather than throw.
  std::string out = j.dump(-1, ' ', false, ojson::error_handler_t::replace);
  if (cut) out.insert(out.size() - 1, "...");
  return out;
}

// "a number (5)", "a string (\"x\")", "null", ... for "expected X, got Y" messages.
std::string describe(const ojson& v) {
  switch (v.type()) {
    case ojson::value_t::null:
      return "null";
    case ojson::value_t::boolean:
      return std::string("a boolean (") + (v.get<bool>() ? "true" : "false") + ")";
    case ojson::value_t::number_integer:
    case ojson::value_t::number_unsigned:
    case ojson::value_t::number_float:
      return "a number (" + v.dump() + ")";
    case ojson::value_t::string:
      return "a string (" + quote(v.get_ref<const std::string&>()) + ")";
    case ojson::value_t::array:
      return "an array";
    case ojson::value_t::object:
      return "an object";
    default:
      return "an unexpected value";
  }
}

std::string join_quoted(std::initializer_list<std::string_view> names) {
  std::string s;
  for (auto n : names) s += (s.empty() ? "" : ", ") + quote(n);
  return s;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const char ca = static_cast<char>(std::tolower(static_cast<unsigned char>(a[i - 1])));
      const char cb = static_cast<char>(std::tolower(static_cast<unsigned char>(b[j - 1])));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (ca == cb ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// " (did you mean \"opcode\"?)" for a near miss, else the list of what is allowed.
std::string suggest(std::string_view got, const std::vector<std::string_view>& allowed) {
  // The nearest key within 2 edits; on a tie, the one sharing the longest prefix.
  std::string_view best;
  std::size_t best_d = 3, best_prefix = 0;
  for (auto a : allowed) {
    const std::size_t diff = a.size() > got.size() ? a.size() - got.size() : got.size() - a.size();
    if (diff > 2) continue;
    const std::size_t d = edit_distance(got, a);
    std::size_t prefix = 0;
    while (prefix < a.size() && prefix < got.size() && a[prefix] == got[prefix]) ++prefix;
    if (d < std::max(a.size(), got.size()) &&
        (d < best_d || (d == best_d && !best.empty() && prefix > best_prefix))) {
      best = a;
      best_d = d;
      best_prefix = prefix;
    }
  }
  if (!best.empty()) return " (did you mean " + quote(best) + "?)";
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + quote(a);
  return "; expected one of " + list;
}

// ---- JSON text to a DOM -----------------------------------------------------------------
//
// A SAX handler rather than ojson::parse: it knows the JSON pointer of the place being parsed
// (so a syntax error points into the file), rejects duplicate keys (which a plain parse would
// silently resolve), bounds the nesting depth (the checks below recurse) and appends object
// members without ordered_map's linear search.
class dom_builder {
 public:
  static constexpr std::size_t max_depth = 64;

  explicit dom_builder(std::string_view text) : text_(text) {}

  ojson root;
  std::optional<load_failure> failure;

  bool null() { return put(ojson(nullptr)); }
  bool boolean(bool b) { return put(ojson(b)); }
  bool number_integer(ojson::number_integer_t n) { return put(ojson(n)); }
  bool number_unsigned(ojson::number_unsigned_t n) { return put(ojson(n)); }
  bool number_float(ojson::number_float_t x, const ojson::string_t&) { return put(ojson(x)); }
  bool string(ojson::string_t& s) { return put(ojson(std::move(s))); }
  bool binary(ojson::binary_t&) { return put(ojson()); }  // not produced by JSON text

  bool start_object(std::size_t) { return open(ojson::object()); }
  bool start_array(std::size_t) { return open(ojson::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(ojson::string_t& k) {
    frame& f = stack_.back();
    if (!f.keys.insert(k).second) {
      failure = load_failure{child(pointer(), k), "duplicate key " + quote(k) +
                                                      " (each key may appear once in an object)"};
      return false;
    }
    f.key = std::move(k);
    f.has_key = true;
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    // nlohmann's own line and column are those after the last character read (past a newline
    // that ended a bad literal, they name the next line); name that character instead, and
    // count columns in characters, not UTF-8 bytes.
    const std::size_t last = std::min(position, text_.size());
    std::size_t line = 1, column = 0;
    for (std::size_t i = 0; i < last; ++i) {
      const auto c = static_cast<unsigned char>(text_[i]);
      if (i + 1 < last && c == '\n') {
        ++line;
        column = 0;
      } else if ((c & 0xC0) != 0x80) {
        ++column;
      }
    }
    std::string what = e.what();
    const auto at = what.find("parse error");
    const auto colon = at == std::string::npos ? what.find("] ") : what.find(": ", at);
    if (colon != std::string::npos) what.erase(0, colon + 2);
    // The "last read" part quotes the input: keep reasons short and valid UTF-8 (they end up
    // in results.json and HTML).
    std::string clean;
    for (char ch : what) {
      const auto u = static_cast<unsigned char>(ch);
      if (clean.size() >= 200) {
        clean += "...";
        break;
      }
      if (u >= 0x80) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02x", u);
        clean += buf;
      } else {
        clean += ch;
      }
    }
    what = std::move(clean);
    failure =
        load_failure{pointer(), "invalid JSON at line " + std::to_string(line) + ", column " +
                                    std::to_string(std::max<std::size_t>(column, 1)) + ": " + what};
    return false;
  }

 private:
  struct frame {
    ojson* value;
    std::string key;  // objects: the key whose value is being parsed
    bool has_key = false;
    std::unordered_set<std::string> keys;
  };

  // Where the parser is: each open container's current member; for the innermost array, the
  // element being parsed (the next index).
  std::string pointer() const {
    std::string p;
    for (std::size_t i = 0; i < stack_.size(); ++i) {
      const frame& f = stack_[i];
      if (f.value->is_object()) {
        if (f.has_key) p = child(p, f.key);
      } else {
        const std::size_t n = f.value->size();
        p = child(p, i + 1 < stack_.size() ? n - 1 : n);
      }
    }
    return p;
  }

  ojson* place(ojson&& v) {
    if (stack_.empty()) {
      root = std::move(v);
      return &root;
    }
    frame& f = stack_.back();
    if (f.value->is_array()) {
      f.value->push_back(std::move(v));
      return &f.value->back();
    }
    // Keys are known to be unique (key() checked), so append without ordered_map's search.
    auto& members = f.value->get_ref<ojson::object_t&>();
    members.ojson::object_t::Container::emplace_back(f.key, std::move(v));
    return &members.back().second;
  }

  void done_value() {
    if (!stack_.empty() && stack_.back().value->is_object()) stack_.back().has_key = false;
  }

  bool put(ojson&& v) {
    place(std::move(v));
    done_value();
    return true;
  }

  bool open(ojson&& v) {
    if (stack_.size() >= max_depth) {
      failure = load_failure{
          pointer(), "invalid JSON: nested deeper than " + std::to_string(max_depth) + " levels"};
      return false;
    }
    ojson* p = place(std::move(v));
    stack_.push_back(frame{p, {}, false, {}});
    return true;
  }

  bool close() {
    stack_.pop_back();
    done_value();
    return true;
  }

  std::string_view text_;
  std::vector<frame> stack_;
};

// ---- typed values -------------------------------------------------------------------------

const std::string& as_string(const ojson& v, const std::string& ptr) {
  if (!v.is_string()) fail(ptr, "expected a string, got " + describe(v));
  return v.get_ref<const std::string&>();
}

const std::string& as_nonempty_string(const ojson& v, const std::string& ptr) {
  const std::string& s = as_string(v, ptr);
  if (s.empty()) fail(ptr, "must not be empty");
  return s;
}

bool as_bool(const ojson& v, const std::string& ptr) {
  if (!v.is_boolean()) fail(ptr, "expected true or false, got " + describe(v));
  return v.get<bool>();
}

std::uint64_t as_uint(const ojson& v, const std::string& ptr, std::uint64_t lo, std::uint64_t hi) {
  const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
  if (v.is_number_unsigned()) {
    const auto n = v.get<std::uint64_t>();
    if (n < lo || n > hi) fail(ptr, std::to_string(n) + " is out of range (" + range + ")");
    return n;
  }
  if (v.is_number_integer()) {  // a negative number (non-negative ones parse as unsigned)
    fail(ptr, std::to_string(v.get<std::int64_t>()) + " is out of range (" + range + ")");
  }
  if (v.is_number_float()) {
    const double x = v.get<double>();
    if (std::isfinite(x) && std::floor(x) == x && std::fabs(x) >= 1e15) {
      fail(ptr, v.dump() + " is out of range (" + range + ")");
    }
    fail(ptr, "expected an integer (" + range + "), got " + describe(v));
  }
  fail(ptr, "expected an integer (" + range + "), got " + describe(v));
}

// Hex bytes: pairs of hex digits, optionally separated by white space ("81 05 48 65").
std::string parse_hex(const std::string& s, const std::string& ptr) {
  std::string out;
  out.reserve(s.size() / 2);
  int high = -1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit >= 0) {
      if (high < 0) {
        high = digit;
      } else {
        out += static_cast<char>(high * 16 + digit);
        high = -1;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (high >= 0) {
        fail(ptr, "odd number of hex digits before offset " + std::to_string(i) +
                      " (write each byte as two digits)");
      }
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", u);
    fail(ptr, (u >= 0x20 && u < 0x7f ? quote(std::string(1, c)) : std::string("byte ") + buf) +
                  " at offset " + std::to_string(i) + " is not a hex digit");
  }
  if (high >= 0) fail(ptr, "odd number of hex digits (write each byte as two digits)");
  return out;
}

// ---- objects --------------------------------------------------------------------------------

using handler = std::function<void(const ojson&, const std::string&)>;
struct field {
  std::string_view key;
  handler parse;
  bool required = false;
};

// Visits an object's members in file order: an unknown key is an error, each known one goes to
// its handler; then every required key must have been there.
void visit_object(const ojson& v, const std::string& ptr, std::string_view what,
                  const std::vector<field>& fields) {
  if (!v.is_object()) fail(ptr, std::string(what) + " must be an object, got " + describe(v));
  std::vector<bool> seen(fields.size(), false);
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string& key = it.key();
    const auto f =
        std::find_if(fields.begin(), fields.end(), [&](const field& x) { return x.key == key; });
    if (f == fields.end()) {
      std::vector<std::string_view> allowed;
      for (const auto& x : fields) allowed.push_back(x.key);
      fail(child(ptr, key),
           "unknown key " + quote(key) + " in " + std::string(what) + suggest(key, allowed));
    }
    seen[static_cast<std::size_t>(f - fields.begin())] = true;
    f->parse(it.value(), child(ptr, key));
  }
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].required && !seen[i]) {
      fail(ptr, std::string(what) + " is missing the required key " + quote(fields[i].key));
    }
  }
}

template <typename Fn>
void for_each_element(const ojson& v, const std::string& ptr, std::string_view what, bool non_empty,
                      Fn&& fn) {
  if (!v.is_array()) fail(ptr, std::string(what) + " must be an array, got " + describe(v));
  if (non_empty && v.empty()) fail(ptr, std::string(what) + " must not be empty");
  for (std::size_t i = 0; i < v.size(); ++i) fn(v[i], child(ptr, i));
}

// ["Name", "value"] pairs.
std::vector<std::pair<std::string, std::string>> parse_pairs(const ojson& v, const std::string& ptr,
                                                             std::string_view what) {
  std::vector<std::pair<std::string, std::string>> out;
  for_each_element(v, ptr, what, false, [&](const ojson& e, const std::string& p) {
    if (!e.is_array() || e.size() != 2) {
      fail(p, "expected a [\"Name\", \"value\"] pair, got " +
                  (e.is_array() ? "an array of " + std::to_string(e.size()) : describe(e)));
    }
    out.emplace_back(as_nonempty_string(e[0], child(p, 0)), as_string(e[1], child(p, 1)));
  });
  return out;
}

payload_spec parse_payload(const ojson& v, const std::string& ptr);
std::string materialize_bounded(const payload_spec& p, const std::string& ptr);

// Request header lines to add or set: the value is a string, or a generated payload
// ({"repeat": "a", "size": 1048576}) so a 1 MiB header line is one line of the case file.
std::vector<std::pair<std::string, std::string>> parse_header_lines(const ojson& v,
                                                                    const std::string& ptr,
                                                                    std::string_view what) {
  std::vector<std::pair<std::string, std::string>> out;
  for_each_element(v, ptr, what, false, [&](const ojson& e, const std::string& p) {
    if (!e.is_array() || e.size() != 2) {
      fail(p, "expected a [\"Name\", value] pair, got " +
                  (e.is_array() ? "an array of " + std::to_string(e.size()) : describe(e)));
    }
    const std::string name = as_nonempty_string(e[0], child(p, 0));
    if (e[1].is_string()) {
      out.emplace_back(name, e[1].get<std::string>());
    } else {
      out.emplace_back(name, materialize_bounded(parse_payload(e[1], child(p, 1)), child(p, 1)));
    }
  });
  return out;
}

// ---- payloads, frames, steps ------------------------------------------------------------------

payload_spec parse_payload(const ojson& v, const std::string& ptr) {
  payload_spec p;
  if (v.is_string()) {
    p.bytes = v.get<std::string>();
    return p;
  }
  if (!v.is_object()) {
    fail(ptr,
         "a payload is a string or an object with \"text\", \"hex\", \"repeat\", "
         "\"repeat_hex\", \"random\" or \"data_set\"; got " +
             describe(v));
  }
  std::string kind_key;  // the key that said what kind this is
  std::optional<std::uint64_t> size;
  std::string size_ptr;
  auto kind = [&](const std::string& key, const std::string& p_) {
    if (!kind_key.empty()) {
      fail(p_,
           "a payload has one of \"text\", \"hex\", \"repeat\", \"repeat_hex\", \"random\", "
           "\"data_set\"; "
           "this one already has " +
               quote(kind_key));
    }
    kind_key = key;
  };
  visit_object(v, ptr, "a payload",
               {{"text",
                 [&](const ojson& x, const std::string& q) {
                   kind("text", q);
                   p.how = payload_spec::kind::bytes;
                   p.bytes = as_string(x, q);
                 }},
                {"hex",
                 [&](const ojson& x, const std::string& q) {
                   kind("hex", q);
                   p.how = payload_spec::kind::bytes;
                   p.bytes = parse_hex(as_string(x, q), q);
                 }},
                {"repeat",
                 [&](const ojson& x, const std::string& q) {
                   kind("repeat", q);
                   p.how = payload_spec::kind::repeat;
                   p.pattern = as_nonempty_string(x, q);
                 }},
                {"repeat_hex",
                 [&](const ojson& x, const std::string& q) {
                   kind("repeat_hex", q);
                   p.how = payload_spec::kind::repeat;
                   p.pattern = parse_hex(as_string(x, q), q);
                   if (p.pattern.empty()) fail(q, "the pattern must have at least one byte");
                 }},
                {"random",
                 [&](const ojson& x, const std::string& q) {
                   kind("random", q);
                   p.how = payload_spec::kind::random;
                   p.seed = as_uint(x, q, 0, std::numeric_limits<std::uint64_t>::max());
                 }},
                {"data_set",
                 [&](const ojson& x, const std::string& q) {
                   kind("data_set", q);
                   p.how = payload_spec::kind::data_set;
                   const std::string name = as_string(x, q);
                   const auto set = data_set_named(name);
                   if (!set)
                     fail(q, "unknown data set " + quote(name) + "; one of " +
                                 std::string(data_set_names()));
                   p.set = *set;
                 }},
                {"size", [&](const ojson& x, const std::string& q) {
                   size = as_uint(x, q, 0, max_payload_size);
                   size_ptr = q;
                 }}});
  if (kind_key.empty()) {
    fail(ptr,
         "a payload object needs one of \"text\", \"hex\", \"repeat\", \"repeat_hex\", "
         "\"random\", \"data_set\"");
  }
  if (p.how == payload_spec::kind::bytes) {
    if (size)
      fail(size_ptr,
           "\"size\" goes with \"repeat\", \"repeat_hex\", \"random\" or \"data_set\", not " +
               quote(kind_key));
  } else {
    if (!size) fail(ptr, quote(kind_key) + " needs \"size\" (the number of bytes)");
    p.size = *size;
  }
  return p;
}

// Header values are generated when the case is loaded; 16 MiB is far beyond any server's
// header limit, which is what such a case probes.
std::string materialize_bounded(const payload_spec& p, const std::string& ptr) {
  constexpr std::uint64_t max_header_value = std::uint64_t{16} << 20;
  if (p.how != payload_spec::kind::bytes && p.size > max_header_value)
    fail(ptr, "a generated header value is at most 16 MiB");
  return materialize(p);
}

// Frame opcodes by name (RFC 6455 5.2, 11.8) or number 0-15.
std::uint8_t parse_opcode(const ojson& v, const std::string& ptr) {
  static const std::vector<std::pair<std::string_view, std::uint8_t>> names = {
      {"continuation", 0}, {"text", 1}, {"binary", 2}, {"close", 8}, {"ping", 9}, {"pong", 10}};
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    for (const auto& [name, code] : names)
      if (s == name) return code;
    std::vector<std::string_view> allowed;
    for (const auto& n : names) allowed.push_back(n.first);
    std::string hint = suggest(s, allowed);
    if (hint.rfind(" (", 0) != 0)
      hint = "; use " + join_quoted({"text", "binary", "continuation", "close", "ping", "pong"}) +
             " or a number 0-15";
    fail(ptr, "unknown opcode " + quote(s) + hint);
  }
  if (v.is_number()) return static_cast<std::uint8_t>(as_uint(v, ptr, 0, 15));
  fail(ptr,
       "an opcode is a name (\"text\", \"binary\", \"continuation\", \"close\", \"ping\", "
       "\"pong\") or a number 0-15, got " +
           describe(v));
}

// "text" or "binary": what a message (sent or expected) may be.
std::uint8_t parse_message_opcode(const ojson& v, const std::string& ptr) {
  const std::string& s = as_string(v, ptr);
  if (s == "text") return 1;
  if (s == "binary") return 2;
  fail(ptr, "a message is \"text\" or \"binary\", not " + quote(s) +
                " (send other frames with send_frame)");
}

// chunk / delay_ms, shared by the sending steps.
std::vector<field> shape_fields(write_shape& shape, bool& has_chunk, std::string& delay_ptr) {
  return {{"chunk",
           [&](const ojson& x, const std::string& q) {
             shape.chunk = static_cast<std::size_t>(as_uint(x, q, 0, max_payload_size));
             has_chunk = shape.chunk > 0;
           }},
          {"delay_ms", [&](const ojson& x, const std::string& q) {
             shape.delay_ms = static_cast<std::uint32_t>(as_uint(x, q, 0, 600000));
             delay_ptr = q;
           }}};
}

void check_shape(const write_shape& shape, bool has_chunk, const std::string& delay_ptr) {
  if (shape.delay_ms > 0 && !has_chunk) {
    fail(delay_ptr,
         "\"delay_ms\" is the pause between writes of \"chunk\" bytes; without a "
         "\"chunk\" > 0 there is one write and nothing to delay");
  }
}

std::vector<field> concat(std::vector<field> a, std::vector<field> b) {
  for (auto& f : b) a.push_back(std::move(f));
  return a;
}

// Repetitions of a frame, message or event: enough for a 100 000-fragment flood, bounded so a
// case file cannot ask for unbounded work.
constexpr std::uint64_t max_count = 1000000;

send_frame parse_send_frame(const ojson& v, const std::string& ptr) {
  send_frame f;
  bool has_chunk = false;
  std::string delay_ptr, form_ptr;
  visit_object(
      v, ptr, "send_frame",
      concat(
          {{"opcode", [&](const ojson& x, const std::string& q) { f.opcode = parse_opcode(x, q); }},
           {"fin", [&](const ojson& x, const std::string& q) { f.fin = as_bool(x, q); }},
           {"rsv",
            [&](const ojson& x, const std::string& q) {
              f.rsv = static_cast<std::uint8_t>(as_uint(x, q, 0, 7));
            }},
           {"mask",
            [&](const ojson& x, const std::string& q) {
              const std::string& s = as_string(x, q);
              if (s == "random") {
                f.masked = true;
                f.key.reset();
              } else if (s == "none") {
                f.masked = false;
                f.key.reset();
              } else {
                const bool hex8 = s.size() == 8 && std::all_of(s.begin(), s.end(), [](char c) {
                                    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                                  });
                if (!hex8) {
                  fail(q,
                       "mask is \"random\", \"none\" or a 4-byte key as 8 hex digits "
                       "(\"37fa213d\"), not " +
                           quote(s));
                }
                const std::string key = parse_hex(s, q);
                f.masked = true;
                f.key.emplace();
                for (std::size_t i = 0; i < 4; ++i) (*f.key)[i] = static_cast<std::uint8_t>(key[i]);
              }
            }},
           {"length_form",
            [&](const ojson& x, const std::string& q) {
              const std::string& s = as_string(x, q);
              form_ptr = q;
              if (s == "minimal") {
                f.form = send_frame::length_form::minimal;
              } else if (s == "16") {
                f.form = send_frame::length_form::bits16;
              } else if (s == "64") {
                f.form = send_frame::length_form::bits64;
              } else {
                fail(q, "length_form is \"minimal\", \"16\" or \"64\", not " + quote(s));
              }
            }},
           {"length",
            [&](const ojson& x, const std::string& q) {
              f.length = as_uint(x, q, 0, std::uint64_t{0x7FFFFFFFFFFFFFFF});
            }},
           {"payload",
            [&](const ojson& x, const std::string& q) { f.payload = parse_payload(x, q); }},
           {"count",
            [&](const ojson& x, const std::string& q) {
              f.count = static_cast<std::uint32_t>(as_uint(x, q, 1, max_count));
            }}},
          shape_fields(f.shape, has_chunk, delay_ptr)));
  check_shape(f.shape, has_chunk, delay_ptr);
  const std::uint64_t len = f.length ? *f.length : payload_size(f.payload);
  if (f.form == send_frame::length_form::bits16 && len > 0xFFFF) {
    fail(form_ptr, "a 16-bit length field cannot hold " + std::to_string(len) +
                       " (use \"64\", or \"length\" to write a smaller one)");
  }
  return f;
}

send_message parse_send_message(const ojson& v, const std::string& ptr) {
  send_message m;
  bool has_chunk = false;
  std::string delay_ptr;
  visit_object(
      v, ptr, "send_message",
      concat({{"opcode", [&](const ojson& x,
                             const std::string& q) { m.opcode = parse_message_opcode(x, q); }},
              {"payload",
               [&](const ojson& x, const std::string& q) { m.payload = parse_payload(x, q); }},
              {"fragment_size",
               [&](const ojson& x, const std::string& q) {
                 m.fragment_size = as_uint(x, q, 0, max_payload_size);
               }},
              {"count",
               [&](const ojson& x, const std::string& q) {
                 m.count = static_cast<std::uint32_t>(as_uint(x, q, 1, max_count));
               }},
              {"compressed",
               [&](const ojson& x, const std::string& q) { m.compressed = as_bool(x, q); }}},
             shape_fields(m.shape, has_chunk, delay_ptr)));
  check_shape(m.shape, has_chunk, delay_ptr);
  return m;
}

send_raw parse_send_raw(const ojson& v, const std::string& ptr) {
  send_raw r;
  bool has_chunk = false;
  std::string delay_ptr, bytes_key;
  auto bytes = [&](const char* key, const std::string& q) {
    if (!bytes_key.empty()) {
      fail(q, "send_raw has one of \"hex\" and \"text\"; this one already has " + quote(bytes_key));
    }
    bytes_key = key;
  };
  visit_object(v, ptr, "send_raw",
               concat({{"hex",
                        [&](const ojson& x, const std::string& q) {
                          bytes("hex", q);
                          r.bytes = parse_hex(as_string(x, q), q);
                          if (r.bytes.empty()) fail(q, "must have at least one byte");
                        }},
                       {"text",
                        [&](const ojson& x, const std::string& q) {
                          bytes("text", q);
                          r.bytes = as_nonempty_string(x, q);
                        }}},
                      shape_fields(r.shape, has_chunk, delay_ptr)));
  if (bytes_key.empty()) fail(ptr, "send_raw needs \"hex\" or \"text\" (the bytes to send)");
  check_shape(r.shape, has_chunk, delay_ptr);
  return r;
}

// {} and nothing else: a FIN has no parameters (a close frame is send_frame's business).
end_sending parse_end_sending(const ojson& v, const std::string& ptr) {
  visit_object(v, ptr, "end_sending", {});
  return {};
}

handshake_spec parse_handshake(const ojson& v, const std::string& ptr) {
  handshake_spec h;
  std::string edit_key;  // a key that edits the default request (which "raw" replaces)
  std::string raw_ptr;
  auto edit = [&](const char* key) {
    if (edit_key.empty()) edit_key = key;
  };
  visit_object(v, ptr, "handshake",
               {{"method",
                 [&](const ojson& x, const std::string& q) {
                   edit("method");
                   h.method = as_string(x, q);
                 }},
                {"target",
                 [&](const ojson& x, const std::string& q) {
                   edit("target");
                   h.target = as_string(x, q);
                 }},
                {"version",
                 [&](const ojson& x, const std::string& q) {
                   edit("version");
                   h.version = as_string(x, q);
                 }},
                {"add",
                 [&](const ojson& x, const std::string& q) {
                   edit("add");
                   h.add = parse_header_lines(x, q, "add");
                 }},
                {"remove",
                 [&](const ojson& x, const std::string& q) {
                   edit("remove");
                   for_each_element(x, q, "remove", false,
                                    [&](const ojson& e, const std::string& p) {
                                      h.remove.push_back(as_nonempty_string(e, p));
                                    });
                 }},
                {"set",
                 [&](const ojson& x, const std::string& q) {
                   edit("set");
                   h.set = parse_header_lines(x, q, "set");
                 }},
                {"raw",
                 [&](const ojson& x, const std::string& q) {
                   h.raw = as_nonempty_string(x, q);
                   raw_ptr = q;
                 }},
                {"trailing_hex", [&](const ojson& x, const std::string& q) {
                   h.trailing = parse_hex(as_string(x, q), q);
                 }}});
  if (h.raw && !edit_key.empty()) {
    fail(raw_ptr, "\"raw\" is the whole request head, so it cannot be combined with " +
                      quote(edit_key) + " (only \"trailing_hex\" goes with it)");
  }
  return h;
}

// The server's opening handshake response to a client under test, edited from the default 101
// like parse_handshake edits the request.
respond_spec parse_respond(const ojson& v, const std::string& ptr) {
  respond_spec r;
  std::string edit_key;
  std::string raw_ptr;
  auto edit = [&](const char* key) {
    if (edit_key.empty()) edit_key = key;
  };
  visit_object(v, ptr, "respond",
               {{"status",
                 [&](const ojson& x, const std::string& q) {
                   edit("status");
                   r.status = static_cast<int>(as_uint(x, q, 100, 599));
                 }},
                {"reason",
                 [&](const ojson& x, const std::string& q) {
                   edit("reason");
                   r.reason = as_string(x, q);
                   if (r.reason->find_first_of("\r\n") != std::string::npos)
                     fail(q, "a reason phrase is one line (to send a broken head, use \"raw\")");
                 }},
                {"add",
                 [&](const ojson& x, const std::string& q) {
                   edit("add");
                   r.add = parse_header_lines(x, q, "add");
                 }},
                {"remove",
                 [&](const ojson& x, const std::string& q) {
                   edit("remove");
                   for_each_element(x, q, "remove", false,
                                    [&](const ojson& e, const std::string& p) {
                                      r.remove.push_back(as_nonempty_string(e, p));
                                    });
                 }},
                {"set",
                 [&](const ojson& x, const std::string& q) {
                   edit("set");
                   r.set = parse_header_lines(x, q, "set");
                 }},
                {"raw",
                 [&](const ojson& x, const std::string& q) {
                   r.raw = as_nonempty_string(x, q);
                   raw_ptr = q;
                 }},
                {"delay_ms", [&](const ojson& x, const std::string& q) {
                   r.delay_ms = static_cast<std::uint32_t>(as_uint(x, q, 1, 60000));
                 }}});
  if (r.raw && !edit_key.empty()) {
    fail(raw_ptr,
         "\"raw\" is the whole response head, so it cannot be combined with " + quote(edit_key));
  }
  return r;
}

verdict parse_grade(const ojson& v, const std::string& ptr) {
  const std::string& s = as_string(v, ptr);
  if (s == "pass") return verdict::pass;
  if (s == "non-strict") return verdict::non_strict;
  if (s == "info") return verdict::info;
  if (s == "unimplemented") return verdict::unimplemented;
  if (s == "fail") return verdict::fail;
  if (s == "error") {
    fail(ptr,
         "\"error\" is not a grade a case gives (it means wsspec could not run the case); "
         "use \"pass\", \"non-strict\", \"info\", \"unimplemented\" or \"fail\"");
  }
  fail(ptr, "unknown grade " + quote(s) +
                "; use \"pass\", \"non-strict\", \"info\", "
                "\"unimplemented\" or \"fail\"");
}

std::vector<std::uint16_t> parse_close_codes(const ojson& v, const std::string& ptr) {
  std::vector<std::uint16_t> codes;
  for_each_element(v, ptr, "codes", false, [&](const ojson& e, const std::string& p) {
    const auto c = static_cast<std::uint16_t>(as_uint(e, p, 1000, 4999));
    if (c == 1005 || c == 1006 || c == 1015) {
      fail(p, std::to_string(c) + " is never sent in a close frame (RFC 6455 7.4.1); expect " +
                  "a \"drop\" or a close without a code instead");
    }
    codes.push_back(c);
  });
  return codes;
}

// {"message": {...}} and the other single-key event objects.
expect_event parse_event(const ojson& v, const std::string& ptr) {
  expect_event e;
  std::string kind_key;
  auto kind = [&](const char* key, expect_event::kind k, const std::string& q) {
    if (!kind_key.empty()) {
      fail(q,
           "an event has exactly one key; this one has " + quote(kind_key) + " and " + quote(key));
    }
    kind_key = key;
    e.what = k;
  };
  auto echo_or_payload = [&](const ojson& x, const std::string& q) {
    if (x.is_string() && x.get_ref<const std::string&>() == "echo") {
      e.echo = true;
    } else {
      e.payload = parse_payload(x, q);
    }
  };
  visit_object(
      v, ptr, "an event",
      {{"message",
        [&](const ojson& x, const std::string& q) {
          kind("message", expect_event::kind::message, q);
          visit_object(
              x, q, "message",
              {{"opcode", [&](const ojson& y,
                              const std::string& r) { e.opcode = parse_message_opcode(y, r); }},
               {"payload", echo_or_payload}});
        }},
       {"pong",
        [&](const ojson& x, const std::string& q) {
          kind("pong", expect_event::kind::pong, q);
          visit_object(x, q, "pong", {{"payload", echo_or_payload}});
        }},
       {"close",
        [&](const ojson& x, const std::string& q) {
          kind("close", expect_event::kind::close, q);
          visit_object(x, q, "close", {{"codes", [&](const ojson& y, const std::string& r) {
                                          e.codes = parse_close_codes(y, r);
                                        }}});
        }},
       {"fail",
        [&](const ojson& x, const std::string& q) {
          kind("fail", expect_event::kind::fail, q);
          visit_object(x, q, "fail", {{"codes", [&](const ojson& y, const std::string& r) {
                                         e.codes = parse_close_codes(y, r);
                                       }}});
        }},
       {"drop",
        [&](const ojson& x, const std::string& q) {
          kind("drop", expect_event::kind::drop, q);
          visit_object(x, q, "drop", {});
        }},
       {"silence",
        [&](const ojson& x, const std::string& q) {
          kind("silence", expect_event::kind::silence, q);
          visit_object(x, q, "silence", {});
        }},
       {"any",
        [&](const ojson& x, const std::string& q) {
          kind("any", expect_event::kind::any, q);
          visit_object(x, q, "any", {});
        }},
       {"handshake", [&](const ojson& x, const std::string& q) {
          kind("handshake", expect_event::kind::handshake, q);
          visit_object(
              x, q, "handshake",
              {{"status",
                [&](const ojson& y, const std::string& r) {
                  for_each_element(
                      y, r, "status", false, [&](const ojson& s, const std::string& p) {
                        e.statuses.push_back(static_cast<int>(as_uint(s, p, 100, 599)));
                      });
                }},
               {"headers", [&](const ojson& y,
                               const std::string& r) { e.headers = parse_pairs(y, r, "headers"); }},
               {"crlf", [&](const ojson& y, const std::string& r) { e.crlf = as_bool(y, r); }}});
        }}});
  if (kind_key.empty()) {
    fail(ptr,
         "an event needs one of \"message\", \"pong\", \"close\", \"fail\", \"drop\", "
         "\"handshake\", \"silence\", \"any\"");
  }
  return e;
}

// An element is an event, or {"count": N, "event": {...}} for N of the same event in a row.
std::vector<expect_event> parse_events(const ojson& v, const std::string& ptr) {
  std::vector<expect_event> events;
  std::uint64_t total = 0;
  for_each_element(v, ptr, "events", true, [&](const ojson& e, const std::string& p) {
    std::uint64_t n = 1;
    if (e.is_object() && e.contains("count")) {
      const ojson* inner = nullptr;
      std::string inner_ptr;
      visit_object(
          e, p, "a repeated event",
          {{"count", [&](const ojson& x, const std::string& q) { n = as_uint(x, q, 1, max_count); },
            true},
           {"event",
            [&](const ojson& x, const std::string& q) {
              inner = &x;
              inner_ptr = q;
            },
            true}});
      total += n;
      if (total > max_count) fail(p, "more than " + std::to_string(max_count) + " events");
      const expect_event one = parse_event(*inner, inner_ptr);
      if (one.what == expect_event::kind::silence) fail(inner_ptr, "silence cannot be repeated");
      if (one.what == expect_event::kind::any) fail(inner_ptr, "any cannot be repeated");
      events.insert(events.end(), static_cast<std::size_t>(n), one);
      return;
    }
    ++total;
    events.push_back(parse_event(e, p));
  });
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    if (events[i].what == expect_event::kind::silence)
      fail(ptr, "\"silence\" can only be the last event of a list (it ends the wait)");
    if (events[i].what == expect_event::kind::any && events[i + 1].what == expect_event::kind::any)
      fail(ptr, "two \"any\" events in a row mean the same as one");
  }
  return events;
}

expect_step parse_expect(const ojson& v, const std::string& ptr) {
  expect_step x;
  if (v.is_array()) {
    x.alternatives.push_back(alternative{verdict::pass, parse_events(v, ptr), {}});
    return x;
  }
  if (!v.is_object()) {
    fail(ptr, "expect is an array of events or {\"one_of\": [...]}, got " + describe(v));
  }
  visit_object(
      v, ptr, "expect",
      {{"one_of",
        [&](const ojson& alts, const std::string& q) {
          for_each_element(alts, q, "one_of", true, [&](const ojson& a, const std::string& p) {
            alternative alt;
            visit_object(
                a, p, "an alternative",
                {{"grade",
                  [&](const ojson& g, const std::string& r) { alt.grade = parse_grade(g, r); },
                  true},
                 {"events",
                  [&](const ojson& es, const std::string& r) { alt.events = parse_events(es, r); },
                  true},
                 {"note",
                  [&](const ojson& n, const std::string& r) { alt.note = as_string(n, r); }}});
            x.alternatives.push_back(std::move(alt));
          });
        },
        true}});
  return x;
}

constexpr std::uint64_t max_timeout_ms = 600000;
// Each chop is a whole copy of the case.
constexpr std::size_t max_chops = 8;

step parse_step(const ojson& v, const std::string& ptr, std::optional<std::uint32_t>& timeout,
                std::string& timeout_ptr) {
  static const std::vector<std::string_view> actions = {
      "send_frame", "send_message", "send_raw", "handshake", "respond", "expect", "end_sending"};
  if (!v.is_object()) fail(ptr, "a step must be an object, got " + describe(v));
  std::string action;
  std::vector<std::string_view> allowed = actions;
  allowed.push_back("timeout_ms");
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string& key = it.key();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      fail(child(ptr, key), "unknown key " + quote(key) + " in a step" + suggest(key, allowed));
    }
    if (key == "timeout_ms") continue;
    if (!action.empty()) {
      fail(ptr,
           "a step does exactly one thing; this one has " + quote(action) + " and " + quote(key));
    }
    action = key;
  }
  if (action.empty()) {
    fail(ptr,
         "a step needs one of \"send_frame\", \"send_message\", \"send_raw\", "
         "\"handshake\", \"respond\", \"expect\", \"end_sending\"");
  }
  const std::string p = child(ptr, action);
  const ojson& body = v.find(action).value();
  if (const auto t = v.find("timeout_ms"); t != v.end()) {
    const std::string q = child(ptr, "timeout_ms");
    if (action != "expect") {
      fail(q,
           "\"timeout_ms\" goes with \"expect\" (a case's own time-out is the top-level "
           "\"timeout_ms\")");
    }
    timeout = static_cast<std::uint32_t>(as_uint(t.value(), q, 1, max_timeout_ms));
    timeout_ptr = q;
  }
  if (action == "send_frame") return parse_send_frame(body, p);
  if (action == "send_message") return parse_send_message(body, p);
  if (action == "send_raw") return parse_send_raw(body, p);
  if (action == "handshake") return parse_handshake(body, p);
  if (action == "respond") return parse_respond(body, p);
  if (action == "end_sending") return parse_end_sending(body, p);
  expect_step x = parse_expect(body, p);
  if (timeout) x.timeout_ms = *timeout;
  return x;
}

bool valid_id(const std::string& id) {
  if (id.empty() || id.front() == '/' || id.back() == '/' || id.find("//") != std::string::npos)
    return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '/' ||
           c == '-';
  });
}

bool valid_autobahn(const std::string& s) {
  // "1.1.2": dot-separated numbers.
  if (s.empty() || s.front() == '.' || s.back() == '.' || s.find("..") != std::string::npos)
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

// deflate_must_decline is for offers RFC 7692 7 makes every server decline: each
// permessage-deflate element must be invalid, or the case would fail a server for accepting an
// offer it may accept.
void check_must_decline(const test_case& c, const std::string& ptr,
                        const std::string& compressed_ptr) {
  if (!c.deflate) fail(ptr, "deflate_must_decline needs the case's \"deflate\" offer");
  if (!compressed_ptr.empty()) {
    fail(compressed_ptr,
         "nothing is sent compressed when the offer must be declined (RFC 7692 7: the "
         "connection then runs without compression)");
  }
  std::vector<codec::extension_offer> offers;
  if (!codec::parse_extensions(*c.deflate, offers)) {
    fail(ptr,
         "the \"deflate\" offer is not a Sec-WebSocket-Extensions value (RFC 6455 9.1): a "
         "server refuses such a handshake rather than declining an offer");
  }
  bool any = false;
  for (std::size_t i = 0; i < offers.size(); ++i) {
    codec::deflate_element e;
    const auto error =
        codec::parse_deflate_element(offers[i], codec::deflate_element_kind::offer, e);
    if (error == codec::deflate_negotiation_error::not_permessage_deflate) continue;
    any = true;
    if (error == codec::deflate_negotiation_error::none) {
      fail(ptr, "element " + std::to_string(i + 1) +
                    " of the \"deflate\" offer is a valid permessage-deflate offer, which a "
                    "server may accept (RFC 7692 7)");
    }
  }
  if (!any) fail(ptr, "the \"deflate\" offer has no permessage-deflate element to decline");
}

// After end_sending wsspec's half of TCP is closed: only expect steps can follow. `at` is the
// first end_sending step's pointer (empty before one), set here when `st` is one.
void check_after_end_sending(const step& st, const std::string& ptr, std::string& at) {
  if (std::holds_alternative<expect_step>(st)) return;
  const bool ends = std::holds_alternative<end_sending>(st);
  if (!at.empty()) {
    const char* action = ends                                       ? "end_sending"
                         : std::holds_alternative<send_frame>(st)   ? "send_frame"
                         : std::holds_alternative<send_message>(st) ? "send_message"
                                                                    : "send_raw";
    fail(child(ptr, action), std::string(ends ? "a second end_sending step" : "a send step") +
                                 " after the end_sending step at " + at +
                                 ": wsspec's sending half of TCP is closed then (a FIN), so "
                                 "only expect steps can follow");
  }
  if (ends) at = child(ptr, "end_sending");
}

// A case's "peer" must fit its steps: a `handshake` step is a request to a server under test, a
// `respond` step a response to a client under test, and check_alive (a second connection to
// the peer) and `deflate_must_decline` (a server's duty to decline an offer) exist only in
// server runs. A `deflate` case is for servers unless it says "both": with the roles flipped its
// offer becomes what wsspec, the server, asks of the client's offer (run/deflate_answer.hpp).
void check_peer(const test_case& c, const std::string& peer_ptr) {
  const bool first_handshake =
      !c.steps.empty() && std::holds_alternative<handshake_spec>(c.steps.front());
  const bool first_respond =
      !c.steps.empty() && std::holds_alternative<respond_spec>(c.steps.front());
  if (!c.peer) {
    if (first_respond && (c.check_alive || c.deflate))
      fail("/steps/0/respond", std::string("a respond step makes a case for clients, which ") +
                                   (c.check_alive ? "\"check_alive\"" : "\"deflate\"") +
                                   " is not (it needs wsspec to be the client)");
    return;
  }
  const std::string p = peer_ptr;
  if (*c.peer != case_peer::server && first_handshake)
    fail(p, "a case with a handshake step (a request to a server) tests servers: peer \"server\"");
  if (*c.peer != case_peer::client && first_respond)
    fail(p, "a case with a respond step (a response to a client) tests clients: peer \"client\"");
  if (*c.peer != case_peer::server && c.check_alive)
    fail(p,
         "check_alive opens a second connection to the peer, which only a server has: peer "
         "\"server\"");
  if (*c.peer == case_peer::client && c.deflate)
    fail(p, "\"deflate\" is wsspec's offer as a client: peer \"server\" or \"both\"");
  if (*c.peer != case_peer::server && c.deflate_must_decline)
    fail(p, "\"deflate_must_decline\" is a server's duty to decline an offer: peer \"server\"");
}

test_case parse_case(const ojson& doc, std::string_view area) {
  test_case c;
  c.area = std::string(area);
  std::optional<std::uint32_t> case_timeout;
  std::string expect_timeout_ptr;
  std::uint32_t longest_expect = 0;
  std::string compressed_ptr;  // the first compressed send_message, for its error
  std::string must_decline_ptr;
  std::string needs_offer_ptr;
  std::string checks_sni_ptr;
  std::string peer_ptr;
  std::string close_at_end_ptr, repeat_ptr;
  std::string end_sending_ptr;  // the end_sending step, if any
  visit_object(
      doc, "", "a case",
      {{"$schema", [](const ojson& x, const std::string& q) { as_string(x, q); }},
       {"id",
        [&](const ojson& x, const std::string& q) {
          c.id = as_string(x, q);
          if (!valid_id(c.id)) {
            fail(q, "id " + quote(c.id) +
                        " must be lower-case letters, digits, \".\", \"_\", "
                        "\"-\", in \"/\"-separated parts (\"framing/text-125\")");
          }
        },
        true},
       {"title", [&](const ojson& x, const std::string& q) { c.title = as_nonempty_string(x, q); },
        true},
       {"autobahn",
        [&](const ojson& x, const std::string& q) {
          if (x.is_null()) return;
          const std::string& s = as_string(x, q);
          if (!valid_autobahn(s)) {
            fail(q, "autobahn is an Autobahn|Testsuite case id like \"1.1.2\" (or null), not " +
                        quote(s));
          }
          c.autobahn = s;
        }},
       {"rfc",
        [&](const ojson& x, const std::string& q) {
          for_each_element(x, q, "rfc", true, [&](const ojson& e, const std::string& p) {
            c.rfc.push_back(as_nonempty_string(e, p));
          });
        },
        true},
       {"requirements",
        [&](const ojson& x, const std::string& q) {
          for_each_element(x, q, "requirements", true, [&](const ojson& e, const std::string& p) {
            const std::string& r = as_nonempty_string(e, p);
            if (std::find(c.requirements.begin(), c.requirements.end(), r) !=
                c.requirements.end()) {
              fail(p, "requirement " + quote(r) + " is already listed");
            }
            c.requirements.push_back(r);
          });
        }},
       {"why", [&](const ojson& x, const std::string& q) { c.why = as_nonempty_string(x, q); },
        true},
       {"tags",
        [&](const ojson& x, const std::string& q) {
          for_each_element(x, q, "tags", false, [&](const ojson& e, const std::string& p) {
            c.tags.push_back(as_nonempty_string(e, p));
          });
        }},
       {"timeout_ms",
        [&](const ojson& x, const std::string& q) {
          c.timeout_ms = static_cast<std::uint32_t>(as_uint(x, q, 1, max_timeout_ms));
          case_timeout = c.timeout_ms;
        }},
       {"close_at_end",
        [&](const ojson& x, const std::string& q) {
          c.close_at_end = as_bool(x, q);
          close_at_end_ptr = q;
        }},
       {"check_alive",
        [&](const ojson& x, const std::string& q) { c.check_alive = as_bool(x, q); }},
       {"deflate",
        [&](const ojson& x, const std::string& q) { c.deflate = as_nonempty_string(x, q); }},
       {"peer",
        [&](const ojson& x, const std::string& q) {
          const std::string& s = as_string(x, q);
          peer_ptr = q;
          if (s == "server") {
            c.peer = case_peer::server;
          } else if (s == "client") {
            c.peer = case_peer::client;
          } else if (s == "both") {
            c.peer = case_peer::both;
          } else {
            fail(q, "unknown peer " + quote(s) + ": \"server\", \"client\" or \"both\"" +
                        suggest(s, {"server", "client", "both"}));
          }
        }},
       {"deflate_must_decline",
        [&](const ojson& x, const std::string& q) {
          c.deflate_must_decline = as_bool(x, q);
          must_decline_ptr = q;
        }},
       {"needs_extension_offer",
        [&](const ojson& x, const std::string& q) {
          c.needs_extension_offer = as_bool(x, q);
          needs_offer_ptr = q;
        }},
       {"checks_sni",
        [&](const ojson& x, const std::string& q) {
          c.checks_sni = as_bool(x, q);
          checks_sni_ptr = q;
        }},
       {"repeat",
        [&](const ojson& x, const std::string& q) {
          c.repeat = static_cast<std::uint32_t>(as_uint(x, q, 1, 100000));
          repeat_ptr = q;
        }},
       {"chops",
        [&](const ojson& x, const std::string& q) {
          for_each_element(x, q, "chops", true, [&](const ojson& e, const std::string& p) {
            const auto n = static_cast<std::uint32_t>(as_uint(e, p, 1, 64));
            if (std::find(c.chops.begin(), c.chops.end(), n) != c.chops.end())
              fail(p, std::to_string(n) + " is already in chops");
            if (c.chops.size() == max_chops)
              fail(p, "at most " + std::to_string(max_chops) + " chops per case");
            c.chops.push_back(n);
          });
        }},
       {"steps",
        [&](const ojson& x, const std::string& q) {
          for_each_element(x, q, "steps", true, [&](const ojson& s, const std::string& p) {
            std::optional<std::uint32_t> timeout;
            std::string timeout_ptr;
            step st = parse_step(s, p, timeout, timeout_ptr);
            if (std::holds_alternative<handshake_spec>(st) && !c.steps.empty()) {
              fail(child(p, "handshake"),
                   "a handshake step must be the first step (without one, the default "
                   "handshake is done before the steps; send other bytes with send_raw)");
            }
            if (std::holds_alternative<respond_spec>(st) && !c.steps.empty()) {
              fail(child(p, "respond"),
                   "a respond step must be the first step (without one, a client under test "
                   "gets the default 101; send other bytes with send_raw)");
            }
            check_after_end_sending(st, p, end_sending_ptr);
            if (timeout && *timeout > longest_expect) {
              longest_expect = *timeout;
              expect_timeout_ptr = timeout_ptr;
            }
            if (const auto* m = std::get_if<send_message>(&st);
                m && m->compressed && compressed_ptr.empty())
              compressed_ptr = child(p, "send_message");
            c.steps.push_back(std::move(st));
          });
        },
        true}});
  if (c.deflate_must_decline) check_must_decline(c, must_decline_ptr, compressed_ptr);
  check_peer(c, peer_ptr);
  if (!end_sending_ptr.empty() && c.close_at_end)
    fail(close_at_end_ptr.empty() ? end_sending_ptr : close_at_end_ptr,
         "a case with an end_sending step needs \"close_at_end\": false (after its FIN "
         "wsspec cannot send the close frame that closing the connection would need)");
  if (!end_sending_ptr.empty() && c.repeat > 1)
    fail(repeat_ptr,
         "a case with an end_sending step cannot repeat: the second round would "
         "send after wsspec's FIN");
  if (c.needs_extension_offer && peer_of(c) != case_peer::client)
    fail(needs_offer_ptr,
         "\"needs_extension_offer\" is about the offer of a client under test: peer \"client\"");
  if (c.checks_sni && peer_of(c) != case_peer::client)
    fail(checks_sni_ptr,
         "\"checks_sni\" is about the TLS handshake of a client under test: peer \"client\"");
  if (!compressed_ptr.empty() && !c.deflate) {
    fail(compressed_ptr,
         "a compressed message needs the case's \"deflate\" offer (RFC 7692: RSV1 means "
         "compressed only once permessage-deflate is agreed)");
  }
  if (const auto* r = c.steps.empty() ? nullptr : std::get_if<respond_spec>(&c.steps.front());
      r && r->delay_ms >= c.timeout_ms) {
    fail("/steps/0/respond/delay_ms", "the response waits " + std::to_string(r->delay_ms) +
                                          " ms, not less than the case's time-out of " +
                                          std::to_string(c.timeout_ms) + " ms" +
                                          (case_timeout ? "" : " (the default)"));
  }
  if (longest_expect > c.timeout_ms) {
    fail(expect_timeout_ptr, "this expect waits " + std::to_string(longest_expect) +
                                 " ms, longer than the case's time-out of " +
                                 std::to_string(c.timeout_ms) + " ms" +
                                 (case_timeout ? "" : " (the default)"));
  }
  return c;
}

// ---- matrix ------------------------------------------------------------------------------------

constexpr std::size_t max_matrix_rows = 1024;
// Rows times file size: a bound on what expanding a matrix may allocate.
constexpr std::uint64_t max_matrix_expansion = std::uint64_t{256} << 20;

using params = std::unordered_map<std::string, const ojson*>;

bool valid_param_name(std::string_view n) {
  if (n.empty() || (n[0] >= '0' && n[0] <= '9')) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string param_list(const params& row) {
  if (row.empty()) return "it has none";
  std::vector<std::string> names;
  for (const auto& [name, value] : row) names.push_back(name);
  std::sort(names.begin(), names.end());
  std::string s = "it has ";
  for (const auto& n : names) s += (&n == &names.front() ? "" : ", ") + quote(n);
  return s;
}

// Replaces ${name} in one string: the value itself when the string is exactly "${name}", else
// its text. "$${" stands for a literal "${".
ojson substitute_string(const std::string& s, const std::string& ptr, const params& row,
                        const std::string& row_ptr) {
  if (s.find('$') == std::string::npos) return s;
  auto lookup = [&](const std::string& name) -> const ojson& {
    if (!valid_param_name(name)) {
      fail(ptr, "bad matrix parameter reference ${" + name +
                    "}: names are letters, digits and \"_\" (write \"$${\" for a literal \"${\")");
    }
    const auto it = row.find(name);
    if (it == row.end()) {
      if (row_ptr.empty()) {
        fail(ptr, "unknown matrix parameter " + quote(name) +
                      ": this file has no \"matrix\" "
                      "(write \"$${\" for a literal \"${\")");
      }
      fail(ptr, "unknown matrix parameter " + quote(name) + ": not in matrix row " + row_ptr +
                    " (" + param_list(row) + ")");
    }
    return *it->second;
  };
  if (s.size() > 3 && s.compare(0, 2, "${") == 0 && s.back() == '}' &&
      s.find('}') == s.size() - 1) {
    return lookup(s.substr(2, s.size() - 3));
  }
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (s.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
    } else if (s.compare(i, 2, "${") == 0) {
      const auto end = s.find('}', i + 2);
      if (end == std::string::npos) {
        fail(ptr, "unterminated \"${\" at offset " + std::to_string(i) +
                      " (write \"$${\" for a literal \"${\")");
      }
      const std::string name = s.substr(i + 2, end - i - 2);
      const ojson& value = lookup(name);
      if (value.is_string()) {
        out += value.get_ref<const std::string&>();
      } else if (value.is_number() || value.is_boolean()) {
        out += value.dump();
      } else {
        fail(ptr, "matrix parameter " + quote(name) + " is " + describe(value) + " in row " +
                      row_ptr + "; only a string that is exactly \"${" + name +
                      "}\" can take such a value");
      }
      i = end + 1;
    } else {
      out += s[i++];
    }
  }
  return out;
}

ojson substitute(const ojson& v, const std::string& ptr, const params& row,
                 const std::string& row_ptr) {
  if (v.is_string()) return substitute_string(v.get_ref<const std::string&>(), ptr, row, row_ptr);
  if (v.is_array()) {
    ojson out = ojson::array();
    for (std::size_t i = 0; i < v.size(); ++i)
      out.push_back(substitute(v[i], child(ptr, i), row, row_ptr));
    return out;
  }
  if (v.is_object()) {
    ojson out = ojson::object();
    auto& members = out.get_ref<ojson::object_t&>();
    for (auto it = v.begin(); it != v.end(); ++it) {
      members.ojson::object_t::Container::emplace_back(
          it.key(), substitute(it.value(), child(ptr, it.key()), row, row_ptr));
    }
    return out;
  }
  return v;
}

bool has_reference(const ojson& v) {
  if (v.is_string()) return v.get_ref<const std::string&>().find("${") != std::string::npos;
  if (v.is_structured()) {
    for (const auto& x : v)
      if (has_reference(x)) return true;
  }
  return false;
}

// Whether what the template has at `ptr` (an error's place) involves a matrix parameter, so
// that the error message should say which row made it.
bool row_dependent(const ojson& templ, const std::string& ptr) {
  const ojson* v = &templ;
  std::size_t pos = 0;
  while (pos < ptr.size()) {
    if (v->is_string()) break;  // "${x}" replaced by a structure; the error is inside it
    const std::size_t next = std::min(ptr.find('/', pos + 1), ptr.size());
    std::string token = ptr.substr(pos + 1, next - pos - 1);
    for (std::size_t i = 0; (i = token.find('~', i)) != std::string::npos; ++i)
      token.replace(i, 2, token.compare(i, 2, "~1") == 0 ? "/" : "~");
    pos = next;
    if (v->is_object()) {
      const auto it = v->find(token);
      if (it == v->end()) return false;
      v = &it.value();
    } else if (v->is_array()) {
      const std::size_t i = std::strtoull(token.c_str(), nullptr, 10);
      if (i >= v->size()) return false;
      v = &(*v)[i];
    } else {
      return false;
    }
  }
  return has_reference(*v);
}

// The case, then one variant per "chops" entry with every unshaped write cut into N-byte
// pieces (see test_case::chops).
void append_with_chops(std::vector<test_case>& cases, test_case c) {
  const std::vector<std::uint32_t> chops = c.chops;
  c.chops.clear();
  cases.push_back(c);
  for (const std::uint32_t n : chops) {
    test_case v = c;
    v.id += "-in-" + std::to_string(n) + "-byte-writes";
    v.title += " (written " + std::to_string(n) + (n == 1 ? " byte" : " bytes") + " at a time)";
    v.tags.push_back("chops");
    for (auto& st : v.steps) {
      std::visit(
          [n](auto& s) {
            if constexpr (requires { s.shape; }) {
              if (s.shape.chunk == 0) s.shape.chunk = n;
            }
          },
          st);
    }
    cases.push_back(std::move(v));
  }
}

// What loading a file may cost in memory, beyond its text: a matrix multiplies every case,
// "chops" every row, and expected events and generated header values are expanded when
// loaded (frames are generated only when sent). A small file must not take gigabytes.
constexpr std::size_t max_cases_per_file = 4096;
constexpr std::uint64_t max_events_per_file = 1000000;
constexpr std::uint64_t max_header_bytes_per_file = std::uint64_t{64} << 20;

struct file_budget {
  std::size_t cases = 0;
  std::uint64_t events = 0, header_bytes = 0;

  void charge(const test_case& c, const std::string& where) {
    const std::uint64_t copies = 1 + c.chops.size();
    std::uint64_t events_one = 0, header_one = 0;
    for (const auto& st : c.steps) {
      if (const auto* x = std::get_if<expect_step>(&st)) {
        for (const auto& a : x->alternatives) events_one += a.events.size();
      } else if (const auto* h = std::get_if<handshake_spec>(&st)) {
        for (const auto& [n, v] : h->add) header_one += n.size() + v.size();
        for (const auto& [n, v] : h->set) header_one += n.size() + v.size();
      } else if (const auto* r = std::get_if<respond_spec>(&st)) {
        for (const auto& [n, v] : r->add) header_one += n.size() + v.size();
        for (const auto& [n, v] : r->set) header_one += n.size() + v.size();
      }
    }
    cases += copies;
    events += copies * events_one;
    header_bytes += copies * header_one;
    if (cases > max_cases_per_file)
      fail(where, "the file makes more than " + std::to_string(max_cases_per_file) +
                      " cases (matrix rows times chops); split it into several files");
    if (events > max_events_per_file)
      fail(where, "the file's cases expect more than " + std::to_string(max_events_per_file) +
                      " events in all; split it into several files");
    if (header_bytes > max_header_bytes_per_file)
      fail(where, "the file's handshake headers add up to more than " +
                      std::to_string(max_header_bytes_per_file >> 20) +
                      " MiB in all; split it into several files");
  }
};

std::vector<test_case> parse_file(std::string_view file_name, std::string_view area,
                                  std::string_view text) {
  file_budget budget;
  if (text.size() > max_case_file_size) {
    fail("", "the file has " + std::to_string(text.size()) + " bytes; case files are limited to " +
                 std::to_string(max_case_file_size));
  }
  dom_builder dom(text);
  const bool ok = ojson::sax_parse(text, &dom);
  if (dom.failure) throw *dom.failure;
  if (!ok) fail("", "invalid JSON");
  const ojson& doc = dom.root;
  if (!doc.is_object()) fail("", "a case file is one JSON object, got " + describe(doc));

  // Without a matrix: one case. ${...} is still processed, so that a stray reference is an
  // error and "$${" means the same in every file.
  const auto m = doc.find("matrix");
  std::vector<test_case> cases;
  if (m == doc.end()) {
    test_case c = parse_case(substitute(doc, "", {}, ""), area);
    c.source = std::string(file_name);
    budget.charge(c, "");
    append_with_chops(cases, std::move(c));
    return cases;
  }

  const ojson& matrix = m.value();
  if (!matrix.is_array()) {
    fail("/matrix", "matrix must be an array of parameter objects, got " + describe(matrix));
  }
  if (matrix.empty()) fail("/matrix", "matrix must have at least one row");
  if (matrix.size() > max_matrix_rows) {
    fail("/matrix", "matrix has " + std::to_string(matrix.size()) + " rows; the limit is " +
                        std::to_string(max_matrix_rows));
  }
  if (static_cast<std::uint64_t>(matrix.size()) * text.size() > max_matrix_expansion) {
    fail("/matrix", "matrix expands to more than " + std::to_string(max_matrix_expansion >> 20) +
                        " MiB of case text; split the family into several files");
  }
  ojson templ = ojson::object();
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() != "matrix") {
      templ.get_ref<ojson::object_t&>().ojson::object_t::Container::emplace_back(it.key(),
                                                                                 it.value());
    }
  }
  std::map<std::string, std::size_t> ids;  // id -> row, for duplicates within the file
  for (std::size_t i = 0; i < matrix.size(); ++i) {
    const std::string row_ptr = child("/matrix", i);
    const ojson& r = matrix[i];
    if (!r.is_object()) {
      fail(row_ptr, "a matrix row is an object of parameters, got " + describe(r));
    }
    params row;
    for (auto it = r.begin(); it != r.end(); ++it) {
      if (!valid_param_name(it.key())) {
        fail(child(row_ptr, it.key()),
             "matrix parameter names are letters, digits and \"_\", not starting with a digit; "
             "got " +
                 quote(it.key()));
      }
      row.emplace(it.key(), &it.value());
    }
    test_case c;
    try {
      c = parse_case(substitute(templ, "", row, row_ptr), area);
    } catch (load_failure& f) {
      if (f.reason.find(row_ptr) == std::string::npos && row_dependent(templ, f.pointer)) {
        f.reason += " (in matrix row " + row_ptr + ")";
      }
      throw;
    }
    c.source = std::string(file_name) + "#" + row_ptr;
    const auto [it, fresh] = ids.emplace(c.id, i);
    if (!fresh) {
      fail("/id", "matrix rows " + std::to_string(it->second) + " and " + std::to_string(i) +
                      " both make the id " + quote(c.id) +
                      "; put a parameter in the id, e.g. \"area/name-${n}\"");
    }
    budget.charge(c, row_ptr);
    append_with_chops(cases, std::move(c));
  }
  return cases;
}

bool read_file(const std::filesystem::path& path, std::string& text, std::string& why) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    why = "cannot read the file: " + ec.message();
    return false;
  }
  if (size > max_case_file_size) {
    why = "the file has " + std::to_string(size) + " bytes; case files are limited to " +
          std::to_string(max_case_file_size);
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = "cannot open the file";
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    why = "cannot read the file";
    return false;
  }
  text = std::move(ss).str();
  return true;
}

}  // namespace

std::string json_quote(std::string_view s) { return quote(s); }

std::string json_describe(const nlohmann::ordered_json& v) { return describe(v); }

std::size_t name_distance(std::string_view a, std::string_view b) { return edit_distance(a, b); }

bool parse_json_text(std::string_view text, nlohmann::ordered_json& out, std::string& pointer,
                     std::string& reason) {
  try {
    dom_builder dom(text);
    const bool ok = ojson::sax_parse(text, &dom);
    if (dom.failure) {
      pointer = dom.failure->pointer;
      reason = dom.failure->reason;
      return false;
    }
    if (!ok) {
      pointer.clear();
      reason = "invalid JSON";
      return false;
    }
    out = std::move(dom.root);
    return true;
  } catch (const std::exception& e) {
    pointer.clear();
    reason = std::string("cannot read the JSON: ") + e.what();
    return false;
  }
}

bool load_case_text(std::string_view file_name, std::string_view area, std::string_view text,
                    std::vector<test_case>& out, case_error& error) {
  error = case_error{std::string(file_name), {}, {}};
  try {
    std::vector<test_case> cases = parse_file(file_name, area, text);
    out.insert(out.end(), std::make_move_iterator(cases.begin()),
               std::make_move_iterator(cases.end()));
    return true;
  } catch (const load_failure& f) {
    error.pointer = f.pointer;
    error.reason = f.reason.empty() ? "invalid case" : f.reason;
  } catch (const std::bad_alloc&) {
    error.reason = "out of memory while loading the file";
  } catch (const std::exception& e) {
    error.reason = std::string("internal error while loading the file: ") + e.what();
  } catch (...) {
    error.reason = "internal error while loading the file";
  }
  return false;
}

bool check_unique_ids(const std::vector<test_case>& cases, case_error& error) {
  try {
    std::unordered_map<std::string_view, std::size_t> first;
    first.reserve(cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const auto [it, fresh] = first.emplace(cases[i].id, i);
      if (fresh) continue;
      const std::string& src = cases[i].source;
      const auto hash = src.find('#');
      error.file = src.substr(0, hash);
      error.pointer = "/id";
      error.reason = "duplicate id " + quote(cases[i].id) +
                     (hash == std::string::npos ? "" : " (made by " + src.substr(hash + 1) + ")") +
                     "; " + cases[it->second].source +
                     " has it too (ids are unique across all "
                     "loaded cases)";
      return false;
    }
    return true;
  } catch (...) {
    error = case_error{{}, {}, "out of memory while checking case ids"};
    return false;
  }
}

bool load_case_dir(const std::filesystem::path& dir, std::vector<test_case>& out,
                   case_error& error) {
  namespace fs = std::filesystem;
  error = case_error{dir.generic_string(), {}, {}};
  const std::size_t before = out.size();
  try {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      error.reason = ec ? "cannot read the folder: " + ec.message() : "not a folder of case files";
      return false;
    }
    // The area of files directly in `dir`: its own name ("cases/" and "." have one too).
    fs::path abs = fs::absolute(dir, ec).lexically_normal();
    if (!abs.has_filename()) abs = abs.parent_path();
    const std::string dir_area = abs.filename().empty() ? "cases" : abs.filename().string();

    // (relative path, area) of every *.json file.
    std::vector<std::pair<fs::path, std::string>> files;
    fs::recursive_directory_iterator it(dir, fs::directory_options::follow_directory_symlink, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it.depth() >= 16) it.disable_recursion_pending();  // symlink loops
      std::error_code file_ec;
      if (!it->is_regular_file(file_ec) || it->path().extension() != ".json") continue;
      const fs::path rel = it->path().lexically_relative(dir);
      if (rel.empty()) continue;
      const bool top = !rel.has_parent_path();
      if (top && (rel == "schema.json" || rel == "requirements.json")) continue;
      files.emplace_back(rel, top ? dir_area : rel.begin()->string());
    }
    if (ec) {
      error.reason = "cannot list the folder: " + ec.message();
      return false;
    }
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
      return a.first.generic_string() < b.first.generic_string();
    });

    bool ok = true;
    for (const auto& [rel, area] : files) {
      const std::string name = (dir / rel).generic_string();
      std::string text, why;
      if (!read_file(dir / rel, text, why)) {
        error = case_error{name, {}, why};
        ok = false;
        break;
      }
      if (!load_case_text(name, area, text, out, error)) {
        ok = false;
        break;
      }
    }
    if (ok && check_unique_ids(out, error)) return true;
  } catch (const std::exception& e) {
    error.pointer.clear();
    error.reason = std::string("cannot load the folder: ") + e.what();
  }
  out.erase(out.begin() + static_cast<std::ptrdiff_t>(before), out.end());
  return false;
}

bool load_builtin_cases(std::vector<test_case>& out, case_error& error) {
  error = case_error{};
  const std::size_t before = out.size();
  try {
    std::vector<embedded_case_file> files(builtin_case_files().begin(), builtin_case_files().end());
    std::sort(files.begin(), files.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    bool ok = true;
    for (const auto& f : files) {
      if (!load_case_text(f.path, f.area, f.text, out, error)) {
        ok = false;
        break;
      }
    }
    if (ok && check_unique_ids(out, error)) return true;
  } catch (const std::exception& e) {
    error = case_error{{}, {}, std::string("cannot load the built-in cases: ") + e.what()};
  }
  out.erase(out.begin() + static_cast<std::ptrdiff_t>(before), out.end());
  return false;
}

}  // namespace wsspec
