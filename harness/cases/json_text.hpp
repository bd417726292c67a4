// The case loader's JSON reading and message helpers, shared with the other data files of
// cases/ (requirement_map.hpp) so that every file wsspec reads reports problems the same way:
// file, RFC 6901 pointer, reason. Implemented in case_loader.cpp.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace wsspec {

// Parses JSON text into `out` (object keys in file order). Duplicate keys in an object are an
// error, nesting is bounded, and a syntax error names its line and column. On failure returns
// false with `pointer` (where the parser was; "" for the whole document) and `reason` set.
bool parse_json_text(std::string_view text, nlohmann::ordered_json& out, std::string& pointer,
                     std::string& reason);

// A string as JSON text, cut short for messages: "txt" -> "\"txt\"".
std::string json_quote(std::string_view s);

// "a number (5)", "a string (\"x\")", "null", ...: for "expected X, got Y" messages.
std::string json_describe(const nlohmann::ordered_json& v);

// Edit distance (ASCII case-insensitive), for "did you mean" hints.
std::size_t name_distance(std::string_view a, std::string_view b);

}  // namespace wsspec
