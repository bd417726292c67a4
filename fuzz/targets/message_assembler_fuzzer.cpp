// Message assembler (RFC 6455 5.4, 5.5, 5.5.1, 7.4, 8.1, 10.4; RFC 7692 6.1). The input is a
// frame stream: the frame decoder (all its checks off but reserved opcodes, which the
// assembler never sees) turns it into frames, and each frame goes to the assembler with its
// payload in slices of a length chosen by the input. A small model written from the RFC runs
// alongside and must agree on every step: the error (and at which call), every completed
// message (opcode, bytes, frame count), every control frame (opcode, payload, close code and
// reason). A second assembler with collect = false must report the same events.
//
// Input layout: byte 0: bit 0 compressed_messages, bits 1-7 the slice length; byte 1: the
// message size limit (small, so the limit is reached; 0xFF = the default 64 MiB); the rest is
// the stream. The limits keep memory bounded: a message is at most the input's size.
#include <cstdlib>
#include <optional>
#include <span>
#include <vector>

#include "../common/utf8_model.hpp"
#include "wsspec/codec/frame_decoder.hpp"
#include "wsspec/codec/message_assembler.hpp"

namespace {

using namespace wsspec::codec;

[[noreturn]] void mismatch() { std::abort(); }

// Close codes a receiver accepts, restated from RFC 6455 7.4.1-7.4.2 and the IANA registry
// (1012-1014 registered after the RFC), independent of is_valid_close_code.
bool model_close_code_ok(std::uint16_t c) {
  if (c < 1000) return false;                             // 7.4.2: not used
  if (c == 1004 || c == 1005 || c == 1006) return false;  // reserved / never on the wire
  if (c == 1015) return false;                            // never on the wire
  if (c <= 1014) return true;                             // 1000-1003, 1007-1014
  if (c < 3000) return false;                             // reserved for the protocol, unassigned
  return c <= 4999;                                       // 3000-4999; 5000+ is outside every range
}

// The assembler's rules, one frame at a time, in the order the calls are made.
class model {
 public:
  model(std::uint64_t max_message, bool compressed) : max_(max_message), compressed_(compressed) {}

  protocol_error begin(const frame_header& h) {
    const bool rsv1 = (h.rsv & rsv1_bit) != 0;
    fin_ = h.fin;
    control_ = is_control(h.op);
    if (control_) {
      if (compressed_ && rsv1) return protocol_error::compressed_bit_on_control;
      control_op_ = h.op;
      control_payload_.clear();
      return protocol_error::none;
    }
    if (h.op == opcode::continuation) {
      if (!in_message_) return protocol_error::continuation_without_message;
      if (compressed_ && rsv1) return protocol_error::compressed_bit_on_continuation;
      ++frames_;
      return protocol_error::none;
    }
    if (in_message_) return protocol_error::data_frame_inside_message;
    in_message_ = true;
    op_ = h.op;
    message_compressed_ = compressed_ && rsv1;
    message_.clear();
    frames_ = 1;
    utf8_ = {};
    return protocol_error::none;
  }

  protocol_error append(std::span<const std::uint8_t> p) {
    if (control_) {
      if (control_payload_.size() + p.size() > 125) return protocol_error::control_frame_too_long;
      control_payload_.insert(control_payload_.end(), p.begin(), p.end());
      return protocol_error::none;
    }
    if (message_.size() + p.size() > max_) return protocol_error::message_too_large;
    message_.insert(message_.end(), p.begin(), p.end());
    if (op_ == opcode::text && !message_compressed_ && !utf8_.feed(p))
      return protocol_error::invalid_utf8;
    return protocol_error::none;
  }

  protocol_error end(assembled& what) {
    what = assembled::nothing;
    if (control_) {
      if (control_op_ == opcode::close && !control_payload_.empty()) {
        if (control_payload_.size() == 1) return protocol_error::close_payload_one_byte;
        const auto code =
            static_cast<std::uint16_t>((control_payload_[0] << 8) | control_payload_[1]);
        if (!model_close_code_ok(code)) return protocol_error::close_code_invalid;
        if (!wsspec::fuzz::validate_utf8_model(std::span(control_payload_).subspan(2)).valid)
          return protocol_error::close_reason_invalid_utf8;
      }
      what = assembled::control;
      return protocol_error::none;
    }
    if (!fin_) return protocol_error::none;
    in_message_ = false;
    if (op_ == opcode::text && !message_compressed_ && !utf8_.finish())
      return protocol_error::invalid_utf8;
    what = assembled::message;
    return protocol_error::none;
  }

  std::uint64_t max_;
  bool compressed_;
  bool in_message_ = false, fin_ = false, control_ = false, message_compressed_ = false;
  opcode op_ = opcode::binary, control_op_ = opcode::ping;
  std::vector<std::uint8_t> message_, control_payload_;
  std::uint64_t frames_ = 0;
  wsspec::fuzz::utf8_model utf8_;
};

// Compares the assembler's state after end_frame with the model's.
void compare(const message_assembler& a, const message_assembler& lean, const model& m,
             assembled what) {
  if (what == assembled::message) {
    if (a.message_opcode() != m.op_ || lean.message_opcode() != m.op_) mismatch();
    if (a.message_compressed() != m.message_compressed_) mismatch();
    if (a.message_size() != m.message_.size() || lean.message_size() != m.message_.size())
      mismatch();
    if (!std::equal(a.message().begin(), a.message().end(), m.message_.begin(), m.message_.end()))
      mismatch();
    if (!lean.message().empty()) mismatch();  // collect = false keeps no bytes
    if (a.message_frames() != m.frames_) mismatch();
  } else if (what == assembled::control) {
    if (a.control_opcode() != m.control_op_) mismatch();
    const auto p = a.control_payload();
    if (!std::equal(p.begin(), p.end(), m.control_payload_.begin(), m.control_payload_.end()))
      mismatch();
    if (m.control_op_ == opcode::close) {
      const close_body& c = a.close();
      if (m.control_payload_.empty()) {
        if (c.code || !c.reason.empty()) mismatch();
      } else if (!c.code || *c.code != ((m.control_payload_[0] << 8) | m.control_payload_[1]) ||
                 c.reason.size() != m.control_payload_.size() - 2) {
        mismatch();
      }
    }
  }
  if (a.in_message() != m.in_message_ || lean.in_message() != m.in_message_) mismatch();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const bool compressed = (data[0] & 1) != 0;
  const std::size_t slice = 1 + (data[0] >> 1);
  assembler_options ao;
  ao.compressed_messages = compressed;
  if (data[1] != 0xFF) ao.max_message_size = data[1];
  assembler_options lean_options = ao;
  lean_options.collect = false;
  message_assembler a(ao), lean(lean_options);
  model m(ao.max_message_size, compressed);

  decoder_options o;
  o.masking = mask_rule::any;
  o.allowed_rsv = 0x70;
  o.require_minimal_length = false;
  frame_decoder d(o);

  std::span<const std::uint8_t> in(data + 2, size - 2);
  // Unmasked copy of the current payload slice; static so it keeps its capacity.
  static std::vector<std::uint8_t> buf;
  while (!in.empty()) {
    const decode_result r = d.next(in);
    in = in.subspan(r.consumed);
    if (r.status == decode_status::error || r.status == decode_status::need_more) break;
    if (r.status == decode_status::frame) {
      const protocol_error e = a.begin_frame(r.header);
      if (e != m.begin(r.header) || lean.begin_frame(r.header) != e) mismatch();
      if (e != protocol_error::none) return 0;
    }
    buf.assign(r.payload.begin(), r.payload.end());
    if (r.header.masked) apply_mask(buf, r.header.key, r.payload_offset);
    for (std::size_t pos = 0; pos < buf.size(); pos += slice) {
      const auto part = std::span(buf).subspan(pos, std::min(slice, buf.size() - pos));
      const protocol_error e = a.append(part);
      if (e != m.append(part) || lean.append(part) != e) mismatch();
      if (e != protocol_error::none) {
        if (e == protocol_error::invalid_utf8 && a.utf8_error_offset() != m.utf8_.error_offset())
          mismatch();
        return 0;
      }
    }
    if (r.frame_complete) {
      assembled what{}, lean_what{}, model_what{};
      const protocol_error e = a.end_frame(what);
      if (e != m.end(model_what) || lean.end_frame(lean_what) != e) mismatch();
      if (e != protocol_error::none) {
        if (e == protocol_error::invalid_utf8 && a.utf8_error_offset() != m.utf8_.error_offset())
          mismatch();
        return 0;
      }
      if (what != model_what || lean_what != what) mismatch();
      compare(a, lean, m, what);
    }
  }
  return 0;
}
