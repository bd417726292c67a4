// Checks shared by the handshake request and response targets: incremental parsing gives the
// whole-buffer outcome however the bytes arrive, and the extension grammar round-trips.
#pragma once

#include <cstdlib>
#include <string_view>
#include <vector>

#include "wsspec/codec/handshake.hpp"
#include "wsspec/codec/http.hpp"

namespace wsspec::fuzz {

// Feeds `buffer` to a fresh `Parser` (request_parser or response_parser) in growing prefixes,
// `step` bytes more each call, as a server reading from a socket would (the parser's contract:
// every call passes everything received so far). Returns the last result; stops early once
// the result is final.
template <class Parser, class Message>
codec::http_parse_result parse_in_steps(std::string_view buffer, std::size_t step,
                                        const codec::http_limits& limits, Message& out) {
  Parser p(limits);
  codec::http_parse_result r;
  for (std::size_t end = 0;;) {
    end = std::min(buffer.size(), end + step);
    r = p.parse(buffer.substr(0, end));
    if (!r.incomplete() || end == buffer.size()) break;
  }
  out = p.get();
  return r;
}

// Limits chosen by one input byte, so the limit checks (and their "same error however the
// bytes were split" promise) are exercised with inputs far smaller than the default 16 KiB.
inline codec::http_limits limits_from(std::uint8_t b) {
  codec::http_limits l;
  if (b & 0x80) {
    l.max_head_bytes = 32 + (b & 0x0F) * 64;
    l.max_line_bytes = 16 + ((b >> 4) & 0x07) * 32;
    l.max_header_count = (b & 0x0F);
  }
  return l;
}

// Every Sec-WebSocket-Extensions value that parses formats back to text that parses to the
// same offers (quoted values are tokens once unescaped, so format_extensions never quotes).
inline void check_extensions_round_trip(const codec::http_fields& fields) {
  for (const std::string_view v : codec::field_values(fields, "Sec-WebSocket-Extensions")) {
    std::vector<codec::extension_offer> offers;
    if (!codec::parse_extensions(v, offers)) continue;
    const std::string text = codec::format_extensions(offers);
    std::vector<codec::extension_offer> again;
    if (!codec::parse_extensions(text, again) || !(again == offers)) std::abort();
  }
}

}  // namespace wsspec::fuzz
