// The summary matrix of a run (the HTML report's "Matrix"): one row per area, one labelled cell
// per case, in Autobahn|Testsuite's numeric order, each chopped variant beside the case it
// chops. Pure functions of the cases, so the rules are tested from lists of ids.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/reports/case_result.hpp"

namespace wsspec::matrix {

// Autobahn ids compared dot-separated component by component, numbers as numbers:
// 7.1.5 < 7.1.6 < 7.3.4 < 7.13.1, and a prefix first (7.1 < 7.1.1). <0, 0 or >0.
int compare_autobahn(std::string_view a, std::string_view b);

// Case ids compared with each run of digits as one number (invalid-code-999 before
// invalid-code-1004, window-bits-9 before window-bits-10). <0, 0 or >0.
int compare_natural(std::string_view a, std::string_view b);

// The report's order of cases: by Autobahn id, the cases without one after those with one,
// then by case id.
bool case_before(const case_result& a, const case_result& b);

// A chopped variant: the case loader makes `<base>-in-N-byte-writes` from a case whose `chops`
// lists N (cases/README.md): the same traffic, N bytes per write.
struct chop {
  std::string base;
  unsigned bytes = 0;
};
std::optional<chop> chopped_variant(std::string_view id);

// A case's label: its Autobahn id, else its id without the area ("handshake/refuse-missing-
// upgrade" in area "handshake" -> "refuse-missing-upgrade"; an id outside its area's folder
// stays whole). Ids are unique, so within an area these names are too.
std::string case_label(const case_result& c);

struct cell {
  std::size_t index = 0;   // into the run's cases
  std::string label;       // see case_label; "1B", "3B" for a variant beside its base
  std::string variant_of;  // a chopped variant: its base's id (empty otherwise)
  unsigned write_bytes = 0;
};

// A case with the chopped variants that sit beside it. A variant joins its base when both are
// in the run, in one area, and the variant has no Autobahn id but its base's (Autobahn numbers
// some chopped cases, e.g. 2.6 chops 2.4: those keep their place in the numeric order and are
// marked as variants).
struct entry {
  cell head;
  std::vector<cell> variants;  // by write size
};

struct row {
  std::string area;
  std::vector<entry> entries;  // in case_before order of their heads
  std::size_t cases = 0;       // heads and variants
};

// Areas ordered by their smallest Autobahn id (Autobahn's own order: framing 1.x, ping/pong
// 2.x, ..., compression 12.x/13.x), then the areas without one in the order they first appear.
// A label that would repeat in a row (two cases with one Autobahn id, an id outside its area's
// folder) is made unique: "<autobahn id> <name>", or the whole case id.
std::vector<row> layout(const std::vector<case_result>& cases);

// The cases' indices in the layout's order, variants after their base: the order of the
// report's case list, so it reads like the matrix.
std::vector<std::size_t> reading_order(const std::vector<row>& rows);

}  // namespace wsspec::matrix
