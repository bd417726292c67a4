// What happened on one case's connection, typed: what wsspec sent, what the target sent (as
// the codec decoded it), how the connection ended. The judge decides verdicts from these;
// reports/ alone turns them into text (observation_text.hpp), so nothing parses prose back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wsspec/codec/handshake.hpp"
#include "wsspec/codec/http.hpp"
#include "wsspec/codec/permessage_deflate.hpp"
#include "wsspec/codec/protocol_error.hpp"

namespace wsspec {

// A rule of RFC 6455 (or of HTTP, for the handshake) that the target broke, as the codec named
// it. At most one of the errors is set.
struct violation {
  codec::protocol_error frame = codec::protocol_error::none;      // a frame, message or close body
  codec::http_error http = codec::http_error::none;               // the response head
  codec::response_error handshake = codec::response_error::none;  // the 101's WebSocket fields
  // a client's opening request (wsspec serve-cases: the target is a client)
  codec::request_error request = codec::request_error::none;
  // the 101's answer to a permessage-deflate offer (RFC 7692 7, 7.1)
  codec::deflate_negotiation_error deflate = codec::deflate_negotiation_error::none;
  std::string detail;        // the codec's own words for a handshake error (which value)
  std::uint64_t offset = 0;  // byte offset in what the target sent after its 101
  std::string evidence;      // up to 14 bytes of the offending frame's start, when at hand

  bool empty() const noexcept {
    return frame == codec::protocol_error::none && http == codec::http_error::none &&
           handshake == codec::response_error::none && request == codec::request_error::none &&
           deflate == codec::deflate_negotiation_error::none;
  }
  // "5.2", "RFC 7692 6.1", "RFC 9112 2.2": the section of the rule, in one format.
  std::string section() const;
  // A stable identifier for grouping findings: "frame:reserved_opcode", "http:bare_lf".
  std::string signature() const;
  bool operator==(const violation&) const = default;
};

struct observation {
  enum class kind : std::uint8_t {
    // wsspec -> target
    sent_request,   // the opening handshake request; `preview`: its first bytes
    sent_response,  // wsspec as the server of a client: its handshake response, `status`
    sent_frame,     // `count` frame(s): opcode, fin, rsv, `length` field, `size`-byte payload
    sent_message,   // `count` message(s) of `size` bytes in `frames` frames in all
    sent_raw,       // `size` raw bytes
    sent_barrier,   // a ping whose pong proves the target processed everything before it
    sent_close,     // wsspec's own close frame (closing handshake), `code` if any
    sent_pong,      // wsspec answering the target's ping
    sent_fin,       // wsspec ended its sending half of TCP (FIN; TLS: close_notify first), no close
    write_stopped,  // the target stopped reading after `size` bytes of a write
    // target -> wsspec
    response,      // the HTTP response to the request: `status`
    request,       // a client's opening handshake request (`rule` if it breaks one), `fields`
    tls_hello,     // a client's TLS handshake (serve-cases --tls): `server_name`, `detail`
    fragment,      // a data frame that did not end its message: opcode, fin, `size`
    message,       // a text (opcode 1) or binary (2) message of `size` bytes in `frames`
    ping,          // `size`, `preview`
    pong,          // `size`, `preview`
    close,         // `code` (none for an empty body), reason in `preview`
    broke_rule,    // the target broke a rule: `rule`
    tcp_end,       // the target closed TCP (`reset`: with a reset)
                   // tcp_end, idle_timeout inside a frame: `length` is the payload length its
                   // header announced, `size` the payload bytes of it that came
    idle_timeout,  // nothing moved for `idle_ms`; or, with `bound`, the case's wall-time bound
                   // ran out while the target still moved bytes (`size` of a response head)
    // wsspec's own checks
    liveness,       // a second connection: `alive`
    not_connected,  // no TCP connection (or TLS session) at all: `detail`
    // `count` rounds of a repeated case (1000 round trips) went as expected and are not
    // recorded one by one: the transcript keeps the first rounds, the last, and anything else.
    rounds_omitted,
  };
  kind what = kind::message;
  double t_ms = 0;  // since the case started

  std::uint8_t opcode = 0;
  bool fin = true;
  std::uint8_t rsv = 0;
  std::uint64_t size = 0;               // payload bytes (per frame or message), or bytes written
  std::uint32_t count = 1;              // identical frames or messages in one write
  std::uint64_t frames = 1;             // frames a message was made of
  std::optional<std::uint64_t> length;  // a length field that differs from the payload
  std::string preview;                  // the payload's (or request's) first bytes, raw
  // A digest of the whole payload (the harness's payload_digest, a CRC-64): an echo of a 16 MiB
  // message is recognised without keeping it.
  std::uint64_t digest = 0;
  std::optional<std::uint16_t> code;
  bool code_out_of_range = false;  // a close code >= 5000: no range of 7.4.2 holds it
  int status = 0;
  bool reset = false;
  double idle_ms = 0;
  bool bound = false;  // idle_timeout: the case's time bound ended the wait, not idleness
  bool alive = false;
  bool matched_barrier = false;  // a pong that answered a barrier ping
  bool bare_lf = false;          // response: some lines end with a lone LF, not CRLF
  std::string detail;            // not_connected, liveness, tcp_end: the transport's words;
                                 // tls_hello: the TLS version and cipher
  std::optional<std::string> server_name;  // tls_hello: the client's SNI (nullopt: none sent)
  violation rule;
  codec::http_fields fields;  // response, request: header fields (bounded by the parser's limits)

  // Whether the target sent it (as opposed to wsspec, or wsspec's notes).
  bool from_target() const noexcept { return what >= kind::response && what <= kind::idle_timeout; }
  bool operator==(const observation&) const = default;
};

// How many payload bytes an observation keeps for the report.
inline constexpr std::size_t preview_bytes = 64;

}  // namespace wsspec
