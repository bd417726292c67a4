// The in-memory form of a test case (cases/schema.json is the file format). A case is data:
// steps to run against the target and the events a conforming peer produces, each with the
// verdict grade it earns. The interpreter (run/interpreter.hpp) is the only code that runs it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "run/data_set.hpp"
#include "wsspec/codec/frame_header.hpp"
#include "wsspec/reports/case_result.hpp"

namespace wsspec {

// Bytes to send or expect, generated rather than spelled out (a 16 MiB payload is one line).
struct payload_spec {
  enum class kind : std::uint8_t { bytes, repeat, random, data_set };
  kind how = kind::bytes;
  std::string bytes;          // kind::bytes: the literal bytes (from "text" or "hex")
  std::string pattern = "*";  // kind::repeat: repeated to `size`
  std::uint64_t size = 0;     // kind::repeat / kind::random
  std::uint64_t seed = 0;     // kind::random: deterministic pseudo-random bytes
  // kind::data_set: `size`-byte slices of a generated data set (run/data_set.hpp); the n-th
  // round of a repeated case sends slice n.
  wsspec::data_set set = wsspec::data_set::json;

  bool operator==(const payload_spec&) const = default;
};

// Write raw bytes split into `chunk`-byte writes with `delay_ms` between them (0 = one write).
struct write_shape {
  std::size_t chunk = 0;
  std::uint32_t delay_ms = 0;

  bool operator==(const write_shape&) const = default;
};

// One frame, every header bit under control (RFC 6455 5.2).
struct send_frame {
  std::uint8_t opcode = 1;  // 0-15, reserved values included
  bool fin = true;
  std::uint8_t rsv = 0;  // bits: 4 = RSV1, 2 = RSV2, 1 = RSV3
  // Masking: nullopt = a random key per frame (what a client does); a fixed key otherwise.
  // `masked` false sends the frame unmasked (a client must not, RFC 6455 5.1).
  bool masked = true;
  std::optional<std::array<std::uint8_t, 4>> key;
  // The codec's own enum: what a case asks for is what the encoder is told.
  using length_form = codec::length_form;
  length_form form = length_form::minimal;
  std::optional<std::uint64_t> length;  // a length field that lies about the payload
  payload_spec payload;
  write_shape shape;
  std::uint32_t count = 1;  // the same frame this many times, back to back (one write)

  bool operator==(const send_frame&) const = default;
};

// A message split into frames of `fragment_size` bytes (0 = one frame).
struct send_message {
  std::uint8_t opcode = 1;
  payload_spec payload;
  std::uint64_t fragment_size = 0;
  write_shape shape;
  std::uint32_t count = 1;  // the same message this many times, back to back (one write)
  // Sent compressed with the agreed permessage-deflate parameters (RSV1 on its first frame,
  // RFC 7692 6.1, 7.2.1); fragment_size then cuts the compressed bytes. Only in a case with
  // `deflate`.
  bool compressed = false;

  bool operator==(const send_message&) const = default;
};

struct send_raw {
  std::string bytes;
  write_shape shape;

  bool operator==(const send_raw&) const = default;
};

// The opening handshake request, edited from the well-formed default (RFC 6455 4.1).
struct handshake_spec {
  std::string method = "GET";
  std::optional<std::string> target;  // default: the URL's resource
  std::string version = "HTTP/1.1";
  std::vector<std::pair<std::string, std::string>> add;  // appended, in order
  std::vector<std::string> remove;                       // header names, case-insensitive
  std::vector<std::pair<std::string, std::string>> set;  // replace the value (or add)
  std::optional<std::string> raw;  // the whole request head verbatim (overrides the rest)
  std::string trailing;            // bytes sent in the same write right after the head

  bool operator==(const handshake_spec&) const = default;
};

// What the target does, as seen by wsspec.
struct expect_event {
  enum class kind : std::uint8_t {
    message,    // a text/binary message; payload "echo" = the last message wsspec sent
    pong,       // a pong; payload "echo" = the last ping wsspec sent
    close,      // a close frame from the target with one of `codes` (empty = any valid)
    fail,       // the target fails the connection: close with one of `codes`, or a TCP drop
    drop,       // the TCP connection ends (after a close exchange or instead of one)
    handshake,  // the handshake response: status in `statuses`
    silence,    // nothing arrives before the expect step's time-out (last event only)
    // Whatever valid frames the target sends (messages, pongs, a close) until the next event
    // of the list happens; as the last event, until the target drops TCP or the step's time-out.
    // An invalid frame does not match: this is how fuzz findings judge a target.
    any
  };
  kind what = kind::message;
  std::optional<std::uint8_t> opcode;  // message: 1 or 2
  bool echo = false;                   // payload must equal what was sent
  std::optional<payload_spec> payload;
  std::vector<std::uint16_t> codes;  // close / fail
  std::vector<int> statuses;         // handshake
  // handshake: every line of the response ends with CRLF (RFC 9112 2.1; wsspec itself reads a
  // lone LF as a line end, as 9112 2.2 lets a recipient, so only a case with this flag judges it)
  bool crlf = false;
  // handshake: header names that must (or must not) be in the response
  std::vector<std::pair<std::string, std::string>> headers;

  bool operator==(const expect_event&) const = default;
};

// One way the target may behave, and the grade it earns (first matching alternative wins).
struct alternative {
  verdict grade = verdict::pass;
  std::vector<expect_event> events;
  std::string note;  // why this behaviour earns this grade (goes into the reason)

  bool operator==(const alternative&) const = default;
};

struct expect_step {
  std::vector<alternative> alternatives;  // a plain expectation is one alternative graded pass
  std::uint32_t timeout_ms = 0;           // 0 = the case's time-out

  bool operator==(const expect_step&) const = default;
};

// wsspec is the server (a client under test): its opening handshake response, edited from the
// well-formed 101 (RFC 6455 4.2.2) the way handshake_spec edits the request. The default 101 has
// Upgrade: websocket, Connection: Upgrade and the Sec-WebSocket-Accept computed from the
// client's key; `set`/`remove` of Sec-WebSocket-Accept override it.
struct respond_spec {
  int status = 101;
  std::optional<std::string> reason;                     // default: the status's standard phrase
  std::vector<std::pair<std::string, std::string>> add;  // appended, in order
  std::vector<std::string> remove;                       // header names, case-insensitive
  std::vector<std::pair<std::string, std::string>> set;  // replace the value (or add)
  std::optional<std::string> raw;  // the whole response head verbatim (overrides the rest)
  // Wait this long after the client's request before answering; a client that sends anything
  // meanwhile (or with its request) fails the case: RFC 6455 4.1, it waits for the response.
  std::uint32_t delay_ms = 0;

  bool operator==(const respond_spec&) const = default;
};

// wsspec ends its sending half of TCP (a FIN; on TLS close_notify first) with no close frame:
// to the peer, the transport was lost (RFC 6455 7.2.1). Reading goes on, so the steps after it
// can only expect; the loader refuses a send after it (nothing can follow a FIN).
struct end_sending {
  bool operator==(const end_sending&) const = default;
};

using step = std::variant<send_frame, send_message, send_raw, handshake_spec, expect_step,
                          respond_spec, end_sending>;

// The peer a case tests: wsspec run tests servers, wsspec serve-cases clients (roles flipped).
enum class case_peer : std::uint8_t { server, client, both };

struct test_case {
  std::string id;    // stable; never derived from a position in a file
  std::string area;  // the folder the file is in
  std::string title;
  std::optional<std::string> autobahn;
  std::vector<std::string> rfc;
  // The ids of the requirements the case checks (cases/requirements.json, loaded by
  // requirement_map.hpp), e.g. "6455-5.1-server-fails-on-unmasked-frame".
  std::vector<std::string> requirements;
  std::string why;  // why the expected behaviour is right, in a sentence or two
  std::vector<std::string> tags;
  std::uint32_t timeout_ms = 5000;
  // The steps run this many times on the one connection (round-trip series, Autobahn 9.7/9.8).
  std::uint32_t repeat = 1;
  // For each N, the loader also emits "<id>-in-N-byte-writes": the same case with every write
  // split into N-byte pieces, since parser bugs hide where a frame crosses reads.
  std::vector<std::uint32_t> chops;
  // The default handshake is done before the steps unless the steps start with a
  // handshake_spec (handshake cases).
  std::vector<step> steps;
  // After the steps, if the connection is still open, wsspec closes it (1000) and grades the
  // closing behaviour; cases that end with the target failing the connection skip this.
  bool close_at_end = true;
  // After the steps, while this case's connection is still open, open a second connection and
  // check the target completes a handshake and an echo there: a target that crashed or hangs
  // (RFC 6455 10.4 lets it limit, not stop serving) fails the case.
  bool check_alive = false;
  // A Sec-WebSocket-Extensions offer ("permessage-deflate; client_max_window_bits") the default
  // handshake sends. A 101 that declines it makes the case unimplemented (RFC 7692 5 lets a
  // server decline); one that accepts it sets up compression both ways.
  std::optional<std::string> deflate;
  // The `deflate` offer has no permessage-deflate element a server may accept (RFC 7692 7: a
  // parameter not defined for offers, an invalid value, a duplicate): a 101 that declines it
  // passes and the steps run uncompressed; one that accepts it fails.
  bool deflate_must_decline = false;
  // A client case about the extensions the client offers (RFC 6455 9.1): a client whose opening
  // request offers none gets the case's 101 and is unimplemented, the steps not run.
  bool needs_extension_offer = false;
  // A client case about the TLS handshake of a client given a wss:// URL (RFC 6455 4.1: it
  // sends SNI): over TLS the client's SNI must name its URL's host (judge/server_name.hpp),
  // else the case fails before its steps; a connection without TLS (serve-cases without
  // --tls) makes it unimplemented.
  bool checks_sni = false;
  // The case file's "peer"; absent: peer_of() decides from the steps.
  std::optional<case_peer> peer;
  std::string source;  // "file.json" (+ "#/matrix/3") for messages

  bool operator==(const test_case&) const = default;
};

// The peer `c` tests: its "peer" key, else `client` for a case that starts with a `respond`
// step (the server's response is the case), `server` for one that starts with a `handshake`
// step (the client's request is) or needs what only a server run has (a second connection for
// check_alive, a permessage-deflate offer), and `both` otherwise.
inline case_peer peer_of(const test_case& c) {
  if (c.peer) return *c.peer;
  if (!c.steps.empty() && std::holds_alternative<respond_spec>(c.steps.front()))
    return case_peer::client;
  if (!c.steps.empty() && std::holds_alternative<handshake_spec>(c.steps.front()))
    return case_peer::server;
  if (c.check_alive || c.deflate) return case_peer::server;
  return case_peer::both;
}

inline const char* to_string(case_peer p) {
  return p == case_peer::server ? "server" : p == case_peer::client ? "client" : "both";
}

}  // namespace wsspec
