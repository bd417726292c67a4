// What the target sends on one case's connection, as typed observations: the HTTP response
// to the opening request (checked against what the request offered) -- or, when the target is
// a client, its opening request (checked against RFC 6455 4.1) -- then its frames read through
// codec::message_reader, then how the connection ended. It judges nothing; the judge (judge/)
// does. Every wait is for the target's idleness, never for wall time alone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "run/idle_clock.hpp"
#include "run/opening_request.hpp"
#include "transport/connection.hpp"
#include "wsspec/codec/inflater.hpp"
#include "wsspec/codec/message_reader.hpp"
#include "wsspec/codec/permessage_deflate.hpp"
#include "wsspec/reports/case_result.hpp"
#include "wsspec/reports/observation.hpp"

namespace wsspec {

// When bytes last moved on this connection and on any of the run's, and the case's wall-time
// bound: what every wait of a case is measured against.
struct io_activity {
  idle_clock* run = nullptr;
  clock::time_point own{};
  clock::time_point hard_deadline{};

  void touch() {
    own = clock::now();
    run->touch();
  }
  // `own_only`: this connection's idleness alone (a silence nothing else can prove); else the
  // target's, which is not idle while it moves another case's bytes.
  clock::time_point idle_deadline(std::uint32_t idle_ms, bool own_only) const {
    const clock::time_point since = own_only ? own : std::max(run->last(), own);
    return std::min(hard_deadline, since + std::chrono::milliseconds(idle_ms));
  }
};

// What wsspec reads from a target at most (wsspec run's --max-head, --max-frame, --max-message):
// beyond them the reader stops with the codec's limit error, and the case is not judged.
struct target_limits {
  std::uint64_t head_bytes = 256 << 10;  // Chromium's limit for a response head
  std::uint64_t frame_bytes = std::uint64_t{64} << 20;
  std::uint64_t message_bytes = std::uint64_t{64} << 20;
};

// What of wsspec's limits an observation ran into ("a message beyond wsspec's --max-message of
// 64 MiB"), or "" when none: the target sent more than wsspec accepts, which no RFC forbids,
// so the case cannot be judged.
std::string limit_hit(const observation& o, const target_limits& limits);

// The role of the peer under test; wsspec takes the other one. A server's frames must come
// unmasked, a client's masked (RFC 6455 5.1).
enum class peer_role : std::uint8_t { server, client };

class target_reader {
 public:
  target_reader(connection& conn, io_activity& io, const target_limits& limits,
                peer_role peer = peer_role::server);

  // The opening request was sent: the next observation is its response.
  void await_response(const opening_request& request);
  // The target is a client: the next observation is its opening request, read from
  // `already_read` (what a listener took off the socket to route it) and then the socket.
  void await_request(std::string already_read);
  // The client's request as the codec validated it (key, offers), once it has been read.
  const codec::request_validation& client_request() const noexcept { return client_request_; }
  // wsspec, the client's server, accepted its permessage-deflate offer with these parameters:
  // RSV1 marks a compressed message, inflated with the client's window.
  void agree_deflate(const codec::deflate_params& agreed);
  // wsspec answered the client's request with a 101: frames follow.
  void established_by_us() {
    established_ = true;
    refused_ = false;
    frames_.feed(std::span(reinterpret_cast<const std::uint8_t*>(early_frames_.data()),
                           early_frames_.size()));
    early_frames_.clear();
  }
  // Before wsspec answers the client's request: waits until the client has been quiet for `ms`
  // (or has sent something, or closed TCP) and returns how many bytes it sent after its
  // request; they stay for the frame reader.
  std::size_t bytes_before_response(std::uint32_t ms);
  // The next thing the target did, or how waiting for it ended (TCP end, idle time-out).
  observation next(std::uint32_t idle_ms, bool own_only);

  // After wsspec's close: data frames are decoded but not assembled (RFC 6455 5.5.1).
  void ignore_data_frames() { frames_.ignore_data_frames(); }
  // A pong with this payload answers a barrier ping.
  void add_barrier(std::string payload) { barriers_.push_back(std::move(payload)); }

  bool awaiting_response() const noexcept { return awaiting_response_; }
  bool established() const noexcept { return established_; }
  // The permessage-deflate parameters the 101 agreed to, if it accepted an offer.
  const std::optional<codec::deflate_params>& deflate() const noexcept { return deflate_; }
  bool tcp_gone() const noexcept { return tcp_gone_; }
  bool peer_sent_close() const noexcept { return peer_sent_close_; }
  std::optional<std::uint16_t> close_code() const noexcept { return close_code_; }
  bool saw_timeout() const noexcept { return saw_timeout_; }
  const std::string& server_header() const noexcept { return server_header_; }
  // The target's compressed messages so far: their bytes inflated and on the wire.
  std::uint64_t inflated_bytes() const noexcept { return inflated_total_; }
  std::uint64_t compressed_bytes() const noexcept { return compressed_total_; }
  // The masking keys of the masked frames read so far (a client's), in order, big-endian,
  // at most case_result::max_mask_keys of them (RFC 6455 5.3 is judged on a sample).
  const std::vector<std::uint32_t>& mask_keys() const noexcept { return mask_keys_; }

 private:
  std::optional<observation> fill(std::uint32_t idle_ms, bool own_only, bool for_frames);
  observation read_response(std::uint32_t idle_ms, bool own_only);
  observation read_request(std::uint32_t idle_ms, bool own_only);
  observation decoded(codec::read_status s);
  void note_unfinished_frame(observation& o, bool for_frames) const;
  void note_mask_key();
  codec::deflate_negotiation_error negotiate_compression(const codec::http_fields& fields);
  codec::protocol_error inflate(std::span<const std::uint8_t> compressed, std::uint8_t opcode);

  target_limits limits_;
  peer_role peer_;
  connection& conn_;
  io_activity& io_;
  const opening_request* request_ = nullptr;
  std::string http_inbox_;
  std::string early_frames_;  // a client's bytes after its request, until wsspec answered
  codec::message_reader frames_;
  codec::http_limits head_limits_;
  // permessage-deflate, once the 101 accepted it: the agreed parameters and the inflater of
  // what the target sends, and the last message inflated.
  std::optional<codec::deflate_params> deflate_;
  std::optional<codec::inflater> inflater_;
  std::vector<std::uint8_t> inflated_;
  std::uint64_t inflated_total_ = 0, compressed_total_ = 0;
  std::vector<std::string> barriers_;
  std::vector<std::uint32_t> mask_keys_;
  std::string server_header_;
  std::optional<std::uint16_t> close_code_;
  codec::request_validation client_request_;
  bool awaiting_response_ = false;
  bool awaiting_request_ = false;
  bool established_ = false;
  bool refused_ = false;      // the answer was not a valid 101: no frames follow
  bool frames_done_ = false;  // after a broken rule the rest is not read as frames
  bool tcp_gone_ = false;
  bool reset_ = false;
  bool peer_sent_close_ = false;
  bool saw_timeout_ = false;
};

}  // namespace wsspec
