// The in-memory case model back to a case file (cases/README.md), the inverse of
// case_loader.hpp: for every case c, loading case_to_text(c) gives c again (tests check this
// for the whole built-in catalogue). The network fuzzer writes its findings with it, so a
// finding is a case file like any other and `wsspec run URL --case-dir DIR` replays it.
#pragma once

#include <string>

#include "cases/case_model.hpp"

namespace wsspec {

// The case as one JSON object, keys in the order cases/README.md documents them; defaults are
// left out. Bytes that are not valid UTF-8 are written as {"hex": ...}. Throws
// std::invalid_argument for what the file format cannot hold: a raw handshake head that is not
// valid UTF-8, or an "echo" expectation combined with an explicit payload.
std::string case_to_text(const test_case& c);

}  // namespace wsspec
