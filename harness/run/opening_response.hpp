// The opening handshake response wsspec sends to a client under test (RFC 6455 4.2.2), edited
// from the well-formed 101 as a case's `respond` step says: a client is tested on how it
// takes a response it must refuse (4.1), so each field can be wrong on its own.
#pragma once

#include <string>
#include <string_view>

#include "cases/case_model.hpp"

namespace wsspec {

// The response head for `r` to a request with Sec-WebSocket-Key `key`: `r.raw` verbatim, else
// "HTTP/1.1 <status> <reason>" with Upgrade: websocket, Connection: Upgrade and the
// Sec-WebSocket-Accept computed from `key` (4.2.2 step 5), then `remove`, `set` and `add`
// applied in that order (as the request's edits are).
std::string build_opening_response(const respond_spec& r, std::string_view key);

// The status code of a response head ("HTTP/1.1 101 ..."), or 0 when it has none.
int status_of_head(std::string_view head);

}  // namespace wsspec
