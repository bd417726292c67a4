// wsspec as the server of a client under test (wsspec serve-cases), in a compression case: how
// it answers the client's permessage-deflate offers. A case's `deflate` is written as the offer
// wsspec makes when it is the client; with the roles flipped it becomes what wsspec asks of the
// client as the server, within what RFC 7692 lets a server ask:
//   server_no_context_takeover  -> wsspec compresses without context takeover and says so
//                                  (7.1.1.1: a server may add it unasked)
//   client_no_context_takeover  -> wsspec asks the client to reset its context (7.1.1.2)
//   server_max_window_bits=N    -> wsspec compresses with a window of 2^N and says so (7.1.2.1)
//   client_max_window_bits=N    -> wsspec limits the client's window, if the client offered
//                                  client_max_window_bits (7.1.2.2)
// The client's first acceptable offer is taken (RFC 7692 5); a client that offers none is a
// client without compression (unimplemented, not a failure).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "wsspec/codec/handshake.hpp"
#include "wsspec/codec/permessage_deflate.hpp"

namespace wsspec {

// The server options a case's offer text stands for; parameters it cannot parse are ignored
// (the case loader has already checked the text).
codec::deflate_server_options deflate_answer_options(std::string_view case_offer);

struct deflate_answer {
  codec::deflate_params agreed;
  std::string header;  // the Sec-WebSocket-Extensions value of the 101
};

// The answer to the client's offers, or nullopt when it offered no permessage-deflate element
// wsspec can accept.
std::optional<deflate_answer> answer_deflate(std::span<const codec::extension_offer> client_offers,
                                             std::string_view case_offer);

}  // namespace wsspec
