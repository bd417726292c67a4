#include "wsspec/codec/close.hpp"

#include "wsspec/codec/utf8.hpp"

namespace wsspec::codec {

bool is_valid_close_code(std::uint16_t code) noexcept {
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  return code >= 3000 && code <= 4999;
}

std::string_view close_code_name(std::uint16_t code) noexcept {
  switch (code) {
    case 1000:
      return "normal closure";
    case 1001:
      return "going away";
    case 1002:
      return "protocol error";
    case 1003:
      return "unsupported data";
    case 1004:
      return "reserved";
    case 1005:
      return "no status received (must not be sent)";
    case 1006:
      return "abnormal closure (must not be sent)";
    case 1007:
      return "invalid frame payload data";
    case 1008:
      return "policy violation";
    case 1009:
      return "message too big";
    case 1010:
      return "mandatory extension";
    case 1011:
      return "internal error";
    case 1012:
      return "service restart";
    case 1013:
      return "try again later";
    case 1014:
      return "bad gateway";
    case 1015:
      return "TLS handshake failure (must not be sent)";
    default:
      break;
  }
  if (code < 1000) return "not used";
  if (code < 3000) return "reserved for the protocol, unassigned";
  if (code < 4000) return "registered for libraries and frameworks";
  if (code < 5000) return "private use";
  return "outside the RFC's ranges";
}

protocol_error parse_close_body(std::span<const std::uint8_t> payload, close_body& out) noexcept {
  out = {};
  if (payload.empty()) return protocol_error::none;  // 5.5.1: a close frame may have no body
  if (payload.size() == 1) return protocol_error::close_payload_one_byte;
  const auto code = static_cast<std::uint16_t>((payload[0] << 8) | payload[1]);
  out.code = code;
  const auto reason = payload.subspan(2);
  out.reason = {reinterpret_cast<const char*>(reason.data()), reason.size()};
  if (!is_valid_close_code(code)) return protocol_error::close_code_invalid;
  if (!validate_utf8(reason).valid) return protocol_error::close_reason_invalid_utf8;
  return protocol_error::none;
}

std::vector<std::uint8_t> make_close_body(std::uint16_t code, std::string_view reason) {
  std::vector<std::uint8_t> out;
  out.reserve(2 + reason.size());
  out.push_back(static_cast<std::uint8_t>(code >> 8));
  out.push_back(static_cast<std::uint8_t>(code));
  out.insert(out.end(), reason.begin(), reason.end());
  return out;
}

}  // namespace wsspec::codec
