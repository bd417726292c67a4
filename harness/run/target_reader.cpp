#include "run/target_reader.hpp"

#include <algorithm>
#include <array>

#include "judge/payload_digest.hpp"
#include "run/stop_request.hpp"
#include "wsspec/codec/handshake.hpp"
#include "wsspec/codec/http.hpp"
#include "wsspec/codec/permessage_deflate.hpp"
#include "wsspec/codec/utf8.hpp"
#include "wsspec/reports/run_limits.hpp"

namespace wsspec {

namespace {

using kind = observation::kind;

std::string as_string(std::span<const std::uint8_t> s) {
  return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}

codec::reader_options reading(peer_role peer, const target_limits& limits) {
  codec::reader_options r;
  r.decoder = peer == peer_role::server ? codec::decoder_options::client()
                                        : codec::decoder_options::server();
  r.decoder.max_frame_payload = limits.frame_bytes;
  r.assembler.max_message_size = limits.message_bytes;
  return r;
}

codec::http_limits reading_a_response(const target_limits& limits) {
  codec::http_limits l = generous_http_limits();
  l.max_head_bytes = static_cast<std::size_t>(limits.head_bytes);
  l.max_line_bytes = std::min(l.max_line_bytes, l.max_head_bytes);
  return l;
}

}  // namespace

std::string limit_hit(const observation& o, const target_limits& limits) {
  using codec::http_error;
  using codec::protocol_error;
  auto beyond = [](const char* what, const char* flag, std::uint64_t limit) {
    return std::string(what) + " beyond wsspec's " + flag + " of " + size_text(limit);
  };
  if (o.what == kind::response) {
    switch (o.rule.http) {
      case http_error::start_line_too_long:
      case http_error::field_line_too_long:
      case http_error::head_too_large:
        return beyond("a response head", "--max-head", limits.head_bytes);
      case http_error::too_many_fields:
        return "a response head of more than " +
               std::to_string(generous_http_limits().max_header_count) + " header fields";
      default:
        return "";
    }
  }
  if (o.what != kind::broke_rule) return "";
  switch (o.rule.frame) {
    case protocol_error::frame_too_large:
      return beyond("a frame", "--max-frame", limits.frame_bytes);
    case protocol_error::message_too_large:
    case protocol_error::inflated_message_too_large:
      return beyond("a message", "--max-message", limits.message_bytes);
    default:
      return "";
  }
}

// A wait that ended inside a frame says how much of it came: a frame shorter than its length
// field is found here, not mistaken for a silent target.
void target_reader::note_unfinished_frame(observation& o, bool for_frames) const {
  if (!for_frames) return;
  if (const auto u = frames_.unfinished()) {
    o.length = u->announced;
    o.size = u->received;
  }
}

target_reader::target_reader(connection& conn, io_activity& io, const target_limits& limits,
                             peer_role peer)
    : limits_(limits),
      peer_(peer),
      conn_(conn),
      io_(io),
      frames_(reading(peer, limits)),
      head_limits_(reading_a_response(limits)) {}

void target_reader::await_response(const opening_request& request) {
  request_ = &request;
  awaiting_response_ = true;
  established_ = refused_ = false;
}

void target_reader::await_request(std::string already_read) {
  http_inbox_ = std::move(already_read);
  awaiting_request_ = true;
  established_ = refused_ = false;
}

observation target_reader::next(std::uint32_t idle_ms, bool own_only) {
  if (awaiting_response_) return read_response(idle_ms, own_only);
  if (awaiting_request_) return read_request(idle_ms, own_only);
  // After a refusal the target speaks HTTP (a body, perhaps another response), never frames.
  while (refused_ || !established_ || frames_done_) {
    http_inbox_.clear();
    if (auto stop = fill(idle_ms, own_only, false)) return *stop;
  }
  while (true) {
    const auto s = frames_.next();
    if (s != codec::read_status::need_more) return decoded(s);
    if (auto stop = fill(idle_ms, own_only, true)) return *stop;
  }
}

std::size_t target_reader::bytes_before_response(std::uint32_t ms) {
  while (early_frames_.empty() && !tcp_gone_) {
    const auto stop = fill(ms, true, false);
    early_frames_ += http_inbox_;
    http_inbox_.clear();
    if (stop) break;
  }
  return early_frames_.size();
}

// Reads more bytes; an observation when nothing more can come (TCP end, idle time-out).
std::optional<observation> target_reader::fill(std::uint32_t idle_ms, bool own_only,
                                               bool for_frames) {
  observation o;
  if (tcp_gone_) {
    o.what = kind::tcp_end;
    o.reset = reset_;
    return o;
  }
  while (true) {
    const auto deadline = io_.idle_deadline(idle_ms, own_only);
    io_result r;
    if (for_frames) {
      // Large enough that a 16 MiB echo is not 256 reads and waits.
      auto buf = frames_.prepare(std::size_t{256} << 10);
      r = conn_.read_some(buf, deadline);
      if (r.status == io_status::ok) frames_.commit(r.bytes);
    } else {
      std::array<std::uint8_t, 16384> buf;
      r = conn_.read_some(buf, deadline);
      if (r.status == io_status::ok)
        http_inbox_.append(reinterpret_cast<const char*>(buf.data()), r.bytes);
    }
    if (r.status == io_status::ok) {
      io_.touch();
      return std::nullopt;
    }
    if (r.status == io_status::timeout) {
      // Another connection's bytes moved: the target was busy, not idle. Wait on, unless the
      // run is being stopped (the case is then reported as not run).
      const auto now = clock::now();
      if (!stop_requested() && now < io_.hard_deadline &&
          io_.idle_deadline(idle_ms, own_only) > now)
        continue;
      saw_timeout_ = true;
      o.what = kind::idle_timeout;
      o.idle_ms = idle_ms;
      // The bound, not idleness, ended it: the target was still sending (a trickle).
      o.bound = now >= io_.hard_deadline && now - io_.own < std::chrono::milliseconds(idle_ms);
      if (!for_frames) o.size = http_inbox_.size();
      note_unfinished_frame(o, for_frames);
      return o;
    }
    tcp_gone_ = true;
    reset_ = r.status == io_status::reset;
    o.what = kind::tcp_end;
    o.reset = reset_;
    o.detail = r.message;
    note_unfinished_frame(o, for_frames);
    return o;
  }
}

observation target_reader::read_response(std::uint32_t idle_ms, bool own_only) {
  codec::response_parser parser(head_limits_);
  while (true) {
    const auto pr = parser.parse(http_inbox_);
    if (pr.status == codec::http_parse_status::complete) {
      awaiting_response_ = false;
      const auto& resp = parser.get();
      observation o;
      o.what = kind::response;
      o.status = resp.status;
      o.fields = resp.fields;
      o.size = pr.consumed;
      o.bare_lf = parser.bare_lf_lines() > 0;
      o.preview = http_inbox_.substr(0, std::min<std::size_t>(pr.consumed, 48));
      if (const auto* server = codec::find_field(resp.fields, "Server"))
        server_header_ = server->value.substr(0, 200);
      const std::string rest = http_inbox_.substr(pr.consumed);
      http_inbox_.clear();
      if (resp.status != 101) {
        refused_ = true;
        return o;
      }
      const auto v =
          codec::validate_response(resp, request_->key, request_->protocols, request_->extensions);
      if (v.error != codec::response_error::none) {
        o.rule.handshake = v.error;
        o.rule.detail = v.message;
        refused_ = true;
      } else if (const auto e = negotiate_compression(resp.fields);
                 e != codec::deflate_negotiation_error::none) {
        o.rule.deflate = e;
        refused_ = true;
      } else {
        established_ = true;
        // Frames may have come in the same read as the 101.
        frames_.feed(std::span(reinterpret_cast<const std::uint8_t*>(rest.data()), rest.size()));
      }
      return o;
    }
    if (pr.status == codec::http_parse_status::error) {
      awaiting_response_ = false;
      refused_ = true;  // nothing after a broken head is read as frames
      observation o;
      o.what = kind::broke_rule;
      o.rule.http = pr.error;
      o.preview = http_inbox_.substr(0, 48);
      return o;
    }
    if (auto stop = fill(idle_ms, own_only, false)) return *stop;
  }
}

// The client's opening request (RFC 6455 4.1), checked as a server checks it (4.2.1). Bytes
// after the head are frames the client sent early; they are kept for the frame reader.
observation target_reader::read_request(std::uint32_t idle_ms, bool own_only) {
  codec::request_parser parser(head_limits_);
  while (true) {
    const auto pr = parser.parse(http_inbox_);
    if (pr.status == codec::http_parse_status::complete) {
      awaiting_request_ = false;
      const auto& req = parser.get();
      observation o;
      o.what = kind::request;
      o.fields = req.fields;
      o.size = pr.consumed;
      o.preview = http_inbox_.substr(0, std::min<std::size_t>(pr.consumed, 48));
      client_request_ = codec::validate_request(req);
      if (!client_request_.ok()) {
        o.rule.request = client_request_.error;
        o.rule.detail = client_request_.message;
        refused_ = true;
      }
      // Frames sent before wsspec's answer: read once it has answered (and agreed on
      // compression, which changes how they are read).
      early_frames_ = http_inbox_.substr(pr.consumed);
      http_inbox_.clear();
      return o;
    }
    if (pr.status == codec::http_parse_status::error) {
      awaiting_request_ = false;
      refused_ = true;
      observation o;
      o.what = kind::broke_rule;
      o.rule.http = pr.error;
      o.preview = http_inbox_.substr(0, 48);
      return o;
    }
    if (auto stop = fill(idle_ms, own_only, false)) return *stop;
  }
}

// RFC 7692 5, 7: did the 101 accept a permessage-deflate offer, and correctly? Once agreed,
// RSV1 marks a compressed message, inflated here with the target's window.
codec::deflate_negotiation_error target_reader::negotiate_compression(
    const codec::http_fields& fields) {
  std::vector<codec::extension_offer> accepted;
  for (const auto v : codec::field_values(fields, "Sec-WebSocket-Extensions"))
    codec::parse_extensions(v, accepted);
  const auto n = codec::negotiate_deflate(request_->extension_offers, accepted);
  if (!n) return codec::deflate_negotiation_error::none;
  if (!n->ok()) return n->error;
  agree_deflate(n->agreed);
  return codec::deflate_negotiation_error::none;
}

void target_reader::agree_deflate(const codec::deflate_params& agreed) {
  deflate_ = agreed;
  codec::reader_options r = reading(peer_, limits_);
  r.decoder.allowed_rsv = codec::rsv1_bit;
  r.assembler.compressed_messages = true;
  frames_ = codec::message_reader(r);
  // wsspec's own role: it inflates what the peer compressed with the peer's window.
  const auto role =
      peer_ == peer_role::server ? codec::endpoint_role::client : codec::endpoint_role::server;
  inflater_.emplace(codec::inflater_options_for(*deflate_, role, limits_.message_bytes));
}

// A compressed message inflated (RFC 7692 7.2.2), its text checked as UTF-8 (RFC 6455 8.1);
// the error that stops it otherwise.
codec::protocol_error target_reader::inflate(std::span<const std::uint8_t> compressed,
                                             std::uint8_t opcode) {
  inflated_.clear();
  auto e = inflater_->feed(compressed, inflated_);
  if (e == codec::protocol_error::none) e = inflater_->finish(inflated_);
  if (e == codec::protocol_error::none && opcode == 0x1 && !codec::validate_utf8(inflated_).valid)
    e = codec::protocol_error::invalid_utf8;
  compressed_total_ += compressed.size();
  inflated_total_ += inflated_.size();
  return e;
}

void target_reader::note_mask_key() {
  const auto& h = frames_.header();
  if (!h.masked || mask_keys_.size() >= case_result::max_mask_keys) return;
  mask_keys_.push_back(std::uint32_t{h.key[0]} << 24 | std::uint32_t{h.key[1]} << 16 |
                       std::uint32_t{h.key[2]} << 8 | h.key[3]);
}

observation target_reader::decoded(codec::read_status s) {
  observation o;
  const auto& h = frames_.header();
  // Every frame the reader completes comes out as one of these three (a data frame that does
  // not end its message as a fragment): each frame's key is seen once.
  if (s == codec::read_status::fragment || s == codec::read_status::message ||
      s == codec::read_status::control)
    note_mask_key();
  switch (s) {
    case codec::read_status::fragment:
      o.what = kind::fragment;
      o.opcode = static_cast<std::uint8_t>(h.op);
      o.fin = h.fin;
      o.size = h.payload_length;
      return o;
    case codec::read_status::message: {
      o.what = kind::message;
      o.opcode = static_cast<std::uint8_t>(frames_.message_opcode());
      auto m = frames_.message();
      if (frames_.message_compressed()) {
        if (const auto e = inflate(m, o.opcode); e != codec::protocol_error::none) {
          frames_done_ = true;
          o = observation{};
          o.what = kind::broke_rule;
          o.rule.frame = e;
          o.rule.offset = frames_.consumed() ? frames_.consumed() - 1 : 0;
          return o;
        }
        m = inflated_;
        o.rsv = 4;  // RSV1: it came compressed
      }
      o.size = m.size();
      o.frames = frames_.message_frames();
      o.digest = payload_digest(m);
      o.preview = as_string(m.first(std::min(m.size(), preview_bytes)));
      return o;
    }
    case codec::read_status::control: {
      const auto p = frames_.control_payload();
      o.size = p.size();
      o.preview = as_string(p);
      switch (frames_.control_opcode()) {
        case codec::opcode::ping:
          o.what = kind::ping;
          return o;
        case codec::opcode::pong:
          o.what = kind::pong;
          o.matched_barrier =
              std::find(barriers_.begin(), barriers_.end(), o.preview) != barriers_.end();
          return o;
        default:
          o.what = kind::close;
          o.code = frames_.close().code;
          o.preview = std::string(frames_.close().reason);
          o.size = o.preview.size();
          close_code_ = o.code;
          peer_sent_close_ = true;
          return o;
      }
    }
    default:
      break;
  }
  frames_done_ = true;
  // A close code above every range of 7.4.2 is the case's to grade (7.4.1 forbids only 1005,
  // 1006 and 1015 on the wire), not a broken frame.
  const auto p = frames_.control_payload();
  if (frames_.error() == codec::protocol_error::close_code_invalid && p.size() >= 2 &&
      ((p[0] << 8) | p[1]) >= 5000) {
    o.what = kind::close;
    o.code = static_cast<std::uint16_t>((p[0] << 8) | p[1]);
    o.code_out_of_range = true;
    o.preview = as_string(p.subspan(2, std::min<std::size_t>(p.size() - 2, preview_bytes)));
    o.size = p.size() - 2;
    close_code_ = o.code;
    peer_sent_close_ = true;
    return o;
  }
  o.what = kind::broke_rule;
  o.rule.frame = frames_.error();
  o.rule.offset = frames_.error_offset();
  o.rule.evidence = as_string(frames_.error_evidence());
  return o;
}

}  // namespace wsspec
