#include "run/sent_stream.hpp"

#include <algorithm>
#include <array>
#include <span>

#include "wsspec/codec/mask.hpp"

namespace wsspec {

namespace {

codec::decoder_options framing_only() {
  codec::decoder_options o;
  o.masking = codec::mask_rule::any;
  o.allowed_rsv = 0x70;
  o.require_minimal_length = false;
  return o;
}

// The reference receiver: a server reads masked frames only, a client unmasked ones (5.1).
codec::decoder_options reference_receiver(bool client) {
  codec::decoder_options o =
      client ? codec::decoder_options::client() : codec::decoder_options::server();
  // RFC 6455 5.2 binds the sender to minimal lengths; a receiver need not reject others.
  o.require_minimal_length = false;
  return o;
}

codec::assembler_options reference_assembly() {
  codec::assembler_options o;
  o.collect = false;
  o.max_message_size = ~std::uint64_t{0};
  return o;
}

}  // namespace

void sent_stream::peer_is_client() {
  peer_is_client_ = true;
  model_decoder_ = codec::frame_decoder(reference_receiver(true));
}

void sent_stream::agree_deflate() {
  codec::decoder_options d = reference_receiver(peer_is_client_);
  d.allowed_rsv = codec::rsv1_bit;
  codec::assembler_options a = reference_assembly();
  a.compressed_messages = true;
  model_decoder_ = codec::frame_decoder(d);
  model_assembler_ = codec::message_assembler(a);
}

sent_stream::sent_stream()
    : framer_(framing_only()),
      model_decoder_(reference_receiver(false)),
      model_assembler_(reference_assembly()) {}

void sent_stream::sent(std::string_view bytes) {
  invalid_before_last_write_ = state_ == state::invalid;
  const auto span = std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  if (boundary_known_) {
    auto in = span;
    while (!in.empty()) {
      const auto r = framer_.next(in);
      if (r.status == codec::decode_status::error) {
        boundary_known_ = false;
        break;
      }
      in = in.subspan(r.consumed);
      if (r.consumed == 0 && r.status == codec::decode_status::need_more) break;
    }
  }
  if (state_ == state::valid) model(span);
}

void sent_stream::model(std::span<const std::uint8_t> in) {
  auto verdict_of = [this](codec::protocol_error e) {
    if (e == codec::protocol_error::none) return false;
    state_ = e == codec::protocol_error::invalid_utf8 ? state::unknown : state::invalid;
    return true;
  };
  std::array<std::uint8_t, 16384> clear;
  while (!in.empty()) {
    const auto r = model_decoder_.next(in);
    in = in.subspan(r.consumed);
    if (r.status == codec::decode_status::error) {
      verdict_of(r.error);
      return;
    }
    if (r.status == codec::decode_status::frame &&
        verdict_of(model_assembler_.begin_frame(r.header)))
      return;
    if (r.status == codec::decode_status::frame || r.status == codec::decode_status::payload) {
      // Unmasked in pieces: the model keeps no copy of what was sent.
      for (std::size_t at = 0; at < r.payload.size(); at += clear.size()) {
        const std::size_t n = std::min(clear.size(), r.payload.size() - at);
        std::copy_n(r.payload.data() + at, n, clear.data());
        if (r.header.masked)
          codec::apply_mask(std::span(clear.data(), n), r.header.key, r.payload_offset + at);
        if (verdict_of(model_assembler_.append(std::span<const std::uint8_t>(clear.data(), n))))
          return;
      }
      if (r.frame_complete) {
        codec::assembled what;
        if (verdict_of(model_assembler_.end_frame(what))) return;
      }
    }
    if (r.status == codec::decode_status::need_more) return;
  }
}

void sent_stream::sent_ping(const std::string& payload) {
  pings_.push_back(payload);
  if (state_ != state::invalid) return;
  invalid_pings_.push_back(payload);
  if (!invalid_before_last_write_) rule_breaking_pings_.push_back(payload);
}

}  // namespace wsspec
