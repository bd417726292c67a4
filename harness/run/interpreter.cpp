#include "run/interpreter.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <random>

#include "run/payload.hpp"
#include "wsspec/codec/close.hpp"
#include "wsspec/codec/frame_decoder.hpp"
#include "wsspec/codec/handshake.hpp"
#include "wsspec/codec/http.hpp"
#include "wsspec/codec/message_assembler.hpp"

namespace wsspec {

namespace {

namespace codec = wsspec::codec;
using ms = std::chrono::milliseconds;

// Something the target did, as the interpreter sees it.
struct event {
  enum class kind { message, ping, pong, close, drop, timeout, violation, handshake };
  explicit event(kind k) : what(k) {}
  kind what;
  std::uint8_t opcode = 0;
  std::string data;                   // message / ping / pong payload, close reason
  std::optional<std::uint16_t> code;  // close
  io_status io = io_status::ok;       // drop: eof or reset
  std::string detail;                 // violation / drop / timeout description
  int status = 0;                     // handshake
  codec::http_fields fields;          // handshake
};

std::string describe(const event& e) {
  switch (e.what) {
    case event::kind::message:
      return std::string(e.opcode == 1 ? "a text" : "a binary") + " message of " + preview(e.data);
    case event::kind::ping:
      return "a ping of " + preview(e.data);
    case event::kind::pong:
      return "a pong of " + preview(e.data);
    case event::kind::close:
      return e.code ? "a close frame with code " + std::to_string(*e.code) +
                          (e.data.empty() ? "" : " and reason " + preview(e.data, 40))
                    : std::string("a close frame without a status code");
    case event::kind::drop:
      return e.io == io_status::reset ? "a TCP reset" : "the TCP connection closed by the target";
    case event::kind::timeout:
      return "nothing (time-out)";
    case event::kind::violation:
      return "an invalid frame: " + e.detail;
    case event::kind::handshake:
      return "an HTTP " + std::to_string(e.status) + " response";
  }
  return "?";
}

std::string describe(const expect_event& e) {
  auto codes = [](const std::vector<std::uint16_t>& cs) {
    std::string s;
    for (auto c : cs) s += (s.empty() ? "" : "/") + std::to_string(c);
    return s;
  };
  switch (e.what) {
    case expect_event::kind::message:
      return std::string(!e.opcode        ? "a"
                         : *e.opcode == 1 ? "a text"
                                          : "a binary") +
             (e.echo ? " message echoing what was sent" : " message");
    case expect_event::kind::pong:
      return e.echo ? "a pong echoing the ping's payload" : "a pong";
    case expect_event::kind::close:
      return e.codes.empty() ? "a close frame" : "a close frame with code " + codes(e.codes);
    case expect_event::kind::fail:
      return "the target failing the connection (close " +
             (e.codes.empty() ? std::string("with any code") : codes(e.codes)) + ", or a TCP drop)";
    case expect_event::kind::drop:
      return "the TCP connection to end";
    case expect_event::kind::silence:
      return "nothing until the time-out";
    case expect_event::kind::any:
      return "any valid frames";
    case expect_event::kind::handshake: {
      std::string s;
      for (int st : e.statuses) s += (s.empty() ? "" : "/") + std::to_string(st);
      std::string h;
      for (const auto& [name, value] : e.headers)
        h += (h.empty() ? " with " : " and ") + name + (value.empty() ? "" : ": " + value);
      return "an HTTP " + s + " response" + h;
    }
  }
  return "?";
}

class case_runner {
 public:
  case_runner(const test_case& c, const run_options& o)
      : case_(c), options_(o), rng_(static_cast<std::uint32_t>(std::hash<std::string>{}(c.id))) {
    assembler_options ao;
    ao.max_message_size = o.max_message_size;
    assembler_ = codec::message_assembler(ao);
    result_.id = c.id;
    result_.area = c.area;
    result_.title = c.title;
    result_.autobahn = c.autobahn;
    result_.rfc = c.rfc;
    result_.requirements = c.requirements;
    result_.why = c.why;
    result_.tags = c.tags;
  }

  // Whether an expectation or the connection itself ended by a time-out: a target that stopped
  // answering, as opposed to one that answered wrongly.
  bool saw_timeout() const { return saw_timeout_; }

  case_result run() {
    start_ = clock::now();
    const std::uint32_t timeout = options_.timeout_ms ? options_.timeout_ms : case_.timeout_ms;
    deadline_ = start_ + ms(timeout);
    run_steps();
    if (!result_.connect_failed &&
        (case_.check_alive || (options_.check_alive_when_suspicious && suspicious())))
      check_alive();
    finish_closing();
    if (conn_) conn_->close();
    result_.overall = combine(result_.data, result_.closing);
    result_.duration_ms = std::chrono::duration<double, std::milli>(clock::now() - start_).count();
    return std::move(result_);
  }

 private:
  using assembler_options = codec::assembler_options;

  // ---- transcript ------------------------------------------------------------------------
  void note(char dir, const std::string& text) {
    if (result_.transcript.size() >= options_.max_transcript_lines) {
      if (result_.transcript.size() == options_.max_transcript_lines)
        result_.transcript.push_back("(further lines left out)");
      return;
    }
    char stamp[32];
    const double t = std::chrono::duration<double, std::milli>(clock::now() - start_).count();
    std::snprintf(stamp, sizeof stamp, "%8.1fms %c ", t, dir);
    result_.transcript.push_back(stamp + text);
  }

  void fail_data(const std::string& why) {
    if (result_.data != verdict::fail && result_.data != verdict::error) {
      result_.data = verdict::fail;
      result_.reason = why;
    }
    data_failed_ = true;
  }

  void set_closing(verdict v, const std::string& why) {
    result_.closing = v;
    result_.closing_reason = why;
  }

  // ---- liveness --------------------------------------------------------------------------
  bool suspicious() const { return (tcp_gone_ && !peer_sent_close_) || saw_timeout_; }

  // RFC 6455 10.4 lets a server limit what one peer may cost it, not stop serving the others:
  // checked on a second connection while this one is still open, so a server stuck on this
  // connection's input is caught too.
  void check_alive() {
    run_options probe = options_;
    probe.check_alive_when_suspicious = false;
    std::string why;
    result_.alive = check_liveness(probe, why);
    if (result_.alive == case_result::liveness::alive) {
      note('*', "liveness check: a new connection completed a handshake and an echo");
      return;
    }
    const std::string what =
        result_.alive == case_result::liveness::dead ? "the target died: " : "the target hangs: ";
    note('*', "liveness check failed: " + what + why);
    result_.data = verdict::fail;
    result_.reason = what +
                     "after this case the target no longer completes a handshake and echo "
                     "on a new connection: " +
                     why + " (RFC 6455 10.4)";
    data_failed_ = true;
  }

  // ---- connection ------------------------------------------------------------------------
  bool connect() {
    std::string error;
    conn_ = connection::open(options_.url, options_.tls, deadline_, error);
    if (!conn_) {
      saw_timeout_ = error.find("timed out") != std::string::npos;
      result_.data = verdict::error;
      result_.connect_failed = true;
      result_.reason = "could not connect to " + options_.url.to_string() + ": " + error;
      note('*', result_.reason);
      return false;
    }
    return true;
  }

  bool write(std::string_view bytes, const write_shape& shape, const std::string& what) {
    note('>', what);
    if (tcp_gone_) return false;
    const auto r =
        conn_->write(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
                     deadline_, shape.chunk, ms(shape.delay_ms));
    if (r.status != io_status::ok) {
      // Not a verdict by itself: a target that fails the connection may stop reading. What it
      // sent (a close, a drop) is judged by the expectations.
      note('*', "write stopped after " + std::to_string(r.bytes) + " bytes: " + r.message);
      return false;
    }
    return true;
  }

  // ---- sending ---------------------------------------------------------------------------
  codec::mask_key random_key() {
    codec::mask_key k;
    const std::uint32_t v = rng_();
    for (int i = 0; i < 4; ++i) k[i] = static_cast<std::uint8_t>(v >> (8 * i));
    return k;
  }

  std::string encode(std::uint8_t opcode, bool fin, std::uint8_t rsv, bool masked,
                     std::optional<codec::mask_key> key, codec::length_form form,
                     std::optional<std::uint64_t> length, const std::string& payload) {
    codec::frame_header h;
    h.fin = fin;
    h.rsv = static_cast<std::uint8_t>(rsv << 4);
    h.op = codec::make_opcode(opcode);
    h.masked = masked;
    if (masked) h.key = key ? *key : random_key();
    h.payload_length = length ? *length : payload.size();
    std::array<std::uint8_t, codec::max_header_size> head;
    const std::size_t hn = codec::encode_header(h, head, form);
    std::string out(reinterpret_cast<const char*>(head.data()), hn);
    const std::size_t body = out.size();
    out += payload;
    if (masked)
      codec::apply_mask(
          std::span(reinterpret_cast<std::uint8_t*>(out.data()) + body, payload.size()), h.key);
    return out;
  }

  static std::string frame_summary(std::uint8_t opcode, bool fin, std::uint8_t rsv,
                                   const std::string& payload, std::optional<std::uint64_t> len) {
    std::string s = "frame " + std::string(codec::to_string(codec::make_opcode(opcode))) +
                    " fin=" + (fin ? "1" : "0");
    if (rsv) s += " rsv=" + std::to_string(rsv);
    if (len) s += " length-field=" + std::to_string(*len);
    return s + " payload " + preview(payload);
  }

  void do_send(const send_frame& f) {
    const std::string payload = materialize(f.payload);
    if (f.opcode == 0x1 || f.opcode == 0x2) {
      last_message_ = payload;
    } else if (f.opcode == 0x0) {
      last_message_ += payload;
    } else if (f.opcode == 0x9) {
      last_ping_ = payload;
    } else if (f.opcode == 0x8) {
      we_sent_close_ = true;
    }
    std::string wire;
    for (std::uint32_t i = 0; i < f.count; ++i)
      wire += encode(f.opcode, f.fin, f.rsv, f.masked, f.key, f.form, f.length, payload);
    if (f.opcode == 0x0 && f.count > 1)
      for (std::uint32_t i = 1; i < f.count; ++i) last_message_ += payload;
    write(wire, f.shape,
          (f.count > 1 ? std::to_string(f.count) + " x " : std::string()) +
              frame_summary(f.opcode, f.fin, f.rsv, payload, f.length));
  }

  void do_send(const send_message& m) {
    const std::string payload = materialize(m.payload);
    last_message_ = payload;
    const std::size_t step = m.fragment_size ? static_cast<std::size_t>(m.fragment_size)
                                             : std::max<std::size_t>(payload.size(), 1);
    std::string wire;
    std::size_t frames = 0;
    for (std::uint32_t n = 0; n < m.count; ++n) {
      std::size_t first = frames;
      for (std::size_t pos = 0; pos == 0 || pos < payload.size(); pos += step) {
        const std::string part = payload.substr(pos, step);
        const bool fin = pos + step >= payload.size();
        wire += encode(frames == first ? m.opcode : 0, fin, 0, true, std::nullopt,
                       codec::length_form::minimal, std::nullopt, part);
        ++frames;
      }
    }
    write(wire, m.shape,
          (m.count > 1 ? std::to_string(m.count) + " x " : std::string()) +
              (m.opcode == 1 ? "text" : "binary") + " message in " + std::to_string(frames) +
              " frame(s), payload " + preview(payload));
  }

  void do_send(const send_raw& r) { write(r.bytes, r.shape, "raw " + preview(r.bytes)); }

  void do_send(const handshake_spec& h) {
    std::array<std::uint8_t, 16> nonce;
    for (auto& b : nonce) b = static_cast<std::uint8_t>(rng_());
    key_ = codec::make_key(nonce);
    std::string head;
    if (h.raw) {
      head = *h.raw;
    } else {
      codec::client_request req = codec::default_request(
          options_.url.host_header(), h.target ? *h.target : options_.url.resource, key_);
      req.method = h.method;
      req.version = h.version;
      for (const auto& name : h.remove) codec::remove_fields(req.fields, name);
      for (const auto& [name, value] : h.set) codec::set_field(req.fields, name, value);
      for (const auto& [name, value] : h.add) req.fields.push_back({name, value});
      head = req.serialize();
    }
    remember_offers(head);
    awaiting_handshake_ = true;
    established_ = refused_ = false;
    write(head + h.trailing, {}, "opening handshake request " + preview(head, 48));
  }

  // The subprotocols and extensions the request offered, so a 101 is checked against what was
  // actually sent (RFC 6455 4.1: the server may only pick from the offers).
  void remember_offers(const std::string& head) {
    offered_protocols_.clear();
    offered_extensions_.clear();
    // A case may set its own key: the 101 must answer the key that was sent (RFC 6455 4.2.2).
    // Read off the raw head, which need not parse (that may be what the case is about).
    if (auto sent = first_key_line(head)) key_ = std::move(*sent);
    codec::http_request req;
    if (!codec::parse_request(head, req, generous_limits()).complete()) return;
    for (auto p : codec::field_list(req.fields, "Sec-WebSocket-Protocol"))
      offered_protocols_.emplace_back(p);
    std::vector<codec::extension_offer> offers;
    for (auto v : codec::field_values(req.fields, "Sec-WebSocket-Extensions"))
      codec::parse_extensions(v, offers);
    for (const auto& o : offers) offered_extensions_.push_back(o.name);
  }

  // What wsspec itself reads of HTTP: its own requests (a case may send a 1 MiB header line)
  // and the responses, which may echo what the request offered. Well beyond what servers
  // accept, and still bounded.
  static codec::http_limits generous_limits() {
    codec::http_limits l;
    l.max_head_bytes = 4 << 20;
    l.max_line_bytes = 2 << 20;
    l.max_header_count = 4000;
    return l;
  }

  // The value of the first Sec-WebSocket-Key line of a request head, trimmed.
  static std::optional<std::string> first_key_line(const std::string& head) {
    static constexpr std::string_view name = "sec-websocket-key:";
    std::size_t line = head.find("\r\n");
    while (line != std::string::npos && line + 2 < head.size()) {
      const std::size_t start = line + 2;
      const std::size_t end = head.find("\r\n", start);
      const std::string_view l(head.data() + start,
                               (end == std::string::npos ? head.size() : end) - start);
      if (l.empty()) break;
      if (l.size() >= name.size() &&
          std::equal(name.begin(), name.end(), l.begin(), [](char a, char b) {
            return a == static_cast<char>(std::tolower(static_cast<unsigned char>(b)));
          })) {
        std::string_view v = l.substr(name.size());
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
        return std::string(v);
      }
      line = end;
    }
    return std::nullopt;
  }

  // ---- receiving -------------------------------------------------------------------------
  // Reads more bytes into inbox_. Returns a drop/timeout event when nothing more can come.
  std::optional<event> fill(clock::time_point until) {
    if (tcp_gone_) {
      event e(event::kind::drop);
      e.io = drop_status_;
      return e;
    }
    std::array<std::uint8_t, 65536> buf;
    const auto r = conn_->read_some(buf, until);
    if (r.status == io_status::ok) {
      inbox_.append(reinterpret_cast<const char*>(buf.data()), r.bytes);
      return std::nullopt;
    }
    if (r.status == io_status::timeout) {
      saw_timeout_ = true;
      event e(event::kind::timeout);
      return e;
    }
    tcp_gone_ = true;
    drop_status_ = r.status;
    event e(event::kind::drop);
    e.io = r.status;
    e.detail = r.message;
    note('<',
         r.status == io_status::reset ? "TCP reset" : "TCP connection closed (" + r.message + ")");
    return e;
  }

  event read_handshake(clock::time_point until) {
    codec::response_parser parser(generous_limits());
    while (true) {
      const auto pr = parser.parse(inbox_);
      if (pr.status == codec::http_parse_status::complete) {
        awaiting_handshake_ = false;
        event e(event::kind::handshake);
        const auto& resp = parser.get();
        e.status = resp.status;
        e.fields = resp.fields;
        if (const auto* server = codec::find_field(resp.fields, "Server"))
          result_.server_header = server->value.substr(0, 200);
        note('<', "HTTP " + std::to_string(resp.status) + " " +
                      preview(inbox_.substr(0, pr.consumed), 48));
        inbox_.erase(0, pr.consumed);
        if (resp.status == 101) {
          const auto v =
              codec::validate_response(resp, key_, offered_protocols_, offered_extensions_);
          if (v.error != codec::response_error::none) {
            e.detail =
                "invalid 101 response: " + v.message + " (RFC 6455 " + std::string(v.section) + ")";
            if (result_.target_violation.empty()) result_.target_violation = e.detail;
          } else {
            established_ = true;
          }
        } else {
          refused_ = true;
        }
        return e;
      }
      if (pr.status == codec::http_parse_status::error) {
        awaiting_handshake_ = false;
        event e(event::kind::violation);
        const bool limit = pr.error == codec::http_error::start_line_too_long ||
                           pr.error == codec::http_error::field_line_too_long ||
                           pr.error == codec::http_error::too_many_fields ||
                           pr.error == codec::http_error::head_too_large;
        if (limit) {
          // wsspec's own bound, not a rule the target broke.
          e.detail = "an HTTP response larger than wsspec reads: " +
                     std::string(codec::describe(pr.error));
        } else {
          e.detail = "a malformed HTTP response: " + std::string(codec::describe(pr.error)) +
                     " (RFC 6455 4.2.2; RFC 9112 2)";
          if (result_.target_violation.empty()) result_.target_violation = e.detail;
        }
        return e;
      }
      if (auto stop = fill(until)) return *stop;
    }
  }

  // The next thing the target did. Pings are answered here and not reported (RFC 6455 5.5.2
  // allows a peer to ping at any time).
  event next_event(clock::time_point until) {
    if (awaiting_handshake_) return read_handshake(until);
    // After a refusal the target speaks HTTP (a body, perhaps another response), never frames.
    while (refused_) {
      inbox_.clear();
      if (auto stop = fill(until)) return *stop;
    }
    while (true) {
      while (!inbox_.empty()) {
        std::span<const std::uint8_t> in(reinterpret_cast<const std::uint8_t*>(inbox_.data()),
                                         inbox_.size());
        const bool frame_starts_here = decoder_.at_frame_boundary();
        const auto r = decoder_.next(in);
        std::optional<event> ev;
        if (r.status == codec::decode_status::error) {
          // Show the offending header when it is at hand, so the reason says what was sent.
          ev = violation(r.error, frame_starts_here ? inbox_.substr(0, codec::max_header_size)
                                                    : std::string());
        } else if (r.status == codec::decode_status::frame ||
                   r.status == codec::decode_status::payload) {
          ev = on_frame_bytes(r);
        }
        inbox_.erase(0, r.consumed);
        if (ev) {
          if (ev->what == event::kind::ping) {
            answer_ping(ev->data);
            continue;
          }
          return *ev;
        }
        if (r.status == codec::decode_status::need_more) break;
      }
      if (auto stop = fill(until)) return *stop;
    }
  }

  event violation(codec::protocol_error e, const std::string& header_bytes = {}) {
    event ev(event::kind::violation);
    const std::string_view section = codec::rfc_section(e);
    ev.detail =
        std::string(codec::describe(e)) + " (" +
        (section.starts_with("RFC ") ? std::string(section) : "RFC 6455 " + std::string(section)) +
        ")";
    if (!header_bytes.empty()) ev.detail += "; the frame's first " + preview(header_bytes, 14);
    if (result_.target_violation.empty()) result_.target_violation = ev.detail;
    note('<', "invalid frame: " + ev.detail);
    inbox_.clear();
    return ev;
  }

  std::optional<event> on_frame_bytes(const codec::decode_result& r) {
    if (r.status == codec::decode_status::frame) {
      if (auto e = assembler_.begin_frame(r.header); e != codec::protocol_error::none)
        return violation(e);
    }
    if (!r.payload.empty()) {
      if (auto e = assembler_.append(r.payload); e != codec::protocol_error::none)
        return violation(e);
    }
    if (!r.frame_complete) return std::nullopt;
    codec::assembled what;
    if (auto e = assembler_.end_frame(what); e != codec::protocol_error::none) return violation(e);
    if (what == codec::assembled::nothing) {
      note('<', "frame " + std::string(codec::to_string(r.header.op)) + " fin=0 length " +
                    std::to_string(r.header.payload_length));
      return std::nullopt;
    }
    event ev(event::kind::message);
    if (what == codec::assembled::message) {
      ev.opcode = static_cast<std::uint8_t>(assembler_.message_opcode());
      const auto m = assembler_.message();
      ev.data.assign(reinterpret_cast<const char*>(m.data()), m.size());
    } else {
      const auto p = assembler_.control_payload();
      ev.data.assign(reinterpret_cast<const char*>(p.data()), p.size());
      switch (assembler_.control_opcode()) {
        case codec::opcode::ping:
          ev.what = event::kind::ping;
          break;
        case codec::opcode::pong:
          ev.what = event::kind::pong;
          break;
        default: {
          ev.what = event::kind::close;
          ev.code = assembler_.close().code;
          ev.data = std::string(assembler_.close().reason);
          result_.remote_close_code = ev.code;
          peer_sent_close_ = true;
        }
      }
    }
    note('<', "frame " + std::string(codec::to_string(r.header.op)) + " fin=1 length " +
                  std::to_string(r.header.payload_length) + ": " + describe(ev));
    return ev;
  }

  void answer_ping(const std::string& payload) {
    if (we_sent_close_) return;
    const std::string wire = encode(0xA, true, 0, true, std::nullopt, codec::length_form::minimal,
                                    std::nullopt, payload);
    write(wire, {}, "pong answering the target's ping");
  }

  // ---- matching --------------------------------------------------------------------------
  bool matches(const expect_event& x, const event& e, verdict& close_grade,
               std::string& close_why) {
    switch (x.what) {
      case expect_event::kind::message:
        if (e.what != event::kind::message) return false;
        if (x.opcode && *x.opcode != e.opcode) return false;
        if (x.echo) return e.data == last_message_;
        return !x.payload || e.data == materialize(*x.payload);
      case expect_event::kind::pong:
        if (e.what != event::kind::pong) return false;
        if (x.echo) return e.data == last_ping_;
        return !x.payload || e.data == materialize(*x.payload);
      case expect_event::kind::close:
        if (e.what != event::kind::close) return false;
        return x.codes.empty() || (e.code && std::count(x.codes.begin(), x.codes.end(), *e.code));
      case expect_event::kind::fail:
        // RFC 6455 7.1.7: the endpoint SHOULD send a close frame with a fitting code first;
        // dropping TCP straight away, or a close with another code, is allowed but weaker.
        if (e.what == event::kind::close) {
          if (!x.codes.empty() &&
              (!e.code || !std::count(x.codes.begin(), x.codes.end(), *e.code))) {
            close_grade = verdict::non_strict;
            close_why = "the target failed the connection with " + describe(e) + " where code(s) " +
                        codes_text(x.codes) + " fit the error better (RFC 6455 7.4.1)";
          }
          return true;
        }
        if (e.what == event::kind::drop) {
          close_grade = verdict::non_strict;
          close_why =
              "the target dropped the TCP connection without sending a close frame first "
              "(RFC 6455 7.1.7: it SHOULD send one, with code " +
              codes_text(x.codes) + ")";
          return true;
        }
        return false;
      case expect_event::kind::drop:
        return e.what == event::kind::drop;
      case expect_event::kind::silence:
        return e.what == event::kind::timeout;
      case expect_event::kind::any:
        // Handled in do_expect, which knows the event after it.
        return false;
      case expect_event::kind::handshake: {
        if (e.what != event::kind::handshake) return false;
        if (!x.statuses.empty() && !std::count(x.statuses.begin(), x.statuses.end(), e.status))
          return false;
        for (const auto& [name, value] : x.headers) {
          // [name, ""]: the response must not have the header; [name, token]: it must list it.
          if (value.empty() ? codec::count_fields(e.fields, name) != 0
                            : !codec::field_contains_token(e.fields, name, value))
            return false;
        }
        return true;
      }
    }
    return false;
  }

  static std::string codes_text(const std::vector<std::uint16_t>& cs) {
    std::string s;
    for (auto c : cs) s += (s.empty() ? "" : "/") + std::to_string(c);
    return s.empty() ? "any" : s;
  }

  // Reads events until one alternative has seen all its events (in order), or none can.
  void do_expect(const expect_step& x) {
    const auto until =
        x.timeout_ms ? std::min(deadline_, clock::now() + ms(x.timeout_ms)) : deadline_;
    const std::size_t n = x.alternatives.size();
    std::vector<std::size_t> pos(n, 0);
    std::vector<bool> alive(n, true);
    std::vector<verdict> close_grade(n, verdict::pass);
    std::vector<std::string> close_why(n);
    std::vector<std::string> seen;
    while (true) {
      for (std::size_t i = 0; i < n; ++i) {
        if (alive[i] && pos[i] == x.alternatives[i].events.size())
          return decide(x.alternatives[i], close_grade[i], close_why[i]);
      }
      const event e = next_event(until);
      if (e.what == event::kind::handshake && !e.detail.empty()) {
        fail_data("the target's handshake response is invalid: " + e.detail);
        return;
      }
      bool any = false;
      bool wanted_pong = false;
      for (std::size_t i = 0; i < n; ++i) {
        if (!alive[i]) continue;
        const auto& events = x.alternatives[i].events;
        const auto& want = events[pos[i]];
        wanted_pong |= want.what == expect_event::kind::pong;
        if (want.what == expect_event::kind::any) {
          // A lazy wildcard: the event after it wins when it matches; valid frames are
          // swallowed; as the last event it ends with the connection or the time-out.
          const bool last = pos[i] + 1 == events.size();
          if (!last && matches(events[pos[i] + 1], e, close_grade[i], close_why[i])) {
            pos[i] += 2;
            any = true;
          } else if (last && (e.what == event::kind::drop || e.what == event::kind::timeout)) {
            ++pos[i];
            any = true;
          } else if (e.what == event::kind::message || e.what == event::kind::pong ||
                     e.what == event::kind::close) {
            any = true;
          } else {
            alive[i] = false;
          }
          continue;
        }
        if (matches(want, e, close_grade[i], close_why[i])) {
          ++pos[i];
          any = true;
        } else {
          alive[i] = false;
        }
      }
      if (!any && e.what == event::kind::pong && !wanted_pong) {
        // An unsolicited pong is allowed (RFC 6455 5.5.3) and changes nothing.
        for (std::size_t i = 0; i < n; ++i)
          alive[i] = alive[i] || pos[i] < x.alternatives[i].events.size();
        note('*', "unsolicited pong ignored (RFC 6455 5.5.3)");
        continue;
      }
      seen.push_back(describe(e));
      if (!any) {
        mismatch(x, e, seen);
        return;
      }
    }
  }

  void decide(const alternative& a, verdict close_grade, const std::string& close_why) {
    if (a.grade != verdict::pass) {
      if (result_.data == verdict::pass || result_.data == verdict::info) {
        result_.data = a.grade;
        result_.reason = a.note;
      }
    }
    if (close_grade != verdict::pass) pending_close_ = {close_grade, close_why};
  }

  void mismatch(const expect_step& x, const event& got, const std::vector<std::string>& seen) {
    std::string expected;
    for (const auto& a : x.alternatives) {
      std::string seq;
      for (const auto& ev : a.events) seq += (seq.empty() ? "" : ", then ") + describe(ev);
      expected += (expected.empty() ? "" : "; or ") + seq;
    }
    std::string reason = "expected " + expected + "; got " + describe(got);
    if (seen.size() > 1)
      reason += " (after " + std::to_string(seen.size() - 1) + " matching event(s))";
    if (got.what == event::kind::timeout)
      reason = "expected " + expected + "; nothing arrived before the time-out";
    // A violation names its own RFC section; the case's sections would only repeat it.
    fail_data(got.what == event::kind::violation ? reason : reason + why_suffix());
  }

  std::string why_suffix() const {
    if (case_.rfc.empty()) return "";
    // Sections of RFC 6455 are written bare ("5.2"), others with their RFC ("RFC 7692 7.2.1").
    std::string s = " (";
    for (std::size_t i = 0; i < case_.rfc.size(); ++i) {
      const std::string& sec = case_.rfc[i];
      s += (i ? ", " : "") + (sec.starts_with("RFC ") ? sec : "RFC 6455 " + sec);
    }
    return s + ")";
  }

  // ---- the case --------------------------------------------------------------------------
  void run_steps() {
    if (!connect()) return;
    const bool custom_handshake =
        !case_.steps.empty() && std::holds_alternative<handshake_spec>(case_.steps.front());
    if (!custom_handshake) {
      do_send(handshake_spec{});
      const event e = read_handshake(deadline_);
      if (e.what != event::kind::handshake || e.status != 101 || !e.detail.empty()) {
        fail_data("the opening handshake failed: expected a valid HTTP 101 response, got " +
                  describe(e) + (e.detail.empty() ? "" : ": " + e.detail) +
                  " (RFC 6455 4.1, 4.2.2)");
        return;
      }
    }
    for (std::uint32_t round = 0; round < case_.repeat; ++round) {
      for (const auto& s : case_.steps) {
        if (round > 0 && std::holds_alternative<handshake_spec>(s)) continue;
        // Once the target has closed or failed the connection the outcome is decided; the
        // steps written for a target that did not are skipped.
        if ((tcp_gone_ || peer_sent_close_) && !awaiting_handshake_) {
          note('*', "the connection has ended; remaining steps skipped");
          return;
        }
        std::visit([this](const auto& st) { this->step(st); }, s);
        if (data_failed_) return;
      }
    }
  }

  void step(const expect_step& x) { do_expect(x); }
  template <typename Send>
  void step(const Send& s) {
    do_send(s);
  }

  // Closing behaviour (RFC 6455 5.5.1, 7.1.1-7.1.7), graded apart from the data exchange.
  void finish_closing() {
    if (!conn_ || result_.connect_failed) return;
    if (data_failed_) {
      set_closing(verdict::info, "not judged: the data exchange already failed");
      if (!tcp_gone_) conn_->close();
      return;
    }
    const auto close_deadline = std::min(deadline_ + ms(options_.close_timeout_ms),
                                         clock::now() + ms(options_.close_timeout_ms));
    if (pending_close_) set_closing(pending_close_->first, pending_close_->second);
    if (peer_sent_close_ || tcp_gone_) result_.target_failed_connection = !we_sent_close_;
    if (tcp_gone_) return;
    if (!established_) return;  // a refused handshake: nothing more to close

    if (!peer_sent_close_) {
      if (!case_.close_at_end && !we_sent_close_) return;
      if (!we_sent_close_) {
        we_sent_close_ = true;
        const auto body = codec::make_close_body(1000);
        write(encode(0x8, true, 0, true, std::nullopt, codec::length_form::minimal, std::nullopt,
                     std::string(body.begin(), body.end())),
              {}, "close 1000");
      }
      // Data may still arrive before the target's close (RFC 6455 5.5.1); it is not judged.
      while (true) {
        const event e = next_event(close_deadline);
        if (e.what == event::kind::close) break;
        if (e.what == event::kind::timeout) {
          set_closing(verdict::fail,
                      "the target did not answer wsspec's close frame within " +
                          std::to_string(options_.close_timeout_ms) +
                          " ms (RFC 6455 5.5.1: it MUST send a close frame in response)");
          return;
        }
        if (e.what == event::kind::drop) {
          set_closing(verdict::non_strict,
                      "the target closed TCP without answering wsspec's close frame "
                      "(RFC 6455 5.5.1 says it must send a close frame in response)");
          return;
        }
        if (e.what == event::kind::violation) {
          set_closing(verdict::fail, "while closing, the target sent " + describe(e));
          return;
        }
      }
      if (result_.remote_close_code && *result_.remote_close_code != 1000 &&
          result_.closing == verdict::pass)
        set_closing(verdict::non_strict, "the target answered close 1000 with code " +
                                             std::to_string(*result_.remote_close_code) +
                                             " (RFC 6455 5.5.1: it typically echoes the code)");
    } else if (!we_sent_close_) {
      // RFC 6455 5.5.1: answer the target's close; echo its code when it gave a valid one.
      we_sent_close_ = true;
      std::string body;
      if (result_.remote_close_code) {
        const auto b = codec::make_close_body(*result_.remote_close_code);
        body.assign(b.begin(), b.end());
      }
      write(
          encode(0x8, true, 0, true, std::nullopt, codec::length_form::minimal, std::nullopt, body),
          {}, "close answering the target's close");
    }
    // RFC 6455 7.1.1: after the closing handshake the server closes TCP first.
    while (!tcp_gone_) {
      const event e = next_event(close_deadline);
      if (e.what == event::kind::timeout) {
        if (result_.closing == verdict::pass)
          set_closing(verdict::non_strict,
                      "after the closing handshake the target did not close the TCP connection "
                      "within " +
                          std::to_string(options_.close_timeout_ms) +
                          " ms (RFC 6455 7.1.1: the server should close it first)");
        return;
      }
      if (e.what == event::kind::violation) {
        set_closing(verdict::fail, "after the closing handshake, the target sent " + describe(e));
        return;
      }
      if (e.what == event::kind::message || e.what == event::kind::close) {
        set_closing(verdict::fail, "after its close frame, the target sent " + describe(e) +
                                       " (RFC 6455 5.5.1: no data after a close frame)");
        return;
      }
    }
  }

  const test_case& case_;
  const run_options& options_;
  std::mt19937 rng_;
  case_result result_;
  clock::time_point start_, deadline_;
  std::unique_ptr<connection> conn_;
  std::string inbox_;
  codec::frame_decoder decoder_{codec::decoder_options::client()};
  codec::message_assembler assembler_;
  std::string key_;
  std::string last_message_, last_ping_;
  std::vector<std::string> offered_protocols_, offered_extensions_;
  bool awaiting_handshake_ = false;
  bool established_ = false;
  bool tcp_gone_ = false;
  io_status drop_status_ = io_status::eof;
  bool we_sent_close_ = false;
  bool peer_sent_close_ = false;
  bool data_failed_ = false;
  bool refused_ = false;  // the handshake got an answer other than 101
  bool saw_timeout_ = false;
  std::optional<std::pair<verdict, std::string>> pending_close_;
};

}  // namespace

case_result run_case(const test_case& c, const run_options& options) {
  return case_runner(c, options).run();
}

case_result::liveness check_liveness(const run_options& options, std::string& reason) {
  static const test_case probe = [] {
    test_case c;
    c.id = "liveness-probe";
    c.timeout_ms = 3000;
    send_message m;
    m.payload.bytes = "wsspec liveness probe";
    c.steps.push_back(m);
    expect_event e;
    e.what = expect_event::kind::message;
    e.echo = true;
    expect_step x;
    x.alternatives.push_back({verdict::pass, {e}, ""});
    c.steps.push_back(x);
    return c;
  }();
  run_options o = options;
  o.timeout_ms = 0;  // the probe's own 3 s, whatever --timeout says
  o.check_alive_when_suspicious = false;
  case_runner runner(probe, o);
  const case_result r = runner.run();
  // Only the exchange counts: how the target closes the probe is another case's business.
  if (r.data == verdict::pass) return case_result::liveness::alive;
  reason = r.reason;
  return runner.saw_timeout() ? case_result::liveness::hung : case_result::liveness::dead;
}

}  // namespace wsspec
