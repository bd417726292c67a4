// Two runs for the report writers' tests and for make_sample_report: a realistic one (every
// verdict, every area, Autobahn ids, limits cases with sizes for the round-trip chart) and a
// hostile one, in which everything the target controls tries to break out of the report.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "wsspec/reports/results_json.hpp"

namespace wsspec::sample {

// Strings a hostile target sends; none of them may reach the HTML or XML unescaped.
inline const std::vector<std::string>& hostile_payloads() {
  static const std::vector<std::string> p = {
      "<script>alert(1)</script>",
      "</textarea><script>window.__pwned=1</script>",
      "\"><img src=x onerror=alert(1)>",
      "'><img src=x onerror=window.__pwned=1>",
      "</script><script>window.__pwned=1</script>",
      "<svg onload=window.__pwned=1>",
      "</style><style>body{display:none}</style>",
      "<!--",
      "]]><injected/>",
      "<a href=\"javascript:window.__pwned=1\">click</a>",
  };
  return p;
}

// One string with every hostile payload and every kind of bad byte.
inline std::string hostile_text() {
  std::string s;
  for (const auto& p : hostile_payloads()) s += p + " ";
  s += "line\xE2\x80\xA8separator\xE2\x80\xA9paragraph ";  // U+2028, U+2029
  s += "bad\xFF\xFE bytes ";                               // never UTF-8
  s += "cut\xE2\x82 sequence ";                            // truncated 3-byte sequence
  s += "overlong\xC0\xAF surrogate\xED\xA0\x80 ";          // ill-formed forms
  s += "nul\x01\x1B[31m escape ";                          // C0 controls
  s += "bidi\xE2\x80\xAE"
       "desrever ";         // U+202E RIGHT-TO-LEFT OVERRIDE
  s += "tail\xF0\x9F\x98";  // 4-byte sequence cut at the end
  return s;
}

// A sample's transcript: rendered lines (as read back from results.json) or typed events.
struct sample_transcript {
  std::vector<std::string> lines;
  std::vector<observation> events;
  sample_transcript() = default;
  sample_transcript(std::initializer_list<std::string> l) : lines(l) {}
  sample_transcript(std::vector<std::string> l) : lines(std::move(l)) {}
  sample_transcript(std::vector<observation> e) : events(std::move(e)) {}
};

inline case_result make_case(std::string id, std::string area, std::string title,
                             const char* autobahn, std::vector<std::string> rfc, std::string why,
                             verdict data, verdict closing, std::string reason,
                             std::string closing_reason, double ms, sample_transcript transcript,
                             std::vector<std::string> tags = {}) {
  case_result c;
  c.id = std::move(id);
  c.area = std::move(area);
  c.title = std::move(title);
  if (autobahn) c.autobahn = autobahn;
  c.rfc = std::move(rfc);
  c.why = std::move(why);
  c.tags = std::move(tags);
  c.data = data;
  c.closing = closing;
  c.overall = combine(data, closing);
  c.reason = std::move(reason);
  c.closing_reason = std::move(closing_reason);
  c.duration_ms = ms;
  c.transcript = std::move(transcript.lines);
  c.events = std::move(transcript.events);
  return c;
}

// An echo case's typed transcript: handshake, message sent, echo, closing handshake.
inline std::vector<observation> echo_transcript(const std::string& kind, std::uint64_t bytes,
                                                double t_send, double t_echo, double t_end,
                                                std::uint16_t close_code = 1000) {
  using k = observation::kind;
  auto at = [](k what, double ms) {
    observation o;
    o.what = what;
    o.t_ms = ms;
    return o;
  };
  const std::uint8_t op = kind == "text" ? 1 : kind == "binary" ? 2 : 9;
  const std::string preview(std::min<std::uint64_t>(bytes, 8), '*');
  std::vector<observation> t;
  t.push_back(at(k::sent_request, 0.1));
  t.back().size = 154;
  t.back().preview = "GET / HTTP/1.1\r\n";
  t.push_back(at(k::response, 0.4));
  t.back().status = 101;
  t.push_back(at(op == 9 ? k::sent_frame : k::sent_message, t_send));
  t.back().opcode = op;
  t.back().size = bytes;
  t.back().preview = preview;
  t.push_back(at(op == 9 ? k::pong : k::message, t_echo));
  t.back().opcode = op;
  t.back().size = bytes;
  t.back().preview = preview;
  t.push_back(at(k::sent_close, t_echo + 0.1));
  t.back().code = close_code;
  t.push_back(at(k::close, t_end - 0.1));
  t.back().code = close_code;
  t.push_back(at(k::tcp_end, t_end));
  return t;
}

inline run_summary realistic_run() {
  run_summary r;
  r.tool_version = "0.1.0";
  r.target_url = "ws://127.0.0.1:9001/";
  r.server_header = "ExampleWS/2.4 (Linux)";
  r.started_at = "2026-11-24T07:48:24Z";
  r.command = "wsspec run ws://127.0.0.1:9001/ --out report";
  r.argv = {"wsspec", "run", "ws://127.0.0.1:9001/", "--out", "report"};
  const verdict P = verdict::pass, NS = verdict::non_strict, I = verdict::info,
                U = verdict::unimplemented, F = verdict::fail, E = verdict::error;
  auto& cs = r.cases;

  // handshake
  cs.push_back(make_case("handshake/connection-token-list", "handshake",
                         "Connection: keep-alive, Upgrade is accepted", nullptr, {"4.2.1"},
                         "The Connection header is a token list; the server must find Upgrade in "
                         "it.",
                         P, P, "", "", 0.61, echo_transcript("text", 5, 0.4, 0.5, 0.6),
                         {"beyond-autobahn"}));
  cs.push_back(make_case(
      "handshake/missing-key", "handshake",
      "An upgrade request without Sec-WebSocket-Key is refused", nullptr, {"4.2.1", "4.2.2"},
      "Sec-WebSocket-Key is required; without it the server must answer with an HTTP error.", P, P,
      "", "", 0.42,
      {"     0.1ms > opening handshake request 120 bytes", "     0.4ms < HTTP 400 98 bytes"}));
  cs.push_back(make_case(
      "handshake/unknown-version-14", "handshake",
      "Sec-WebSocket-Version: 14 is refused with 426 and the supported versions", nullptr,
      {"4.2.2", "4.4"},
      "A server that does not speak the requested version answers 426 and lists the versions it "
      "does support in Sec-WebSocket-Version (RFC 6455 4.4).",
      F, P,
      "expected HTTP 426 with a Sec-WebSocket-Version header listing 13; got HTTP 400 without a "
      "Sec-WebSocket-Version header (RFC 6455 4.2.2, 4.4)",
      "", 0.73,
      {"     0.1ms > opening handshake request 154 bytes: 47 45 54 20 2f |GET /|",
       "     0.6ms < HTTP 400 62 bytes: 48 54 54 50 2f 31 2e 31 20 34 30 30 |HTTP/1.1 400|",
       "     0.7ms < TCP connection closed (the peer closed the connection)"}));
  cs.push_back(make_case(
      "handshake/draft-version-8", "handshake",
      "A hybi-08 client (Sec-WebSocket-Version: 8) is refused", nullptr, {"4.2.2"},
      "Only version 13 is RFC 6455.", P, P, "", "", 0.39,
      {"     0.1ms > opening handshake request 154 bytes", "     0.4ms < HTTP 426 110 bytes"}));

  // framing: Autobahn 1.1.x / 1.2.x
  const std::uint64_t sizes[] = {0, 125, 126, 127, 128, 65535, 65536};
  for (int b = 0; b < 2; ++b) {
    const std::string kind = b == 0 ? "text" : "binary";
    for (int k = 0; k < 7; ++k) {
      const std::string ab = "1." + std::to_string(b + 1) + "." + std::to_string(k + 1);
      const double ms = 0.35 + static_cast<double>(sizes[k]) / 60000.0 + 0.03 * k;
      cs.push_back(make_case(
          "framing/" + kind + "-length-" + std::to_string(sizes[k]), "framing",
          kind == "text" ? "Text message of " + std::to_string(sizes[k]) + " bytes, echoed"
                         : "Binary message of " + std::to_string(sizes[k]) + " bytes, echoed",
          ab.c_str(), {"5.2", "5.6"},
          "Lengths 125, 126 and 65536 sit at the edges of the 7-bit, 16-bit and 64-bit length "
          "encodings (RFC 6455 5.2).",
          P, P, "", "", ms, echo_transcript(kind, sizes[k], 0.4, ms - 0.2, ms), {"length"}));
    }
  }

  // pingpong: Autobahn 2.x
  cs.push_back(make_case("pingpong/ping-empty", "pingpong", "Ping without payload gets a pong",
                         "2.1", {"5.5.2", "5.5.3"}, "A pong answers every ping.", P, P, "", "",
                         0.31, echo_transcript("ping", 0, 0.3, 0.4, 0.5)));
  cs.push_back(make_case("pingpong/ping-125", "pingpong",
                         "Ping with the largest control payload (125 bytes)", "2.4", {"5.5"},
                         "Control frames carry at most 125 bytes.", P, P, "", "", 0.38,
                         echo_transcript("ping", 125, 0.3, 0.4, 0.5)));
  cs.push_back(make_case("pingpong/ping-126", "pingpong",
                         "Ping with 126 bytes fails the connection", "2.5", {"5.5"},
                         "A control frame longer than 125 bytes is a protocol error.", P, NS, "",
                         "the target closed TCP without a close frame; RFC 6455 7.1.7 says it "
                         "SHOULD send close 1002 first",
                         0.44,
                         {"     0.3ms > frame ping fin=1 payload 126 bytes: fe fe fe fe |....|",
                          "     0.4ms < TCP connection closed (reset by peer)"}));
  cs.push_back(make_case("pingpong/ten-pings", "pingpong",
                         "10 pings in a row: pongs for all, or at least the last", "2.10",
                         {"5.5.3"},
                         "A server may answer only the most recent of several pings (RFC 6455 "
                         "5.5.3).",
                         I, P, "the target answered 1 of 10 pings (the last): allowed, recorded",
                         "", 1.92, echo_transcript("ping", 4, 0.3, 1.7, 1.9)));

  // reserved bits and opcodes: Autobahn 3.x, 4.x
  for (int k = 1; k <= 7; ++k) {
    const std::string ab = "3." + std::to_string(k);
    const bool bad = k == 4;
    cs.push_back(make_case(
        "reserved/rsv" + std::to_string(k) + "-on-text", "reserved",
        "Text frame with RSV=" + std::to_string(k) + " (no extension) fails the connection",
        ab.c_str(), {"5.2"},
        "Without a negotiated extension the RSV bits must be 0; the receiver must fail the "
        "connection.",
        bad ? F : P, P,
        bad ? "expected the target to fail the connection (close 1002 or a TCP drop); it echoed "
              "the frame with RSV=4 set"
            : "",
        "", 0.5 + 0.02 * k,
        bad ? sample_transcript{"     0.3ms > frame text fin=1 rsv=4 payload 5 bytes: 48 65 "
                                "6c 6c 6f |Hello|",
                                "     0.4ms < frame text fin=1 rsv=4 length 5: 48 65 6c 6c 6f "
                                "|Hello|"}
            : sample_transcript(echo_transcript("text", 5, 0.3, 0.4, 0.5, 1002))));
  }
  for (int k = 1; k <= 5; ++k) {
    const std::string ab = "4.1." + std::to_string(k);
    cs.push_back(
        make_case("opcodes/reserved-data-" + std::to_string(k + 2), "opcodes",
                  "Reserved data opcode " + std::to_string(k + 2) + " fails the connection",
                  ab.c_str(), {"5.2"}, "Opcodes 3-7 are reserved.", P, P, "", "", 0.4,
                  echo_transcript("text", 0, 0.3, 0.35, 0.4, 1002)));
  }

  // fragmentation: Autobahn 5.x
  for (int k = 1; k <= 9; ++k) {
    const std::string ab = "5." + std::to_string(k);
    cs.push_back(make_case("fragmentation/case-" + std::to_string(k), "fragmentation",
                           "Fragmented message, pattern " + std::to_string(k), ab.c_str(), {"5.4"},
                           "Fragments of one message arrive in order.", k == 6 ? NS : P, P,
                           k == 6
                               ? "the target delivered the message late (after the ping's pong); "
                                 "allowed, not ideal"
                               : "",
                           "", 0.6 + 0.05 * k, echo_transcript("text", 10, 0.3, 0.5, 0.6)));
  }

  // utf8: Autobahn 6.x
  for (int k = 1; k <= 10; ++k) {
    const std::string ab = "6.4." + std::to_string(k);
    const bool bad = k == 3 || k == 4;
    cs.push_back(make_case(
        "utf8/invalid-" + std::to_string(k), "utf8",
        "Invalid UTF-8 in a text message (pattern " + std::to_string(k) + ") fails the connection",
        ab.c_str(), {"5.6", "8.1"},
        "A text message must be valid UTF-8; on invalid data the receiver fails the connection "
        "with 1007.",
        bad ? F : P, P,
        bad ? "expected close 1007 (invalid UTF-8, RFC 6455 8.1); the target echoed the invalid "
              "message: ce ba e1 bd b9 cf 83 ed a0 80 |\xCE\xBA\xE1\xBD\xB9\xCF\x83\xEF\xBF\xBD|"
            : "",
        "", 0.55 + 0.01 * k, echo_transcript("text", 12, 0.3, 0.45, 0.55, bad ? 1000 : 1007)));
  }

  // close: Autobahn 7.x
  for (int k = 1; k <= 8; ++k) {
    const std::string ab = "7.7." + std::to_string(k);
    cs.push_back(make_case("close/valid-code-" + std::to_string(1000 + k), "close",
                           "Close with code " + std::to_string(1000 + k) + " is echoed", ab.c_str(),
                           {"7.4.1"}, "Valid close codes are echoed.", P, k == 5 ? NS : P, "",
                           k == 5 ? "the target answered close 1000 instead of echoing 1005" : "",
                           0.4, echo_transcript("text", 0, 0.3, 0.35, 0.4, 1000 + k)));
  }

  // permessage-deflate: Autobahn 12.x/13.x
  for (int k = 1; k <= 4; ++k) {
    const std::string ab = "12.1." + std::to_string(k);
    cs.push_back(make_case("compression/echo-" + std::to_string(k), "compression",
                           "permessage-deflate echo, message " + std::to_string(k), ab.c_str(),
                           {"RFC 7692 7.2.1", "RFC 7692 7"},
                           "Compressed messages round-trip when the extension is negotiated.", U, P,
                           "the target did not accept permessage-deflate (no extension in its "
                           "101 response)",
                           "", 0.8,
                           {"     0.1ms > opening handshake request 210 bytes",
                            "     0.5ms < HTTP 101 129 bytes (no Sec-WebSocket-Extensions)"},
                           {"deflate"}));
  }

  // limits: Autobahn 9.x, with sizes for the round-trip chart
  const std::uint64_t big[] = {65536, 262144, 1048576, 4194304, 8388608, 16777216};
  for (int k = 0; k < 6; ++k) {
    const std::string ab = "9.1." + std::to_string(k + 1);
    const double rtt = 0.4 + static_cast<double>(big[k]) / 180000.0;
    cs.push_back(make_case(
        "limits/text-" + std::to_string(big[k]), "limits",
        "Text message of " + std::to_string(big[k]) + " bytes, echoed", ab.c_str(), {"5.2", "10.4"},
        "Large messages test the target's buffering and its limits.", P, P, "", "", rtt + 1.2,
        echo_transcript("text", big[k], 0.5, 0.5 + rtt, rtt + 1.2), {"limits", "performance"}));
  }
  for (int k = 0; k < 3; ++k) {
    const std::uint64_t n = 65536ull << (2 * k);
    const std::string ab = "9.2." + std::to_string(k + 1);
    const double rtt = 0.3 + static_cast<double>(n) / 240000.0;
    cs.push_back(make_case("limits/binary-" + std::to_string(n), "limits",
                           "Binary message of " + std::to_string(n) + " bytes, echoed", ab.c_str(),
                           {"5.2", "10.4"}, "Large binary messages.", P, P, "", "", rtt + 1.0,
                           echo_transcript("binary", n, 0.5, 0.5 + rtt, rtt + 1.0),
                           {"limits", "performance"}));
  }
  auto err = make_case("limits/text-67108864", "limits", "Text message of 64 MiB, echoed", "9.1.7",
                       {"10.4"}, "The largest message the suite sends.", E, E,
                       "wsspec could not run the case: the connection was reset during the "
                       "handshake (ECONNRESET)",
                       "", 2.1,
                       {"     0.1ms > opening handshake request 154 bytes",
                        "     2.1ms < TCP connection reset by peer"},
                       {"limits"});
  err.connect_failed = true;
  cs.push_back(err);

  double total = 0;
  for (const auto& c : cs) total += c.duration_ms;
  r.duration_ms = total * 0.6;  // cases run in parallel
  for (auto& c : cs) {
    for (const auto& o : c.events)
      if (o.what == observation::kind::close) c.remote_close_code = o.code;
    for (const auto& l : c.transcript) {
      const auto at = l.find("close frame with code ");
      if (at != std::string::npos) {
        c.remote_close_code = static_cast<std::uint16_t>(std::stoi(l.substr(at + 22, 4)));
      }
    }
  }
  return r;
}

// The realistic run's target a week later, after an upgrade: for the comparison page. Against
// realistic_run() it has cases newly failing (one of them new), newly passing, other changes of
// verdict, one case added and one removed.
inline run_summary realistic_run_later() {
  run_summary r = realistic_run();
  r.server_header = "ExampleWS/2.5 (Linux)";
  r.started_at = "2026-12-01T09:12:03Z";
  auto find = [&r](const std::string& id) -> case_result& {
    for (auto& c : r.cases) {
      if (c.id == id) return c;
    }
    return r.cases.front();
  };
  auto set = [&](const std::string& id, verdict data, verdict closing, std::string reason,
                 std::string closing_reason = "") {
    case_result& c = find(id);
    c.data = data;
    c.closing = closing;
    c.overall = combine(data, closing);
    c.reason = std::move(reason);
    c.closing_reason = std::move(closing_reason);
  };
  set("handshake/unknown-version-14", verdict::pass, verdict::pass, "");
  set("reserved/rsv4-on-text", verdict::pass, verdict::pass, "");
  set("framing/text-length-65536", verdict::fail, verdict::pass,
      "expected the 65536-byte text message echoed; got a close frame with code 1009 (message "
      "too big) after 0.4 ms (RFC 6455 5.2, 7.4.1)");
  set("close/valid-code-1003", verdict::pass, verdict::fail, "",
      "expected a close frame echoing 1003 within 2 s; the target sent nothing (RFC 6455 5.5.1)");
  set("utf8/invalid-4", verdict::error, verdict::pass,
      "wsspec could not run the case: the connection was reset during the handshake");
  set("pingpong/ping-126", verdict::pass, verdict::pass, "");
  r.cases.erase(std::remove_if(r.cases.begin(), r.cases.end(),
                               [](const case_result& c) { return c.id == "compression/echo-4"; }),
                r.cases.end());
  r.cases.push_back(make_case(
      "handshake/subprotocol-echo", "handshake", "The one offered subprotocol is selected", nullptr,
      {"4.2.2"}, "A server that selects a subprotocol names one the client offered.", verdict::pass,
      verdict::pass, "", "", 0.5, echo_transcript("text", 5, 0.4, 0.45, 0.5)));
  r.cases.push_back(make_case(
      "handshake/duplicate-key", "handshake", "Two Sec-WebSocket-Key headers are refused", nullptr,
      {"4.2.1"}, "The key must appear exactly once.", verdict::fail, verdict::pass,
      "expected HTTP 400; got HTTP 101 (RFC 6455 4.2.1)", "", 0.6,
      {"     0.1ms > opening handshake request 190 bytes", "     0.5ms < HTTP 101 129 bytes"}));
  return r;
}

inline run_summary hostile_run() {
  const std::string h = hostile_text();
  run_summary r;
  r.tool_version = "0.1.0";
  r.target_url = "ws://127.0.0.1:9001/?q=" + h;
  r.server_header = h;
  r.started_at = "2026-11-24T07:48:24Z";
  r.command = "wsspec run 'ws://127.0.0.1:9001/' " + h;
  // What the target sent can reach argv too (a URL or case pattern pasted from its output).
  r.argv = {"wsspec", "run", r.target_url, "--cases", h, "--case-dir", h};

  std::vector<std::string> transcript;
  transcript.push_back("     0.1ms > opening handshake request 154 bytes: 47 45 54 |GET|");
  transcript.push_back("     0.4ms < HTTP 101 129 bytes: Server: " + h);
  transcript.push_back("     0.5ms > frame text fin=1 payload 1000 bytes: " + h);
  for (const auto& p : hostile_payloads()) {
    transcript.push_back("     0.5ms < frame text fin=1 length 30: " + p);
  }
  transcript.push_back(
      "     0.6ms < frame close fin=1 length 40: a close frame with code 1000 "
      "and reason " +
      h);

  r.cases.push_back(make_case("hostile/everything", "hostile", "Title " + h, "1.1.1",
                              {"5.2", "javascript:window.__pwned=1", "RFC 7692 7.2.1",
                               "\"><script>window.__pwned=1</script>"},
                              "Why " + h, verdict::fail, verdict::non_strict, "Reason " + h,
                              "Closing reason " + h, 12.5, transcript, {"limits", h}));
  r.cases.back().remote_close_code = 1000;

  // Hostile id, area and Autobahn id (a user's own case folder can hold anything).
  const std::string bad_id = "hostile/\"><script>window.__pwned=1</script>'";
  r.cases.push_back(make_case(bad_id, "<script>window.__pwned=1</script>", "Bad names", h.c_str(),
                              {"5.2"}, "", verdict::error, verdict::pass, h, "", 1.0,
                              {"     0.1ms > " + h}));

  // Long strings and a transcript far too long to show.
  std::string huge(100000, 'A');
  huge += h;
  std::vector<std::string> many;
  for (int i = 0; i < 3000; ++i) {
    many.push_back("   " + std::to_string(i) +
                   ".0ms < frame text fin=1 length 100000: " + (i % 100 == 1 ? huge : h));
  }
  r.cases.push_back(make_case("hostile/huge", "hostile", huge, nullptr, {"5.2"}, huge,
                              verdict::unimplemented, verdict::pass, huge, huge, 3.0, many,
                              {"performance"}));
  r.cases.push_back(make_case("hostile/info", "hostile", "Info with " + h, nullptr, {"5.5"}, h,
                              verdict::info, verdict::non_strict, h, h, 0.7, {h}));
  r.cases.push_back(make_case("hostile/pass", "hostile", "A case that passed", "2.1", {"5.5.2"}, "",
                              verdict::pass, verdict::pass, "", "", 0.5,
                              {"     0.1ms > ping", "     0.2ms < pong"}));
  r.duration_ms = 20;
  return r;
}

}  // namespace wsspec::sample
