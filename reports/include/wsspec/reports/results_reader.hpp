// Reads a results.json (DESIGN.md, "results.json always has at least ...") back into a
// run_summary, for `wsspec report`. The file is untrusted input: it may come from another
// machine, an older or newer wsspec, or a hand edit. So the reader is tolerant of fields it does
// not know, strict about the ones it needs (with the file, a JSON pointer and the reason), and
// bounded: a file too big, too deep, with too many values or not valid UTF-8 is an error, never a
// crash, an exception or unbounded memory.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "wsspec/reports/results_json.hpp"

namespace wsspec {

struct results_limits {
  // Far above any real run (600 cases with transcripts are a few MiB), low enough that the
  // parsed tree fits in memory on a CI runner.
  std::size_t max_bytes = std::size_t{256} << 20;
  // Every JSON value (scalars and containers) counts; a real run has well under a million.
  std::size_t max_values = std::size_t{4} << 20;
  // results.json nests 4 levels deep; the limit only stops "[[[[..." from exhausting memory.
  std::size_t max_depth = 64;
};

struct results_error {
  std::string file;     // as given by the caller; may be empty
  std::string pointer;  // JSON pointer (RFC 6901) of the offending value; empty: the whole file
  std::string message;
  // "FILE: /cases/3/verdict: unknown verdict \"x\"" (FILE: and POINTER: left out when empty).
  std::string to_string() const;
};

// Parses the text of a results.json. On failure returns false and fills `err` (pointer and
// message; err.file is left as it is). Never throws.
bool parse_results_json(std::string_view text, run_summary& out, results_error& err,
                        const results_limits& limits = {}) noexcept;

// Reads and parses the file at `path` (at most limits.max_bytes are read). Fills err.file with
// path. Never throws.
bool read_results_file(const std::filesystem::path& path, run_summary& out, results_error& err,
                       const results_limits& limits = {}) noexcept;

// Case verdict words of results.json back to the enum: "pass", "non-strict", ... Returns false
// for anything else.
bool parse_verdict(std::string_view word, verdict& out) noexcept;

}  // namespace wsspec
