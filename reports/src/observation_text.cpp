#include "wsspec/reports/observation_text.hpp"

#include <cstdio>

#include "wsspec/codec/close.hpp"
#include "wsspec/codec/opcode.hpp"

namespace wsspec {

namespace {

// Sections of RFC 6455 are written bare by the codec ("5.2"); others carry their RFC.
std::string cite(std::string_view section) {
  if (section.empty()) return {};
  return section.starts_with("RFC ") ? std::string(section) : "RFC 6455 " + std::string(section);
}

std::string opcode_name(std::uint8_t op) {
  return std::string(codec::to_string(codec::make_opcode(op)));
}

}  // namespace

std::string violation::section() const {
  if (frame != codec::protocol_error::none) return cite(codec::rfc_section(frame));
  if (http != codec::http_error::none) return cite(codec::rfc_section(http));
  if (handshake != codec::response_error::none) return cite(codec::rfc_section(handshake));
  if (request != codec::request_error::none) return cite(codec::rfc_section(request));
  if (deflate != codec::deflate_negotiation_error::none) return cite(codec::rfc_section(deflate));
  return {};
}

std::string violation::signature() const {
  if (frame != codec::protocol_error::none) return "frame:" + std::string(codec::to_string(frame));
  if (http != codec::http_error::none) return "http:" + std::string(codec::to_string(http));
  if (handshake != codec::response_error::none)
    return "handshake:" + std::string(codec::to_string(handshake));
  if (request != codec::request_error::none)
    return "request:" + std::string(codec::to_string(request));
  if (deflate != codec::deflate_negotiation_error::none)
    return "deflate:" + std::string(codec::to_string(deflate));
  return {};
}

std::string payload_text(std::string_view shown, std::uint64_t total, std::size_t max) {
  std::string hex, text;
  const std::size_t n = std::min(shown.size(), max);
  for (std::size_t i = 0; i < n; ++i) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned char>(shown[i]));
    if (i) hex += ' ';
    hex += buf;
    const auto c = static_cast<unsigned char>(shown[i]);
    text += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '.';
  }
  std::string out = std::to_string(total) + (total == 1 ? " byte" : " bytes");
  if (n == 0) return out;
  out += ": " + hex;
  if (total > n) out += " ...";
  out += " |" + text + "|";
  return out;
}

std::string rule_text(const violation& v) {
  std::string s;
  if (v.frame != codec::protocol_error::none) {
    s = std::string(codec::describe(v.frame));
  } else if (v.http != codec::http_error::none) {
    s = "a malformed HTTP response: " + std::string(codec::describe(v.http));
  } else if (v.handshake != codec::response_error::none) {
    s = "invalid 101 response: " + std::string(codec::describe(v.handshake));
  } else if (v.request != codec::request_error::none) {
    s = "invalid opening request: " + std::string(codec::describe(v.request));
  } else if (v.deflate != codec::deflate_negotiation_error::none) {
    s = "invalid permessage-deflate response: " + std::string(codec::describe(v.deflate));
  } else {
    return "nothing wrong";
  }
  return s + " (" + v.section() + ")";
}

std::string describe(const violation& v) {
  std::string s;
  if (v.frame != codec::protocol_error::none) {
    s = std::string(codec::describe(v.frame));
  } else if (v.http != codec::http_error::none) {
    s = "a malformed HTTP response: " + std::string(codec::describe(v.http));
  } else if (v.handshake != codec::response_error::none) {
    s = "an invalid 101 response: " +
        (v.detail.empty() ? std::string(codec::describe(v.handshake)) : v.detail);
  } else if (v.request != codec::request_error::none) {
    s = "an invalid opening request: " +
        (v.detail.empty() ? std::string(codec::describe(v.request)) : v.detail);
  } else if (v.deflate != codec::deflate_negotiation_error::none) {
    s = "an invalid permessage-deflate response: " + std::string(codec::describe(v.deflate));
  } else {
    return "nothing wrong";
  }
  s += " (" + v.section() + ")";
  if (v.frame != codec::protocol_error::none) {
    s += " at byte " + std::to_string(v.offset);
    if (!v.evidence.empty())
      s += "; the frame starts " + payload_text(v.evidence, v.evidence.size(), 14);
  }
  return s;
}

namespace {

// A name the target sent, as text: bytes outside printable ASCII become '.', at most 64 shown.
std::string printable(std::string_view s) {
  std::string out;
  for (const char ch : s.substr(0, 64)) {
    const auto c = static_cast<unsigned char>(ch);
    out += (c >= 0x20 && c < 0x7F) ? ch : '.';
  }
  return s.size() > 64 ? out + "..." : out;
}

// A wait that ended inside a frame: how much of what its header announced came.
std::string inside_frame(const observation& o) {
  if (!o.length) return "";
  return " inside a frame whose header announced " + std::to_string(*o.length) +
         " payload bytes, of which " + std::to_string(o.size) + " came";
}

}  // namespace

std::string describe(const observation& o) {
  using k = observation::kind;
  const std::string payload = payload_text(o.preview, o.size);
  switch (o.what) {
    case k::sent_request:
      return "the opening handshake request " + payload_text(o.preview, o.size, 48);
    case k::sent_response:
      return "an HTTP " + std::to_string(o.status) + " response " +
             payload_text(o.preview, o.size, 48);
    case k::request:
      if (!o.rule.empty()) return "an opening request that breaks a rule: " + describe(o.rule);
      return "an opening request " + payload_text(o.preview, o.size, 48);
    case k::tls_hello:
      return "a TLS handshake (" + o.detail + ") " +
             (o.server_name ? "naming the server '" + printable(*o.server_name) + "' (SNI)"
                            : std::string("without a server name (no SNI)"));
    case k::sent_frame: {
      std::string s = (o.count > 1 ? std::to_string(o.count) + " x " : std::string()) + "frame " +
                      opcode_name(o.opcode) + " fin=" + (o.fin ? "1" : "0");
      if (o.rsv) s += " rsv=" + std::to_string(o.rsv);
      if (o.length) s += " length-field=" + std::to_string(*o.length);
      return s + " payload " + payload;
    }
    case k::sent_message:
      return (o.count > 1 ? std::to_string(o.count) + " x " : std::string()) +
             (o.rsv & 4 ? "compressed " : "") + (o.opcode == 1 ? "text" : "binary") +
             " message in " + std::to_string(o.frames) + " frame(s), payload " + payload;
    case k::sent_raw:
      return "raw " + payload;
    case k::sent_barrier:
      return "barrier ping " + payload + " (its pong proves everything before it was processed)";
    case k::sent_close:
      return o.code ? "close " + std::to_string(*o.code) : std::string("close without a code");
    case k::sent_pong:
      return "pong answering the target's ping";
    case k::sent_fin:
      return "wsspec ended its sending half of TCP with no close frame (a FIN; on TLS, "
             "close_notify first)";
    case k::write_stopped:
      return "the target stopped reading: the write ended after " + std::to_string(o.size) +
             " bytes";
    case k::response:
      if (!o.rule.empty())
        return "an HTTP " + std::to_string(o.status) + " response that breaks a rule: " +
               (o.rule.detail.empty() ? std::string(codec::describe(o.rule.handshake))
                                      : o.rule.detail) +
               " (" + o.rule.section() + ")";
      return "an HTTP " + std::to_string(o.status) + " response" +
             (o.bare_lf ? std::string(" whose lines end with a bare LF") : std::string());
    case k::fragment:
      return "a " + opcode_name(o.opcode) + " frame with FIN clear, " + std::to_string(o.size) +
             " bytes";
    case k::message:
      return std::string(o.rsv & 4 ? "a compressed " : "a ") + (o.opcode == 1 ? "text" : "binary") +
             " message of " + payload +
             (o.frames > 1 ? " in " + std::to_string(o.frames) + " frames" : std::string());
    case k::ping:
      return "a ping of " + payload;
    case k::pong:
      return std::string(o.matched_barrier ? "the pong of the barrier ping" : "a pong of ") +
             (o.matched_barrier ? std::string() : payload);
    case k::close: {
      if (!o.code) return "a close frame without a status code";
      std::string s = "a close frame with code " + std::to_string(*o.code);
      if (o.code_out_of_range) s += " (outside every range of RFC 6455 7.4.2)";
      if (!o.preview.empty()) s += " and reason " + payload_text(o.preview, o.size, 40);
      return s;
    }
    case k::broke_rule:
      return o.rule.frame != codec::protocol_error::none ? "an invalid frame: " + describe(o.rule)
                                                         : describe(o.rule);
    case k::tcp_end:
      return (o.reset ? "a TCP reset" : "the TCP connection closed by the target") +
             inside_frame(o);
    case k::idle_timeout: {
      if (o.bound)
        return "an answer without end: the case's time bound ran out while the target kept "
               "sending" +
               (o.length ? inside_frame(o)
                : o.size ? " (" + std::to_string(o.size) + " bytes of a response head so far)"
                         : std::string());
      char buf[64];
      std::snprintf(buf, sizeof buf, "nothing for %.0f ms (time-out)", o.idle_ms);
      return buf + inside_frame(o);
    }
    case k::liveness:
      return o.alive ? "liveness check: a new connection completed a handshake and an echo"
                     : "liveness check failed: " + o.detail;
    case k::not_connected:
      return "no connection: " + o.detail;
    case k::rounds_omitted:
      return std::to_string(o.count) + " more rounds like the ones above, each as expected";
  }
  return "?";
}

std::string_view to_string(observation::kind k) noexcept {
  using kind = observation::kind;
  switch (k) {
    case kind::sent_request:
      return "sent_request";
    case kind::sent_response:
      return "sent_response";
    case kind::request:
      return "request";
    case kind::tls_hello:
      return "tls_hello";
    case kind::sent_frame:
      return "sent_frame";
    case kind::sent_message:
      return "sent_message";
    case kind::sent_raw:
      return "sent_raw";
    case kind::sent_barrier:
      return "sent_barrier";
    case kind::sent_close:
      return "sent_close";
    case kind::sent_pong:
      return "sent_pong";
    case kind::sent_fin:
      return "sent_fin";
    case kind::write_stopped:
      return "write_stopped";
    case kind::response:
      return "response";
    case kind::fragment:
      return "fragment";
    case kind::message:
      return "message";
    case kind::ping:
      return "ping";
    case kind::pong:
      return "pong";
    case kind::close:
      return "close";
    case kind::broke_rule:
      return "broke_rule";
    case kind::tcp_end:
      return "tcp_end";
    case kind::idle_timeout:
      return "idle_timeout";
    case kind::liveness:
      return "liveness";
    case kind::not_connected:
      return "not_connected";
    case kind::rounds_omitted:
      return "rounds_omitted";
  }
  return "?";
}

std::string transcript_line(const observation& o) {
  char stamp[32];
  const char dir = o.from_target()                              ? '<'
                   : o.what >= observation::kind::liveness      ? '*'
                   : o.what == observation::kind::write_stopped ? '*'
                                                                : '>';
  std::snprintf(stamp, sizeof stamp, "%8.1fms %c ", o.t_ms, dir);
  return stamp + describe(o);
}

}  // namespace wsspec
