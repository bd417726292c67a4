// A small tokenizer for the tests: splits HTML or XML into tags (name, attributes) the way a
// browser's tokenizer would start them, so a test can say "no element or attribute came from the
// data" rather than search for strings. Raw-text elements (script, style) are skipped whole.
#pragma once

#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsspec::test {

struct tag {
  std::string name;  // lower case; "/name" for an end tag; "!" for <!...>, "?" for <?...?>
  std::vector<std::pair<std::string, std::string>> attributes;  // values still escaped
  std::string raw_text;  // the content of <script> or <style>
};

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

inline std::vector<tag> scan_tags(std::string_view s, bool html = true) {
  std::vector<tag> tags;
  std::size_t i = 0;
  const std::size_t n = s.size();
  auto ws = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f'; };
  while (i < n) {
    if (s[i] != '<') {
      ++i;
      continue;
    }
    ++i;
    tag t;
    if (i < n && (s[i] == '!' || s[i] == '?')) {
      t.name = std::string(1, s[i]);
      const auto end = s.find('>', i);
      i = end == std::string_view::npos ? n : end + 1;
      tags.push_back(std::move(t));
      continue;
    }
    bool end_tag = false;
    if (i < n && s[i] == '/') {
      end_tag = true;
      ++i;
    }
    const std::size_t start = i;
    while (i < n && !ws(s[i]) && s[i] != '>' && s[i] != '/') ++i;
    t.name = (end_tag ? "/" : "") + lower(s.substr(start, i - start));
    while (i < n && s[i] != '>') {
      if (ws(s[i]) || s[i] == '/') {
        ++i;
        continue;
      }
      const std::size_t a = i;
      while (i < n && !ws(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/') ++i;
      std::string name = lower(s.substr(a, i - a));
      std::string value;
      while (i < n && ws(s[i])) ++i;
      if (i < n && s[i] == '=') {
        ++i;
        while (i < n && ws(s[i])) ++i;
        if (i < n && (s[i] == '"' || s[i] == '\'')) {
          const char q = s[i++];
          const auto e = s.find(q, i);
          value = std::string(s.substr(i, (e == std::string_view::npos ? n : e) - i));
          i = e == std::string_view::npos ? n : e + 1;
        } else {
          const std::size_t v = i;
          while (i < n && !ws(s[i]) && s[i] != '>') ++i;
          value = std::string(s.substr(v, i - v));
        }
      }
      t.attributes.emplace_back(std::move(name), std::move(value));
    }
    if (i < n) ++i;  // '>'
    if (html && (t.name == "script" || t.name == "style")) {
      const std::string close = "</" + t.name;
      std::size_t e = i;
      while (e < n && lower(s.substr(e, close.size())) != close) ++e;
      t.raw_text = std::string(s.substr(i, e - i));
      i = e;
    }
    tags.push_back(std::move(t));
  }
  return tags;
}

}  // namespace wsspec::test
