// The server side of the protocol's short exchanges (getCaseCount, getCaseInfo, getCaseStatus,
// updateReports, and refusals): an HTTP error reply instead of a 101, or a 101, at most one text
// message, and a closing handshake. wsspec's frames are unmasked (RFC 6455 5.1); after its close
// frame it waits a bounded time for the client's and then closes TCP, the server's part of
// 7.1.1. Every call is bounded by the deadline it is given, whatever the client does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "transport/connection.hpp"
#include "wsspec/codec/http.hpp"

namespace wsspec::serve_cases {

// The request was not a valid WebSocket upgrade (or the path is unknown): `status` with a
// plain-text body, then the connection is closed.
void refuse(connection& conn, int status, std::string_view body, const codec::http_fields& extra,
            clock::time_point deadline);

// 101 for the validated request with key `key`; false if it could not be written.
bool accept_upgrade(connection& conn, std::string_view key, clock::time_point deadline);

// One unfragmented text frame.
bool send_text(connection& conn, std::string_view text, clock::time_point deadline);

// Close frame with `code` and `reason` (cut to fit 125 bytes at a UTF-8 boundary), then waits
// until `deadline` for the client's close frame (or its FIN), then closes TCP.
void close_session(connection& conn, std::uint16_t code, std::string_view reason,
                   clock::time_point deadline);

}  // namespace wsspec::serve_cases
