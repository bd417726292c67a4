// Case files (cases/README.md, cases/schema.json) to the in-memory model (case_model.hpp).
// A malformed file is rejected with the file, an RFC 6901 JSON pointer into it and a reason a
// case author understands; nothing in a file, however broken, crashes the loader or lets an
// exception escape it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cases/case_model.hpp"

namespace wsspec {

struct case_error {
  std::string file;     // as given to the loader, e.g. "framing/x.json"
  std::string pointer;  // RFC 6901 pointer into the file, e.g. "/steps/2/send_frame/opcode"; ""
                        // is the whole document
  std::string reason;
  // "framing/x.json: /steps/2/send_frame/opcode: unknown opcode \"txt\"" (the pointer part is
  // left out when it is empty).
  std::string to_string() const;
};

// The largest case file the loader reads; a bigger one is an error, not an allocation.
inline constexpr std::size_t max_case_file_size = std::size_t{16} << 20;
// Generated payloads (`size`), `chunk` and `fragment_size` are limited to 1 GiB.
inline constexpr std::uint64_t max_payload_size = std::uint64_t{1} << 30;

// Parses one file's text. `area` is the folder the file is in. On success appends the file's
// cases (one, or one per matrix row) to `out` and returns true. On the first problem returns
// false with `error` set and leaves `out` as it was.
bool load_case_text(std::string_view file_name, std::string_view area, std::string_view text,
                    std::vector<test_case>& out, case_error& error);

// Loads dir/<area>/**/*.json (the area is the first folder under `dir`) and dir/*.json (area:
// the name of `dir`; a top-level schema.json or requirements.json is not a case and is skipped:
// the built-in requirements.json is the requirement map, requirement_map.hpp), in sorted path
// order, then checks that
// ids are unique across all of `out`. File names in errors and sources are dir/relative paths.
// All or nothing: on failure `out` is left as it was.
bool load_case_dir(const std::filesystem::path& dir, std::vector<test_case>& out,
                   case_error& error);

// A case file compiled into the binary (cmake/embed_cases.cmake).
struct embedded_case_file {
  std::string_view path;  // relative to cases/, e.g. "framing/text-125.json"
  std::string_view area;  // "framing"
  std::string_view text;
};

// The case files compiled into the binary, sorted by path.
std::span<const embedded_case_file> builtin_case_files() noexcept;

// Loads the built-in case files (file names in errors are their paths relative to cases/), then
// checks that ids are unique across all of `out`. All or nothing, like load_case_dir.
bool load_builtin_cases(std::vector<test_case>& out, case_error& error);

// The first id that occurs twice: file and pointer ("/id") of the second occurrence, and where
// the first one came from.
bool check_unique_ids(const std::vector<test_case>& cases, case_error& error);

}  // namespace wsspec
