// Turns a sequence of frames into messages and control frames, enforcing the rules that span
// frames: fragmentation (RFC 6455 5.4), control frames between fragments (5.4, 5.5), UTF-8 of
// text messages checked as the bytes arrive so an endpoint can fail fast (8.1), close bodies
// (5.5.1, 7.4), and the receiver's message size limit (10.4).
//
// It sits after frame_decoder: for each frame call begin_frame(header), then append() with
// the unmasked payload slices, then end_frame(). Any call may return a protocol_error; after
// one, the connection is to be failed and the assembler must not be used further.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "wsspec/codec/close.hpp"
#include "wsspec/codec/frame_header.hpp"
#include "wsspec/codec/protocol_error.hpp"
#include "wsspec/codec/utf8.hpp"

namespace wsspec::codec {

struct assembler_options {
  // Messages whose payload exceeds this fail with message_too_large (RFC 6455 10.4).
  std::uint64_t max_message_size = std::uint64_t{64} << 20;
  // Keep the message bytes (an echo server or a test harness needs them; a validator may not).
  bool collect = true;
  // permessage-deflate was negotiated (RFC 7692): RSV1 on a message's first frame marks it
  // compressed. Compressed text is not UTF-8-checked here; the caller checks the inflated bytes.
  bool compressed_messages = false;
};

enum class assembled : std::uint8_t {
  nothing,  // the frame was a non-final fragment
  message,  // a text or binary message is complete: see message()
  control,  // a control frame is complete: see control_opcode() / control_payload()
};

class message_assembler {
 public:
  explicit message_assembler(assembler_options options = {}) : options_(options) {}

  protocol_error begin_frame(const frame_header& h) noexcept;
  protocol_error append(std::span<const std::uint8_t> unmasked);
  protocol_error end_frame(assembled& what) noexcept;

  // A fragmented message has started and not yet finished.
  bool in_message() const noexcept { return in_message_; }

  opcode message_opcode() const noexcept { return message_op_; }
  bool message_compressed() const noexcept { return message_compressed_; }
  std::uint64_t message_size() const noexcept { return message_size_; }
  // The message so far (complete after end_frame returned assembled::message).
  std::span<const std::uint8_t> message() const noexcept { return message_; }
  // Offset within the message of the first invalid byte, after invalid_utf8.
  std::uint64_t utf8_error_offset() const noexcept { return utf8_.error_offset(); }
  // Number of frames in the current (or just completed) message.
  std::uint64_t message_frames() const noexcept { return message_frames_; }

  opcode control_opcode() const noexcept { return control_op_; }
  std::span<const std::uint8_t> control_payload() const noexcept { return control_; }
  // Valid after a close frame was assembled.
  const close_body& close() const noexcept { return close_; }

 private:
  assembler_options options_;
  bool in_message_ = false;
  bool frame_is_control_ = false;
  bool frame_fin_ = false;
  opcode message_op_ = opcode::binary;
  bool message_compressed_ = false;
  std::uint64_t message_size_ = 0;
  std::uint64_t message_frames_ = 0;
  std::vector<std::uint8_t> message_;
  utf8_validator utf8_;
  opcode control_op_ = opcode::ping;
  std::vector<std::uint8_t> control_;
  close_body close_;
};

}  // namespace wsspec::codec
