// The requirement map (cases/requirements.json, cases/README.md "The requirement map"): every
// requirement RFC 6455 puts on the peer under test, with a stable id, its section, its keyword,
// the side it binds and the requirement in the project's own words. Cases name the ids they
// check (test_case::requirements); `wsspec list --requirements`, results.json and the HTML
// report show which requirements a run covered. The map is compiled into the binary like the
// cases. A malformed map is rejected with the file, a JSON pointer and a reason, like a case
// file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cases/case_loader.hpp"

namespace wsspec {

// RFC 2119 keywords, as the RFC writes them: "MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY".
enum class req_keyword : std::uint8_t { must, must_not, should, should_not, may };
// The side a requirement binds: the server, the client, or both (as sender or receiver).
enum class req_binds : std::uint8_t { server, client, both };

std::string_view to_string(req_keyword k) noexcept;
std::string_view to_string(req_binds b) noexcept;

struct requirement {
  std::string id;       // "6455-5.1-server-fails-on-unmasked-frame"
  std::string rfc;      // "6455"
  std::string section;  // "5.1"
  req_keyword keyword = req_keyword::must;
  req_binds binds = req_binds::both;
  std::string text;  // one line, in the project's words
  // Why the wire of a test cannot show the requirement kept or broken; empty when it can.
  std::string untestable;
  std::string pointer;  // where it is in its file ("/requirements/3"), for messages

  // MUST, MUST NOT, SHOULD, SHOULD NOT on the server (or both sides): what the catalogue must
  // cover with a case or explain as untestable.
  bool must_be_covered() const noexcept {
    return binds != req_binds::client && keyword != req_keyword::may;
  }
};

struct requirement_map {
  std::string file;                                    // where it was loaded from, for messages
  std::vector<requirement> requirements;               // in file order
  std::unordered_map<std::string, std::size_t> index;  // id -> position

  const requirement* find(std::string_view id) const;
};

// Parses and checks a map: one object {"requirements": [...]}, each entry with id, rfc, section,
// keyword, binds and text (strings, required), untestable (optional string); unique ids of the
// form "<rfc>-<section>-<slug>", known keywords and sides, one-line text. On failure returns
// false with `error` (file, pointer, reason) and leaves `out` as it was.
bool load_requirement_text(std::string_view file_name, std::string_view text, requirement_map& out,
                           case_error& error);

// cases/requirements.json as compiled into the binary (cmake/embed_cases.cmake).
std::string_view builtin_requirements_file() noexcept;

// Loads the built-in map; errors name "requirements.json".
bool load_builtin_requirements(requirement_map& out, case_error& error);

// Every id a case names must be in the map. The first one that is not is reported with the
// case's file, the pointer "/requirements/N", a "did you mean" hint and, for a family, the
// matrix row that made the case.
bool check_requirement_ids(const std::vector<test_case>& cases, const requirement_map& map,
                           case_error& error);

// For each requirement of the map (same order), the positions in `cases` of the cases naming it.
std::vector<std::vector<std::size_t>> cases_by_requirement(const requirement_map& map,
                                                           const std::vector<test_case>& cases);

}  // namespace wsspec
