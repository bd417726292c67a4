// What wsspec has sent on a case's connection, read back by the reference codec as the peer
// under test would read it (a server, or a client when the roles are flipped). It answers the
// judge's questions about our own bytes:
// - where is the first byte a conforming server must reject? Pings sent at or after it are
//   "invalid pings": a pong answering one is a reaction to input the target had to refuse.
// - are we at a frame boundary, so that a barrier ping may follow the probed bytes?
// - did wsspec end its sending half of TCP (a FIN, no close frame)? Then nothing may follow,
//   and a peer's silence is its answer to a lost transport (RFC 6455 7.2.1).
// Invalid UTF-8 is left out of the first question: RFC 6455 8.1 lets a receiver check a text
// message when it ends, so a pong to a ping inside such a message proves nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/codec/frame_decoder.hpp"
#include "wsspec/codec/message_assembler.hpp"

namespace wsspec {

class sent_stream {
 public:
  sent_stream();

  // The peer under test is a client: wsspec's frames come unmasked, as a server's must (RFC 6455
  // 5.1), and are read by a reference client. Called before anything is sent.
  void peer_is_client();

  // Everything written, in order (a handshake's trailing bytes included).
  void sent(std::string_view bytes);
  // permessage-deflate was agreed (before any frame was sent): RSV1 marks a compressed
  // message, which the reference server accepts (RFC 7692 6.1).
  void agree_deflate();
  // A ping with this payload was just sent (after sent() of its bytes).
  void sent_ping(const std::string& payload);
  // wsspec ended its sending half of TCP (a FIN, no close frame) `at_ms` into the case: nothing
  // more can be sent, and what the peer does next is its answer to a lost transport.
  void ended_sending(double at_ms) { ended_at_ms_ = at_ms; }
  const std::optional<double>& ended_at_ms() const noexcept { return ended_at_ms_; }

  // Frames can follow: the bytes so far end at a frame boundary the peer agrees on.
  bool at_frame_boundary() const noexcept {
    return boundary_known_ && framer_.at_frame_boundary() && !ended_at_ms_;
  }
  // A conforming server had to reject something already sent.
  bool invalid() const noexcept { return state_ == state::invalid; }

  const std::vector<std::string>& pings() const noexcept { return pings_; }
  const std::vector<std::string>& invalid_pings() const noexcept { return invalid_pings_; }
  // Of those, the pings that were themselves the first thing to reject (a ping with RSV1 set,
  // fragmented, unmasked...): a pong to one answers the bad frame, not something after it.
  const std::vector<std::string>& rule_breaking_pings() const noexcept {
    return rule_breaking_pings_;
  }

 private:
  enum class state : std::uint8_t { valid, invalid, unknown };
  codec::frame_decoder framer_;  // boundaries only; any flags, any masking
  bool boundary_known_ = true;
  void model(std::span<const std::uint8_t> bytes);
  codec::frame_decoder model_decoder_;        // the reference server's view: frames,
  codec::message_assembler model_assembler_;  // and the rules that span frames
  state state_ = state::valid;
  bool invalid_before_last_write_ = false;
  bool peer_is_client_ = false;
  std::vector<std::string> pings_, invalid_pings_, rule_breaking_pings_;
  std::optional<double> ended_at_ms_;
};

}  // namespace wsspec
