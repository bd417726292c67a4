// RFC 6901 JSON pointers, for error messages that say exactly where in a file a problem is.
#pragma once

#include <string>
#include <string_view>

namespace wsspec {

// One reference token: "~" is written "~0" and "/" is written "~1".
inline std::string json_pointer_token(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace wsspec
