#include "serve_cases/short_session.hpp"

#include <array>
#include <vector>

#include "wsspec/codec/close.hpp"
#include "wsspec/codec/frame_decoder.hpp"
#include "wsspec/codec/frame_header.hpp"
#include "wsspec/codec/handshake.hpp"

namespace wsspec::serve_cases {

namespace {

bool write_all(connection& conn, std::string_view bytes, clock::time_point deadline) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(bytes.data());
  return conn.write({p, bytes.size()}, deadline).status == io_status::ok;
}

bool write_frame(connection& conn, codec::opcode op, std::span<const std::uint8_t> payload,
                 clock::time_point deadline) {
  codec::frame_header h;
  h.op = op;
  h.masked = false;  // RFC 6455 5.1: a server must not mask
  const std::vector<std::uint8_t> frame = codec::encode_frame(h, payload);
  return conn.write(frame, deadline).status == io_status::ok;
}

// The longest prefix of `s` of at most `max` bytes that does not cut a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

}  // namespace

void refuse(connection& conn, int status, std::string_view body, const codec::http_fields& extra,
            clock::time_point deadline) {
  codec::http_fields fields = extra;
  fields.push_back({"Connection", "close"});
  const std::string reply = codec::build_error_response(status, fields, std::string(body) + "\n");
  write_all(conn, reply, deadline);
  conn.shutdown_send(deadline);
  conn.close();
}

bool accept_upgrade(connection& conn, std::string_view key, clock::time_point deadline) {
  return write_all(conn, codec::build_response(codec::compute_accept(key)), deadline);
}

bool send_text(connection& conn, std::string_view text, clock::time_point deadline) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
  return write_frame(conn, codec::opcode::text, {p, text.size()}, deadline);
}

void close_session(connection& conn, std::uint16_t code, std::string_view reason,
                   clock::time_point deadline) {
  // 2 bytes of code + the reason must fit a control frame (RFC 6455 5.5).
  const std::vector<std::uint8_t> body =
      codec::make_close_body(code, utf8_prefix(reason, codec::max_control_payload - 2));
  if (write_frame(conn, codec::opcode::close, body, deadline)) {
    // The client answers with its own close frame (RFC 6455 5.5.1); anything before it (a
    // message it was still sending) is read and dropped.
    codec::frame_decoder decoder(codec::decoder_options::server());
    std::array<std::uint8_t, 4096> buf{};
    bool done = false;
    while (!done) {
      const io_result r = conn.read_some(buf, deadline);
      if (r.status != io_status::ok) break;
      std::span<const std::uint8_t> in(buf.data(), r.bytes);
      while (!in.empty() && !done) {
        const codec::decode_result d = decoder.next(in);
        if (d.status == codec::decode_status::error) done = true;
        if (d.status == codec::decode_status::frame && d.header.op == codec::opcode::close)
          done = true;
        if (d.consumed == 0) break;
        in = in.subspan(d.consumed);
      }
    }
  }
  conn.close();
}

}  // namespace wsspec::serve_cases
