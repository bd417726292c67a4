// The opening handshake request a case sends (RFC 6455 4.1), edited from the well-formed
// default, and what it offered: the 101 is checked against the key, subprotocols and
// extensions that were actually sent.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "cases/case_model.hpp"
#include "transport/url.hpp"
#include "wsspec/codec/handshake.hpp"
#include "wsspec/codec/http.hpp"

namespace wsspec {

struct opening_request {
  std::string head;  // the request head, as sent (without the case's trailing bytes)
  std::string key;   // the Sec-WebSocket-Key the 101 must answer
  std::vector<std::string> protocols, extensions;        // what the request offered
  std::vector<codec::extension_offer> extension_offers;  // the offers whole, with parameters
};

opening_request build_opening_request(const handshake_spec& h, const ws_url& url,
                                      const std::array<std::uint8_t, 16>& nonce);

// What wsspec itself reads of HTTP: its own requests (a case may send a 1 MiB header line) and
// the responses, which may echo what the request offered. Well beyond what servers accept,
// and still bounded.
codec::http_limits generous_http_limits();

}  // namespace wsspec
