#include "wsspec/codec/message_assembler.hpp"

namespace wsspec::codec {

protocol_error message_assembler::begin_frame(const frame_header& h) noexcept {
  frame_fin_ = h.fin;
  const bool rsv1 = (h.rsv & rsv1_bit) != 0;
  if (is_control(h.op)) {
    // 5.5: control frames may come between the fragments of a message; they do not touch
    // the message in progress.
    if (options_.compressed_messages && rsv1) return protocol_error::compressed_bit_on_control;
    frame_is_control_ = true;
    control_op_ = h.op;
    control_.clear();
    return protocol_error::none;
  }
  frame_is_control_ = false;
  if (h.op == opcode::continuation) {
    if (!in_message_) return protocol_error::continuation_without_message;  // 5.4
    if (options_.compressed_messages && rsv1) return protocol_error::compressed_bit_on_continuation;
    ++message_frames_;
    return protocol_error::none;
  }
  // A text or binary frame starts a message, which must not happen inside another (5.4).
  if (in_message_) return protocol_error::data_frame_inside_message;
  in_message_ = true;
  message_op_ = h.op;
  message_compressed_ = options_.compressed_messages && rsv1;
  message_size_ = 0;
  message_frames_ = 1;
  message_.clear();
  utf8_.reset();
  return protocol_error::none;
}

protocol_error message_assembler::append(std::span<const std::uint8_t> unmasked) {
  if (frame_is_control_) {
    if (control_.size() + unmasked.size() > max_control_payload)
      return protocol_error::control_frame_too_long;  // 5.5; the decoder checks this first
    control_.insert(control_.end(), unmasked.begin(), unmasked.end());
    return protocol_error::none;
  }
  if (unmasked.size() > options_.max_message_size - message_size_)
    return protocol_error::message_too_large;  // 10.4
  message_size_ += unmasked.size();
  // 8.1: validate as the bytes arrive, so invalid text is caught at its first bad byte even
  // in an unfinished message.
  if (message_op_ == opcode::text && !message_compressed_ && !utf8_.feed(unmasked))
    return protocol_error::invalid_utf8;
  if (options_.collect) message_.insert(message_.end(), unmasked.begin(), unmasked.end());
  return protocol_error::none;
}

protocol_error message_assembler::end_frame(assembled& what) noexcept {
  what = assembled::nothing;
  if (frame_is_control_) {
    if (control_op_ == opcode::close) {
      if (auto e = parse_close_body(control_, close_); e != protocol_error::none) return e;
    }
    what = assembled::control;
    return protocol_error::none;
  }
  if (!frame_fin_) return protocol_error::none;
  in_message_ = false;
  // A text message must not end inside a code point (8.1).
  if (message_op_ == opcode::text && !message_compressed_ && !utf8_.finish())
    return protocol_error::invalid_utf8;
  what = assembled::message;
  return protocol_error::none;
}

}  // namespace wsspec::codec
