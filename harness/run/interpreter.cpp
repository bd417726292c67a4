#include "run/interpreter.hpp"

#include <algorithm>
#include <functional>
#include <random>

#include "judge/closing_grader.hpp"
#include "judge/extension_offer.hpp"
#include "judge/mask_keys.hpp"
#include "judge/payload_digest.hpp"
#include "judge/server_name.hpp"
#include "judge/step_matcher.hpp"
#include "run/deflate_answer.hpp"
#include "run/opening_request.hpp"
#include "run/opening_response.hpp"
#include "run/payload.hpp"
#include "run/raw_frame_flipper.hpp"
#include "run/sent_stream.hpp"
#include "run/stop_request.hpp"
#include "run/target_reader.hpp"
#include "run/wire_encoding.hpp"
#include "wsspec/codec/close.hpp"
#include "wsspec/codec/deflater.hpp"
#include "wsspec/codec/handshake.hpp"
#include "wsspec/codec/http.hpp"
#include "wsspec/codec/permessage_deflate.hpp"
#include "wsspec/reports/observation_text.hpp"

namespace wsspec {

namespace {

namespace codec = wsspec::codec;
using ms = std::chrono::milliseconds;
using kind = observation::kind;

std::uint32_t case_timeout_ms(const test_case& c, const run_options& o) {
  return o.timeout_ms ? o.timeout_ms : c.timeout_ms;
}

// Whether a 101's Sec-WebSocket-Extensions accepts permessage-deflate, valid or not.
bool accepts_deflate(const codec::http_fields& fields) {
  std::vector<codec::extension_offer> accepted;
  for (const auto v : codec::field_values(fields, "Sec-WebSocket-Extensions"))
    codec::parse_extensions(v, accepted);
  return std::any_of(accepted.begin(), accepted.end(), [](const codec::extension_offer& e) {
    codec::deflate_element ignored;
    return codec::parse_deflate_element(e, codec::deflate_element_kind::response, ignored) !=
           codec::deflate_negotiation_error::not_permessage_deflate;
  });
}

// Whether the offer has a permessage-deflate element RFC 7692 7 makes a server decline.
bool offers_invalid_deflate(std::span<const codec::extension_offer> offers) {
  return std::any_of(offers.begin(), offers.end(), [](const codec::extension_offer& e) {
    codec::deflate_element ignored;
    const auto error = codec::parse_deflate_element(e, codec::deflate_element_kind::offer, ignored);
    return error != codec::deflate_negotiation_error::none &&
           error != codec::deflate_negotiation_error::not_permessage_deflate;
  });
}

bool has_event(const expect_step& x, expect_event::kind k) {
  return std::any_of(x.alternatives.begin(), x.alternatives.end(), [k](const alternative& a) {
    return std::any_of(a.events.begin(), a.events.end(),
                       [k](const expect_event& e) { return e.what == k; });
  });
}

class case_runner {
 public:
  case_runner(const test_case& c, const run_options& o)
      : case_(c),
        options_(o),
        keys_(static_cast<std::uint32_t>(std::hash<std::string>{}(c.id))),
        result_(describe_case(c)) {
    io_.run = o.activity ? o.activity : &own_activity_;
  }

  // The roles flipped: the target is a client that opened `conn` to wsspec, and `already_read`
  // is what the listener read of it.
  case_runner(const test_case& c, const run_options& o, std::unique_ptr<connection> conn,
              std::string already_read)
      : case_runner(c, o) {
    peer_ = peer_role::client;
    sent_.peer_is_client();
    accepted_ = std::move(conn);
    already_read_ = std::move(already_read);
  }

  // Whether an expectation or the connection itself ended by a time-out: a target that stopped
  // answering, as opposed to one that answered wrongly.
  bool saw_timeout() const { return saw_timeout_ || (target_ && target_->saw_timeout()); }

  case_result run() {
    start_ = clock::now();
    io_.hard_deadline = start_ + total_bound(case_, options_);
    run_steps();
    end_rounds();
    if (!result_.connect_failed && !stop_requested() &&
        (case_.check_alive || (options_.check_alive_when_suspicious && suspicious())))
      check_alive();
    finish_closing();
    if (conn_) conn_->close();
    // RFC 6455 10.4 / 7.1.7: failing one connection must not take the server down.
    if (options_.check_alive_after_failed_connection && !stop_requested() &&
        result_.target_failed_connection && result_.alive == case_result::liveness::unchecked &&
        result_.data != verdict::error)
      check_alive();
    if (target_ && peer_ == peer_role::client) {
      result_.client_mask_keys = target_->mask_keys();
      // RFC 6455 5.3: each finding of the judge has a chance below 1e-9 with random keys, so
      // it holds on one case's keys too (a run's keys together are judged by serve-cases).
      if (const auto j = judge_mask_keys(result_.client_mask_keys); j.grade == verdict::fail)
        raise_data(verdict::fail, "the client's masking keys are predictable: " + j.reason);
    }
    result_.overall = combine(result_.data, result_.closing);
    if (deflater_ && target_) {
      compression_.received_bytes = target_->inflated_bytes();
      compression_.received_compressed = target_->compressed_bytes();
      result_.compression = compression_;
    }
    result_.duration_ms = std::chrono::duration<double, std::milli>(clock::now() - start_).count();
    // Stopped part-way (SIGINT, SIGTERM): what it saw proves nothing; the run reports it as not
    // run.
    if (stop_requested()) result_.not_run = true;
    return std::move(result_);
  }

 private:
  // ---- verdicts: raised here and nowhere else --------------------------------------------
  void raise_data(verdict v, std::string why, bool overrides = false) {
    if (!overrides && severity(v) <= severity(result_.data)) return;
    result_.data = v;
    result_.reason = std::move(why);
    if (v == verdict::fail || v == verdict::error) data_failed_ = true;
  }

  // ---- the typed transcript --------------------------------------------------------------
  double elapsed_ms() const {
    return std::chrono::duration<double, std::milli>(clock::now() - start_).count();
  }

  void record(observation o) {
    o.t_ms = elapsed_ms();
    if ((o.what == kind::broke_rule ||
         ((o.what == kind::response || o.what == kind::request) && !o.rule.empty())) &&
        result_.first_violation.empty() && limit_hit(o, options_.limits).empty())
      result_.first_violation = o.rule;
    if (quiet_round_) {
      round_events_.push_back(std::move(o));
      return;
    }
    keep(std::move(o));
  }

  void keep(observation o) {
    if (result_.events.size() < options_.max_transcript_lines)
      result_.events.push_back(std::move(o));
  }

  // ---- rounds of a repeated case ---------------------------------------------------------
  // 1000 round trips would fill the transcript (and memory, and results.json) with the same
  // two lines: the first two rounds and the last are kept, and any round that did not go as
  // expected; the routine ones in between become one rounds_omitted line.
  void begin_round() {
    if (quiet_round_) {
      ++omitted_rounds_;
      round_events_.clear();
    }
    quiet_round_ = case_.repeat > 3 && round_ >= 2 && round_ + 1 < case_.repeat;
    if (!quiet_round_) flush_omitted();
  }

  void flush_omitted() {
    if (omitted_rounds_ > 0) {
      observation o = sent(kind::rounds_omitted);
      o.count = omitted_rounds_;
      o.t_ms = std::chrono::duration<double, std::milli>(clock::now() - start_).count();
      omitted_rounds_ = 0;
      keep(std::move(o));
    }
  }

  // The case ended inside a quiet round (it failed, or the target closed): that round is kept.
  void end_rounds() {
    if (!quiet_round_) return;
    quiet_round_ = false;
    flush_omitted();
    for (auto& o : round_events_) keep(std::move(o));
    round_events_.clear();
  }

  observation sent(kind k) {
    observation o;
    o.what = k;
    return o;
  }

  // ---- liveness --------------------------------------------------------------------------
  bool suspicious() const { return (tcp_gone() && !peer_sent_close()) || saw_timeout(); }
  bool tcp_gone() const { return target_ && target_->tcp_gone(); }
  bool peer_sent_close() const { return target_ && target_->peer_sent_close(); }

  // RFC 6455 10.4 lets a server limit what one peer may cost it, not stop serving the others:
  // checked on a second connection while this one is still open, so a server stuck on this
  // connection's input is caught too.
  void check_alive() {
    run_options probe = options_;
    probe.check_alive_when_suspicious = false;
    std::string why;
    result_.alive = check_liveness(probe, why);
    observation o = sent(kind::liveness);
    o.alive = result_.alive == case_result::liveness::alive;
    o.detail = why;
    record(o);
    if (o.alive) return;
    const std::string what =
        result_.alive == case_result::liveness::dead ? "the target died: " : "the target hangs: ";
    // Overrides whatever the exchange earned: a dead target is the finding.
    raise_data(verdict::fail,
               what +
                   "after this case the target no longer completes a handshake "
                   "and echo on a new connection: " +
                   why + " (RFC 6455 10.4)",
               true);
  }

  // ---- connection ------------------------------------------------------------------------
  bool connect() {
    if (peer_ == peer_role::client) {
      conn_ = std::move(accepted_);
      if (!conn_) {
        result_.connect_failed = true;
        raise_data(verdict::error, "no connection from the client");
        return false;
      }
      io_.touch();
      target_.emplace(*conn_, io_, options_.limits, peer_role::client);
      // serve-cases --tls: the listener did the handshake; what the client said in it is the
      // first thing it sent.
      if (conn_->secure()) {
        observation o = sent(kind::tls_hello);
        o.server_name = conn_->client_server_name();
        o.detail = conn_->tls_description();
        record(o);
      }
      return true;
    }
    std::string error;
    const auto deadline =
        std::min(io_.hard_deadline, clock::now() + ms(case_timeout_ms(case_, options_)));
    conn_ = connection::open(options_.url, options_.tls, deadline, error);
    if (!conn_) {
      // Still connecting when time ran out: the target hangs (a refusal comes at once).
      saw_timeout_ = clock::now() >= deadline;
      result_.connect_failed = true;
      observation o = sent(kind::not_connected);
      o.detail = error;
      record(o);
      raise_data(verdict::error, "could not connect to " + options_.url.to_string() + ": " + error);
      return false;
    }
    io_.touch();
    target_.emplace(*conn_, io_, options_.limits);
    return true;
  }

  // `frames`: the bytes belong to the frame stream sent_ models (all but wsspec's HTTP response
  // to a client, which would make the model lose the frame boundaries barriers need).
  bool write(std::string_view bytes, const write_shape& shape, bool frames = true) {
    // After wsspec's FIN nothing can go out (the loader lets no send step follow one).
    if (tcp_gone() || !conn_ || sent_.ended_at_ms()) return false;
    if (frames) sent_.sent(bytes);
    const auto deadline = std::min(
        io_.hard_deadline,
        clock::now() + ms(case_timeout_ms(case_, options_)) +
            ms(std::uint64_t{shape.delay_ms} * (shape.chunk ? bytes.size() / shape.chunk + 1 : 0)));
    const auto r =
        conn_->write(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
                     deadline, shape.chunk, ms(shape.delay_ms));
    io_.touch();
    if (r.status != io_status::ok) {
      // Not a verdict by itself: a target that fails the connection may stop reading. What it
      // sent (a close, a drop) is judged by the expectations.
      observation o = sent(kind::write_stopped);
      o.size = r.bytes;
      o.detail = r.message;
      record(o);
      return false;
    }
    return true;
  }

  // ---- sending ---------------------------------------------------------------------------
  // RFC 6455 5.1: a client masks every frame it sends, a server none.
  bool masking() const { return peer_ == peer_role::server; }

  void remember_message(std::string_view payload) {
    last_message_size_ = payload.size();
    last_message_digest_ = payload_digest(payload);
  }

  void do_send(const send_frame& f) {
    const std::string payload = materialize(f.payload, round_);
    frame_spec spec;
    spec.opcode = f.opcode;
    spec.fin = f.fin;
    spec.rsv = f.rsv;
    // A case's `masked: false` is a frame masked against its sender's role (5.1): unmasked from
    // a client, masked from a server.
    spec.masked = peer_ == peer_role::server ? f.masked : !f.masked;
    spec.key = f.key;
    spec.form = f.form;
    spec.length = f.length;
    std::string wire;
    for (std::uint32_t i = 0; i < f.count; ++i) append_frame(wire, spec, payload, keys_);
    observation o = sent(kind::sent_frame);
    o.opcode = f.opcode;
    o.fin = f.fin;
    o.rsv = f.rsv;
    o.size = payload.size();
    o.count = f.count;
    o.length = f.length;
    o.preview = payload.substr(0, preview_bytes);
    record(o);
    if (f.opcode == 0x1 || f.opcode == 0x2) {
      message_so_far_ = payload;
    } else if (f.opcode == 0x0) {
      for (std::uint32_t i = 0; i < f.count; ++i) message_so_far_ += payload;
    }
    if (f.opcode <= 0x2) remember_message(message_so_far_);
    if (f.opcode == 0x8) we_sent_close_ = true;
    write(wire, f.shape);
    if (f.opcode == 0x9)
      for (std::uint32_t i = 0; i < f.count; ++i) sent_.sent_ping(payload);
  }

  void do_send(const send_message& m) {
    observation o = sent(kind::sent_message);
    o.opcode = m.opcode;
    o.size = payload_size(m.payload);
    o.count = m.count;
    message_so_far_.clear();
    // Reused from message to message: a compression case sends a thousand messages of up to
    // 128 KiB, and a fresh buffer each time cost page faults and zero-filling.
    std::string& wire = wire_;
    wire.clear();
    if (m.compressed && deflater_) {
      // RFC 7692 7.2.1: each message compressed on its own (or with the window kept, as
      // agreed), RSV1 on its first frame; the fragments cut the compressed bytes.
      std::string& payload = send_payload_;
      payload.resize(static_cast<std::size_t>(o.size));
      materialize_into(m.payload, payload, round_);
      remember_message(payload);
      o.preview = payload.substr(0, preview_bytes);
      o.rsv = 4;
      std::size_t frames = 0;
      std::vector<std::uint8_t>& packed = packed_;
      for (std::uint32_t n = 0; n < m.count; ++n) {
        packed.clear();
        deflater_->compress(
            std::span(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()),
            packed);
        compression_.sent_bytes += payload.size();
        compression_.sent_compressed += packed.size();
        frames += append_message(
            wire, m.opcode,
            std::string_view(reinterpret_cast<const char*>(packed.data()), packed.size()),
            m.fragment_size, keys_, 4, masking());
      }
      o.frames = frames;
    } else if (m.count == 1 && (m.fragment_size == 0 || m.fragment_size >= o.size)) {
      // One frame: the payload is generated in place, never held twice.
      frame_spec f;
      f.opcode = m.opcode;
      f.masked = masking();
      open_frame frame(f, o.size, keys_);
      materialize_into(m.payload, frame.payload(), round_);
      const std::string_view payload(frame.payload().data(), frame.payload().size());
      remember_message(payload);
      o.preview = payload.substr(0, preview_bytes);
      wire = std::move(frame).finish();
    } else {
      const std::string payload = materialize(m.payload, round_);
      remember_message(payload);
      o.preview = payload.substr(0, preview_bytes);
      std::size_t frames = 0;
      for (std::uint32_t n = 0; n < m.count; ++n)
        frames += append_message(wire, m.opcode, payload, m.fragment_size, keys_, 0, masking());
      o.frames = frames;
    }
    record(o);
    write(wire, m.shape);
    // Kept for the next message, but not a 16 MiB one: the case goes on to read its echo.
    release_if_large(wire_);
    release_if_large(send_payload_);
    release_if_large(packed_);
  }

  template <class Buffer>
  static void release_if_large(Buffer& b) {
    if (b.capacity() > kept_send_buffer) Buffer().swap(b);
  }

  // Sent by serve_handshake(), before the steps run.
  void do_send(const respond_spec&) {}

  // The transport lost, as the target sees it (RFC 6455 7.2.1): wsspec's FIN with no close
  // frame. Reading goes on, so the next expect sees what the target does about it.
  // The FIN is in the transcript only once it went out: a peer that reset the connection
  // first makes shutdown fail, and the judge must not then count its silence from a FIN it
  // never got.
  void do_send(const end_sending&) {
    if (tcp_gone() || !conn_) return;
    const auto r = conn_->shutdown_send(
        std::min(io_.hard_deadline, clock::now() + ms(case_timeout_ms(case_, options_))));
    io_.touch();
    if (r.status == io_status::ok) {
      record(sent(kind::sent_fin));
      sent_.ended_sending(elapsed_ms());
      return;
    }
    observation o = sent(kind::write_stopped);
    o.detail = r.message;
    record(o);
  }

  void do_send(const send_raw& r) {
    // Raw bytes are a client's frames; as the server, wsspec sends them with the mask flipped.
    const std::string bytes = peer_ == peer_role::server ? r.bytes : flipper_.flip(r.bytes);
    observation o = sent(kind::sent_raw);
    o.size = bytes.size();
    o.preview = bytes.substr(0, preview_bytes);
    record(o);
    write(bytes, r.shape);
  }

  void do_send(const handshake_spec& h) {
    std::array<std::uint8_t, 16> nonce;
    for (auto& b : nonce) b = static_cast<std::uint8_t>(keys_());
    request_ = build_opening_request(h, options_.url, nonce);
    if (target_) target_->await_response(request_);
    observation o = sent(kind::sent_request);
    o.size = request_.head.size();
    o.preview = request_.head.substr(0, 48);
    record(o);
    // The trailing bytes are frames sent before the 101 (a case about exactly that).
    if (!conn_ || tcp_gone()) return;
    const std::string bytes = request_.head + h.trailing;
    const auto r = conn_->write(
        std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
        std::min(io_.hard_deadline, clock::now() + ms(case_timeout_ms(case_, options_))));
    io_.touch();
    sent_.sent(h.trailing);
    if (r.status != io_status::ok) {
      observation w = sent(kind::write_stopped);
      w.size = r.bytes;
      w.detail = r.message;
      record(w);
    }
  }

  // A ping whose pong proves the target processed everything sent before it (a peer handles
  // its input in order, RFC 6455 5.5.2 makes it answer): what was not done by then never will
  // be, so a "silence" is decided without waiting out the clock.
  std::optional<std::string> send_barrier() {
    std::string payload = "wsspec barrier " + std::to_string(++barriers_sent_);
    std::string wire;
    frame_spec f;
    f.opcode = 0x9;
    f.masked = masking();
    append_frame(wire, f, payload, keys_);
    observation o = sent(kind::sent_barrier);
    o.opcode = 0x9;
    o.size = payload.size();
    o.preview = payload;
    record(o);
    if (!write(wire, {})) return std::nullopt;
    target_->add_barrier(payload);
    return payload;
  }

  // The next thing the target did, recorded. Its pings are answered here (RFC 6455 5.5.2 lets
  // a peer ping at any time), recorded, and not returned.
  observation next_observation(std::uint32_t idle_ms) {
    while (true) {
      observation o = target_->next(idle_ms, waiting_for_silence_);
      // Stamped for the judge too: a time-out after wsspec's FIN is measured from the FIN.
      o.t_ms = elapsed_ms();
      // The end of the connection is recorded once, however often it is read again.
      const bool repeat = o.what == kind::tcp_end && recorded_end_;
      recorded_end_ |= o.what == kind::tcp_end;
      if (o.what == kind::close) result_.remote_close_code = o.code;
      // RFC 6455 7.4.1: a client that starts the closing with 1010 names in the reason the
      // extensions it needed (one answering wsspec's own close 1010 only echoes the code).
      if (o.what == kind::close && o.code == 1010 && peer_ == peer_role::client && !repeat &&
          !we_sent_close_) {
        const extension_judgement j =
            judge_1010_reason(o.preview, target_->client_request().extensions);
        if (j.grade != verdict::pass) raise_data(j.grade, j.reason);
      }
      if (!target_->server_header().empty()) result_.server_header = target_->server_header();
      if (!repeat) record(o);
      // More than wsspec accepts is no rule the target broke: the case is not judged.
      if (const std::string hit = limit_hit(o, options_.limits); !hit.empty())
        raise_data(verdict::error, "not judged: the target sent " + hit + "; raise it to judge",
                   true);
      if (o.what != kind::ping) return o;
      answer_ping(o.preview);
    }
  }

  void answer_ping(const std::string& payload) {
    if (we_sent_close_ || sent_.ended_at_ms()) return;
    std::string wire;
    frame_spec f;
    f.opcode = 0xA;
    f.masked = masking();
    append_frame(wire, f, payload, keys_);
    record(sent(kind::sent_pong));
    write(wire, {});
  }

  // ---- the case --------------------------------------------------------------------------
  void expect(const expect_step& x) {
    sent_context ctx;
    ctx.last_message_size = last_message_size_;
    ctx.last_message_digest = last_message_digest_;
    ctx.pings = sent_.pings();
    ctx.invalid_pings = sent_.invalid_pings();
    ctx.rule_breaking_pings = sent_.rule_breaking_pings();
    ctx.sections = case_.rfc;
    ctx.ended_sending_at_ms = sent_.ended_at_ms();
    const bool barrier_fits = target_->established() && !tcp_gone() && !peer_sent_close() &&
                              !we_sent_close_ && !target_->awaiting_response() &&
                              sent_.at_frame_boundary();
    if (barrier_fits && has_event(x, expect_event::kind::silence) &&
        !has_event(x, expect_event::kind::any))
      ctx.barrier = send_barrier();
    waiting_for_silence_ = !ctx.barrier && has_event(x, expect_event::kind::silence);
    step_matcher m(x, std::move(ctx));
    const std::uint32_t idle = x.timeout_ms ? x.timeout_ms : case_timeout_ms(case_, options_);
    while (!m.decided()) m.feed(next_observation(idle));
    waiting_for_silence_ = false;
    const step_outcome& out = m.outcome();
    if (out.status == step_outcome::state::mismatched) {
      raise_data(verdict::fail, out.reason);
      return;
    }
    if (out.grade != verdict::pass) raise_data(out.grade, out.note);
    if (out.closing_grade != verdict::pass && severity(out.closing_grade) > severity(fail_grade_)) {
      fail_grade_ = out.closing_grade;
      fail_reason_ = out.closing_reason;
    }
  }

  // wsspec is the server: the client's opening request is read and checked (RFC 6455 4.1), and
  // a valid one answered with a 101 that accepts nothing optional, or with the response the
  // case's `respond` step makes. False when the case ends here.
  bool serve_handshake() {
    target_->await_request(std::move(already_read_));
    const observation o = next_observation(case_timeout_ms(case_, options_));
    if (o.what != kind::request || !o.rule.empty()) {
      const int status = o.what == kind::request ? codec::suggested_status(o.rule.request) : 400;
      if (o.what != kind::tcp_end && o.what != kind::idle_timeout) send_refusal(status);
      raise_data(verdict::fail,
                 "the client's opening handshake failed: expected a valid opening "
                 "request, got " +
                     describe(o) + (o.rule.empty() ? " (RFC 6455 4.1)" : ""));
      return false;
    }
    // RFC 6455 4.1: a browser's request carries Origin; only the user can say it is a browser.
    if (options_.client_is_browser && !codec::find_field(o.fields, "Origin"))
      raise_data(verdict::fail,
                 "the browser's opening request has no Origin field; RFC 6455 4.1: a request "
                 "from a browser MUST include one (serve-cases --browser says it is a browser)");
    const respond_spec* respond =
        case_.steps.empty() ? nullptr : std::get_if<respond_spec>(&case_.steps.front());
    respond_spec answer = respond ? *respond : respond_spec{};
    // A compression case: the client's offer is answered as deflate_answer.hpp says; a client
    // that offers none has no compression to test (RFC 7692 lets it not offer).
    std::optional<deflate_answer> compression;
    if (case_.deflate) {
      compression = answer_deflate(target_->client_request().extensions, *case_.deflate);
      if (compression) answer.set.push_back({"Sec-WebSocket-Extensions", compression->header});
    }
    // RFC 6455 4.1: a client sends nothing more until the response has come; a delayed one
    // gives it the time to break that.
    std::size_t early = 0;
    if (answer.delay_ms) early = target_->bytes_before_response(answer.delay_ms);
    const std::string head = build_opening_response(answer, target_->client_request().key);
    observation r = sent(kind::sent_response);
    r.status = status_of_head(head);
    r.size = head.size();
    r.preview = head.substr(0, 48);
    record(r);
    // Whether the client takes this response is what a `respond` case asks: whatever wsspec
    // sent, what the client sends next is read as frames, so a client that takes a response
    // it must refuse (RFC 6455 4.1) is seen echoing the case's probe.
    if (compression) {
      target_->agree_deflate(compression->agreed);
      auto options = codec::deflater_options_for(compression->agreed, codec::endpoint_role::server);
      options.level = 1;  // as in the server role: wsspec's compression is not under test
      deflater_.emplace(options);
      sent_.agree_deflate();
    }
    target_->established_by_us();
    if (!write(head, {}, false)) return false;
    if (early) {
      raise_data(verdict::fail, "the client sent " + std::to_string(early) +
                                    " bytes after its opening request and before wsspec's "
                                    "response (held back " +
                                    std::to_string(answer.delay_ms) +
                                    " ms); RFC 6455 4.1: a client MUST wait for the response "
                                    "before sending anything more");
      return false;
    }
    if (case_.deflate && !compression) {
      raise_data(verdict::unimplemented,
                 "the client offered no permessage-deflate wsspec could accept (its offer: " +
                     (target_->client_request().extensions.empty()
                          ? std::string("none")
                          : codec::format_extensions(target_->client_request().extensions)) +
                     "); RFC 7692 lets a client not offer it");
      return false;
    }
    // RFC 6455 4.1: a client given a wss:// URL names its host in the TLS handshake (SNI);
    // the Host field says which host the URL named.
    if (case_.checks_sni) {
      const auto host = codec::field_values(o.fields, "Host");
      const server_name_judgement j = judge_server_name(
          conn_->secure(), conn_->client_server_name(), host.empty() ? "" : host.front());
      if (j.grade != verdict::pass) {
        raise_data(j.grade, j.reason);
        return false;
      }
    }
    // A case about the extensions a client offered has nothing to test without an offer.
    if (case_.needs_extension_offer && target_->client_request().extensions.empty()) {
      raise_data(verdict::unimplemented,
                 "the client offered no extension (its request has no Sec-WebSocket-Extensions); "
                 "RFC 6455 9.1 lets a client offer none");
      return false;
    }
    // RFC 6455 9.1: what it offers is registered, with parameters its extension defines.
    if (case_.needs_extension_offer) {
      const extension_judgement j = judge_extension_offer(target_->client_request().extensions);
      if (j.grade != verdict::pass) raise_data(j.grade, j.reason);
    }
    return true;
  }

  void send_refusal(int status) {
    const std::string head = codec::build_error_response(status);
    observation r = sent(kind::sent_response);
    r.status = status;
    r.size = head.size();
    r.preview = head.substr(0, 48);
    record(r);
    write(head, {}, false);
  }

  void run_steps() {
    if (!connect()) return;
    if (peer_ == peer_role::client) {
      if (!serve_handshake()) return;
    }
    const bool custom_handshake =
        !case_.steps.empty() && std::holds_alternative<handshake_spec>(case_.steps.front());
    if (!custom_handshake && peer_ == peer_role::server) {
      handshake_spec h;
      if (case_.deflate) h.set.push_back({"Sec-WebSocket-Extensions", *case_.deflate});
      do_send(h);
      const observation o = next_observation(case_timeout_ms(case_, options_));
      if (case_.deflate_must_decline && o.what == kind::response && o.status == 101 &&
          accepts_deflate(o.fields)) {
        raise_data(verdict::fail, "the target accepted permessage-deflate although the offer (" +
                                      *case_.deflate +
                                      ") is one RFC 7692 7 says a server MUST decline");
        return;
      }
      // Refusing the connection over such an offer accepts nothing, but RFC 7692 7 declines the
      // offer alone: the connection goes on with another offer of the list, or uncompressed.
      if (case_.deflate && o.what == kind::response && o.status >= 400 && o.status < 500 &&
          offers_invalid_deflate(request_.extension_offers)) {
        raise_data(verdict::non_strict,
                   "the target refused the opening handshake (HTTP " + std::to_string(o.status) +
                       ") over a permessage-deflate offer it must decline (" + *case_.deflate +
                       "); RFC 7692 7 declines the offer, not the connection");
        return;
      }
      if (o.what != kind::response || o.status != 101 || !o.rule.empty()) {
        // A broken rule names its section; otherwise the status is the finding.
        raise_data(verdict::fail,
                   "the opening handshake failed: expected a valid HTTP 101 "
                   "response, got " +
                       describe(o) + (o.rule.empty() ? " (RFC 6455 4.1, 4.2.2)" : ""));
        return;
      }
      // Declined as RFC 7692 7 requires: the steps run uncompressed.
      if (case_.deflate && !target_->deflate() && !case_.deflate_must_decline) {
        raise_data(verdict::unimplemented,
                   "the target declined permessage-deflate (offered: " + *case_.deflate +
                       "); RFC 7692 5 lets a server decline");
        return;
      }
      if (const auto& agreed = target_->deflate()) {
        auto compression = codec::deflater_options_for(*agreed, codec::endpoint_role::client);
        // What wsspec sends only has to be valid DEFLATE (its own compression is not under
        // test): zlib's fastest matcher keeps the gigabytes of the compression cases cheap.
        compression.level = 1;
        deflater_.emplace(compression);
        sent_.agree_deflate();
      }
    }
    for (round_ = 0; round_ < case_.repeat; ++round_) {
      begin_round();
      for (const auto& s : case_.steps) {
        if (std::holds_alternative<respond_spec>(s)) continue;  // serve_handshake() sent it
        if (round_ > 0 && std::holds_alternative<handshake_spec>(s)) continue;
        // Once the target has closed or failed the connection the outcome is decided; the
        // steps written for a target that did not are skipped.
        if ((tcp_gone() || peer_sent_close()) && !target_->awaiting_response()) return;
        if (const auto* x = std::get_if<expect_step>(&s)) {
          expect(*x);
        } else {
          std::visit(
              [this](const auto& st) {
                if constexpr (!std::is_same_v<std::decay_t<decltype(st)>, expect_step>)
                  this->do_send(st);
              },
              s);
        }
        if (data_failed_) return;
      }
    }
  }

  // wsspec's close frame: with `code` (and no reason), or empty without one.
  void send_close(std::optional<std::uint16_t> code) {
    we_sent_close_ = true;
    std::string body;
    if (code) {
      const auto b = codec::make_close_body(*code);
      body.assign(b.begin(), b.end());
    }
    std::string wire;
    frame_spec f;
    f.opcode = 0x8;
    f.masked = masking();
    append_frame(wire, f, body, keys_);
    observation o = sent(kind::sent_close);
    o.code = code;
    record(o);
    write(wire, {});
  }

  // Closing behaviour (RFC 6455 5.5.1, 7.1.1-7.1.7), graded apart from the data exchange.
  void finish_closing() {
    if (!conn_ || result_.connect_failed) return;
    if (peer_sent_close() || tcp_gone()) result_.target_failed_connection = !we_sent_close_;
    closing_start s;
    s.data_failed = data_failed_;
    s.established = target_->established();
    s.tcp_gone = tcp_gone();
    s.peer_sent_close = peer_sent_close();
    s.peer_close_code = result_.remote_close_code;
    s.we_sent_close = we_sent_close_;
    s.close_at_end = case_.close_at_end;
    s.fail_grade = fail_grade_;
    s.fail_reason = fail_reason_;
    s.close_timeout_ms = options_.close_timeout_ms;
    s.peer_is_client = peer_ == peer_role::client;
    s.we_ended_sending = sent_.ended_at_ms().has_value();
    closing_grader g(s);
    switch (g.first_action()) {
      case closing_grader::action::send_close:
        target_->ignore_data_frames();
        send_close(1000);
        break;
      case closing_grader::action::answer_close:
        // RFC 6455 5.5.1: answer the target's close; echo its code when it gave a valid one.
        send_close(result_.remote_close_code);
        break;
      case closing_grader::action::none:
        break;
    }
    while (!g.decided()) g.feed(next_observation(options_.close_timeout_ms));
    result_.closing = g.grade();
    result_.closing_reason = g.reason();
  }

  const test_case& case_;
  const run_options& options_;
  peer_role peer_ = peer_role::server;
  std::unique_ptr<connection> accepted_;  // the client's connection, until connect()
  std::string already_read_;              // what the listener read of it
  idle_clock own_activity_;
  io_activity io_;
  std::mt19937 keys_;
  raw_frame_flipper flipper_{keys_};  // raw client frames re-encoded as the server's
  case_result result_;
  clock::time_point start_;
  std::unique_ptr<connection> conn_;
  std::optional<target_reader> target_;      // once connected
  std::optional<codec::deflater> deflater_;  // once permessage-deflate is agreed
  case_result::compression_traffic compression_;
  opening_request request_;
  sent_stream sent_;
  std::string message_so_far_;  // the message being sent frame by frame
  // do_send(send_message)'s buffers, reused up to kept_send_buffer bytes each.
  static constexpr std::size_t kept_send_buffer = std::size_t{1} << 20;
  std::string wire_, send_payload_;
  std::vector<std::uint8_t> packed_;
  std::uint64_t last_message_size_ = 0, last_message_digest_ = payload_digest(std::string_view());
  std::uint32_t barriers_sent_ = 0;
  std::uint32_t round_ = 0;   // of test_case::repeat: data-set payloads send slice `round_`
  bool quiet_round_ = false;  // a round recorded only if it goes wrong (begin_round)
  std::uint32_t omitted_rounds_ = 0;
  std::vector<observation> round_events_;
  bool recorded_end_ = false;
  bool we_sent_close_ = false;
  bool data_failed_ = false;
  bool saw_timeout_ = false;
  bool waiting_for_silence_ = false;
  verdict fail_grade_ = verdict::pass;  // how the target failed the connection (7.1.7)
  std::string fail_reason_;
};

}  // namespace

clock::duration total_bound(const test_case& c, const run_options& options) {
  return ms(std::uint64_t{4} * case_timeout_ms(c, options) + options.close_timeout_ms);
}

case_result describe_case(const test_case& c) {
  case_result r;
  r.id = c.id;
  r.area = c.area;
  r.title = c.title;
  r.autobahn = c.autobahn;
  r.rfc = c.rfc;
  r.requirements = c.requirements;
  r.why = c.why;
  r.tags = c.tags;
  return r;
}

case_result run_case(const test_case& c, const run_options& options) {
  return case_runner(c, options).run();
}

case_result run_case_for_client(const test_case& c, const run_options& options,
                                std::unique_ptr<connection> conn, std::string already_read) {
  run_options o = options;
  // No second connection can be opened to a client.
  o.check_alive_when_suspicious = false;
  o.check_alive_after_failed_connection = false;
  return case_runner(c, o, std::move(conn), std::move(already_read)).run();
}

bool applies_to_clients(const test_case& c) {
  // No second connection can be opened to a client (check_alive), and a server's duties in
  // negotiation (deflate_must_decline) have no client counterpart: peer_of() says `server`.
  return peer_of(c) != case_peer::server;
}

case_result::liveness check_liveness(const run_options& options, std::string& reason,
                                     std::uint32_t timeout_ms) {
  static const test_case echo_probe = [] {
    test_case c;
    c.id = "liveness-probe";
    // Only the exchange counts: how the target closes the probe is another case's business,
    // so the probe does not wait for a closing handshake.
    c.close_at_end = false;
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
  test_case probe = echo_probe;
  probe.timeout_ms = timeout_ms;
  run_options o = options;
  o.timeout_ms = 0;  // the probe's own time-out, whatever --timeout says
  // The probe checks nothing after itself: a probe the target fails must not start another.
  o.check_alive_when_suspicious = false;
  o.check_alive_after_failed_connection = false;
  o.activity = nullptr;  // its own idleness: the probe is about this target answering now
  case_runner runner(probe, o);
  const case_result r = runner.run();
  if (r.data == verdict::pass) return case_result::liveness::alive;
  reason = r.reason;
  // Serving is the question, not echoing right: a message or a close frame back on the new
  // connection is a target up and speaking WebSocket (what it said is the cases' business).
  if (std::any_of(r.events.begin(), r.events.end(), [](const observation& e) {
        return e.what == kind::message || e.what == kind::close;
      }))
    return case_result::liveness::alive;
  return runner.saw_timeout() ? case_result::liveness::hung : case_result::liveness::dead;
}

}  // namespace wsspec
