// Which cases a run takes: --cases / --exclude patterns (DESIGN.md). A pattern is a glob
// (`*` any run of characters, `?` one character) matched against the whole case id, the
// case's Autobahn id, and its area followed by "/" (so `handshake/*` takes a folder and
// `1.1.*` takes Autobahn's section 1.1).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cases/case_model.hpp"
#include "cases/requirement_map.hpp"

namespace wsspec {

bool glob_match(std::string_view pattern, std::string_view text) noexcept;
bool pattern_matches(std::string_view pattern, const test_case& c) noexcept;

// Cases matching any include pattern (all when there are none) and no exclude pattern, in a
// stable order: by area, then by id with numbers compared as numbers. An include pattern that
// matches nothing is an error (a typo must not give a green run).
bool select_cases(const std::vector<test_case>& all, const std::vector<std::string>& include,
                  const std::vector<std::string>& exclude, std::vector<test_case>& out,
                  std::string& error);

// Whether a run that tests `peer` (case_peer::server: wsspec run; case_peer::client: wsspec
// serve-cases) takes `c`: every case but those peer_of() says test only the other peer.
bool runs_in(const test_case& c, case_peer peer) noexcept;

// Narrows a selection to a run that tests `peer`: drops the cases for the other peer, and cuts
// each remaining case's requirement ids and the map itself to the requirements that bind
// `peer` or both sides (a case may name a server's and a client's requirement; a report's
// coverage is that of the peer under test). False, with `error`, when no case is left.
bool keep_cases_for(case_peer peer, std::vector<test_case>& cases, requirement_map& map,
                    std::string& error);

}  // namespace wsspec
