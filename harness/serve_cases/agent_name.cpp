#include "serve_cases/agent_name.hpp"

namespace wsspec::serve_cases {

namespace {
constexpr std::size_t max_agent_bytes = 64;
}

std::string safe_agent_name(std::string_view name) {
  std::string out;
  for (const char c : name.substr(0, max_agent_bytes)) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-' || c == '_';
    out += keep ? c : '_';
  }
  // A leading dot would hide the folder, and "." / ".." would name another one.
  if (out.empty() || out.front() == '.') out.insert(out.begin(), '_');
  return out;
}

std::string default_agent_name(std::string_view first_word) {
  const std::size_t slash = first_word.find_last_of('/');
  if (slash != std::string_view::npos) first_word.remove_prefix(slash + 1);
  return safe_agent_name(first_word);
}

}  // namespace wsspec::serve_cases
