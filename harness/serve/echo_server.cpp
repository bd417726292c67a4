// The reference echo server (see echo_server.hpp). Every decision below names the RFC 6455
// section it follows; where the RFC leaves a choice, the comment says which one was made.
//
// A connection goes through these phases:
//   handshake   reading the request head (4.2.1); ends with 101 -> open, or an error reply ->
//               closing. Bounded by handshake_timeout.
//   open        frames are decoded, unmasked and assembled by a codec::message_reader;
//               messages are echoed (5.6), pings answered (5.5.2), pongs ignored (5.5.3). A
//               protocol error fails the connection (7.1.7): close frame with
//               close_code_for(error) -> closing. A valid close frame is answered with a close
//               frame (5.5.1) -> closing. Idle for idle_timeout: the server sends close 1001
//               -> close_wait.
//   close_wait  the server's close frame is out; data frames and pings are ignored (5.5.1: no
//               data after a close frame; 1.4, 7.1.2), the peer's close ends it -> closing.
//   closing     no frame is processed any more (7.1.7: "MUST NOT continue to attempt to process
//               data"). Once the queued bytes (the close frame last) are written, the server
//               closes its side of the TCP connection (FIN): the server closes TCP first
//               (7.1.1). It then reads and discards until the peer's FIN and closes the socket.
//               Closing the socket while unread bytes sit in the kernel would send a RST, and a
//               RST can make the peer's TCP throw away our close frame before the peer read it
//               (RFC 7230 6.6 describes the same "lingering close" for HTTP).
//   done        the socket is closed; pending handlers see this and return.
// Once a close frame is queued, the whole connection is gone within close_timeout.
//
// permessage-deflate (RFC 7692), all of it the codec's (permessage_deflate.hpp, inflater.hpp,
// deflater.hpp):
// * Negotiation (5, 7, 7.1): the client's offers are tried in its order; the first valid
//   permessage-deflate offer the server can honour is accepted (accept_deflate_offer), with
//   every parameter it asks for. An invalid offer (unknown or duplicate parameter, a bad window
//   value, a value on a *_no_context_takeover) is declined, not an error (7: "a server MUST
//   decline an extension negotiation offer"), and the next one is tried; other extensions are
//   ignored (9.1). With no acceptable offer the connection runs without compression.
// * Reading (6.1, 7.2.2): RSV1 on the first frame of a message means compressed; on a
//   continuation or control frame it fails the connection with 1002 (message_reader), as does
//   RSV1 on a connection without permessage-deflate (RFC 6455 5.2). A compressed message is
//   inflated with the client's agreed window and context takeover, at most max_message_size
//   inflated bytes (more is 1009, the inflater stops at the bound); data that does not inflate
//   is 1007 (protocol_error.hpp says why); inflated text must be UTF-8 (1007, RFC 6455 8.1).
// * Writing (6.1, 7.2.1): every echoed message is compressed (RSV1, the server's agreed window
//   and context takeover, the 00 00 ff ff tail removed), whether it came compressed or not
//   (6.1: a sender may choose per message; the reference server always compresses, so a client
//   sees compression in every echo). Control frames are never compressed (6.1).
#include "serve/echo_server.hpp"

#include <array>
#include <asio.hpp>
#include <atomic>
#include <cstdio>
#include <deque>
#include <exception>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "wsspec/codec/close.hpp"
#include "wsspec/codec/frame_header.hpp"
#include "wsspec/codec/handshake.hpp"
#include "wsspec/codec/http.hpp"
#include "wsspec/codec/message_reader.hpp"
#include "wsspec/codec/permessage_deflate.hpp"
#include "wsspec/codec/protocol_error.hpp"
#include "wsspec/codec/utf8.hpp"

namespace wsspec {
namespace {

using asio::ip::tcp;
using steady = std::chrono::steady_clock;

// A server-to-client frame: never masked (RFC 6455 5.1), always FIN (the echo server does not
// fragment what it sends, 5.4 allows either). `compressed`: RSV1, the payload is a
// permessage-deflate message (RFC 7692 6.1).
std::vector<std::uint8_t> server_frame(codec::opcode op, std::span<const std::uint8_t> payload,
                                       bool compressed = false) {
  codec::frame_header h;
  h.fin = true;
  h.rsv = compressed ? codec::rsv1_bit : std::uint8_t{0};
  h.op = op;
  h.masked = false;
  return codec::encode_frame(h, payload);
}

// The server's side of the negotiation, from the command line's choices.
codec::deflate_server_options deflate_options_of(const echo_server_options& o) {
  codec::deflate_server_options d;
  d.server_no_context_takeover = o.deflate_server_no_context_takeover;
  d.server_max_window_bits = o.deflate_server_max_window_bits;
  // The deflater honours every window 8..15 (deflater.hpp: stored blocks for 8), so no
  // offer is declined for its server_max_window_bits.
  d.min_server_max_window_bits = codec::min_window_bits;
  return d;
}

// Buffers kept between messages up to this size; a larger one is released after its message.
constexpr std::size_t kept_buffer_size = 256 * 1024;

std::string endpoint_text(const tcp::socket& socket) {
  std::error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  if (ec) return "?";
  const auto address = ep.address().to_string();
  return (ep.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(ep.port());
}

class echo_connection : public std::enable_shared_from_this<echo_connection> {
 public:
  echo_connection(const echo_server_options& options, std::atomic<std::size_t>& count,
                  tcp::socket socket)
      : options_(options),
        count_(count),
        socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        peer_(endpoint_text(socket_)),
        parser_(std::in_place),  // default http_limits: 16 KiB head, 8 KiB line, 100 fields
        reader_(make_reader_options(options)) {
    ++count_;
  }
  ~echo_connection() { --count_; }
  echo_connection(const echo_connection&) = delete;
  echo_connection& operator=(const echo_connection&) = delete;

  void start() {
    accepted_at_ = last_activity_ = steady::now();
    schedule(accepted_at_ + options_.handshake_timeout);
    start_read();
  }

 private:
  enum class phase : std::uint8_t { handshake, open, close_wait, closing, done };

  static codec::reader_options make_reader_options(const echo_server_options& o,
                                                   bool deflate = false) {
    codec::reader_options r;
    // RFC 6455 5.1: a server fails the connection on an unmasked frame. Without an extension
    // every RSV bit is an error (5.2); lengths must be minimal (5.2).
    r.decoder = codec::decoder_options::server();
    r.decoder.max_frame_payload = o.max_frame_size;
    // 10.4: the reader refuses a frame as soon as its header shows the message will be too
    // big, rather than after buffering max_message_size bytes of it. For a compressed message
    // this bounds the compressed bytes; the inflater bounds the inflated ones.
    r.assembler.max_message_size = o.max_message_size;
    r.assembler.collect = true;
    if (deflate) {
      // RFC 7692 6: permessage-deflate gives RSV1 its meaning; RSV2 and RSV3 stay errors.
      r.decoder.allowed_rsv = codec::rsv1_bit;
      r.assembler.compressed_messages = true;
    }
    return r;
  }

  void log(std::string_view what) const {
    if (options_.verbose) {
      std::fprintf(stderr, "wsspec serve: %s: %.*s\n", peer_.c_str(), static_cast<int>(what.size()),
                   what.data());
    }
  }

  // --- Timing -------------------------------------------------------------------------------

  steady::time_point deadline() const {
    switch (phase_) {
      case phase::handshake:
        return accepted_at_ + options_.handshake_timeout;
      case phase::open:
        return last_activity_ + options_.idle_timeout;
      default:
        return close_deadline_;
    }
  }

  // One timer per connection. Activity only moves the open phase's deadline later, so the
  // timer is not re-armed on every read: when it fires early it re-arms for the real deadline.
  void schedule(steady::time_point when) {
    if (timer_waiting_ && when >= timer_at_) return;
    timer_at_ = when;
    timer_waiting_ = true;
    timer_.expires_at(when);  // cancels a pending wait, whose handler then sees aborted
    timer_.async_wait([self = shared_from_this()](const std::error_code& ec) {
      if (ec != asio::error::operation_aborted) self->on_timer();
    });
  }

  void on_timer() {
    timer_waiting_ = false;
    if (phase_ == phase::done) return;
    const auto now = steady::now();
    if (const auto when = deadline(); now < when) {
      schedule(when);
      return;
    }
    switch (phase_) {
      case phase::handshake:
        // No reply: the request is not complete, so there is nothing to answer.
        log("no complete opening handshake within the handshake timeout; closed");
        finish();
        return;
      case phase::open:
        if (!out_.empty()) {
          // Nothing read and nothing written for idle_timeout while replies wait: the peer
          // does not read. Nothing more can reach it, so drop the TCP connection.
          log("peer stopped reading; connection dropped");
          finish();
          return;
        }
        // RFC 6455 7.4.1: 1001, the endpoint is going away.
        log("idle timeout; sending close 1001");
        send_close(codec::make_close_body(1001, "idle timeout"));
        phase_ = phase::close_wait;
        // 5.5.1, 7.1.2: no data after our close frame; only the peer's close matters now.
        reader_.ignore_data_frames();
        return;
      default:
        log("closing handshake or TCP close not completed within the close timeout; closed");
        finish();
        return;
    }
  }

  // --- Reading ------------------------------------------------------------------------------

  void start_read() {
    if (reading_ || peer_eof_ || phase_ == phase::done) return;
    // Back-pressure: while replies pile up, stop reading, so a peer that sends without
    // reading is slowed down by TCP instead of growing our queue. In the closing phase
    // nothing is produced any more and reading must go on to see the peer's FIN.
    if (phase_ != phase::closing && out_bytes_ > echo_server::write_high_water) {
      read_paused_ = true;
      return;
    }
    read_paused_ = false;
    reading_ = true;
    // Straight into the reader's buffer. In the other phases the bytes are not committed to it:
    // the handshake copies them into head_, closing discards them.
    read_area_ = reader_.prepare(echo_server::read_chunk_size);
    socket_.async_read_some(asio::buffer(read_area_.data(), read_area_.size()),
                            [self = shared_from_this()](const std::error_code& ec, std::size_t n) {
                              self->on_read(ec, n);
                            });
  }

  void on_read(const std::error_code& ec, std::size_t n) {
    reading_ = false;
    if (phase_ == phase::done) return;
    if (ec) {
      if (ec != asio::error::eof) {
        if (phase_ != phase::closing) log("read error: " + ec.message());
        finish();  // a reset or another error: nothing more can be done on this socket
        return;
      }
      peer_eof_ = true;
      if (phase_ == phase::handshake) {
        finish();
      } else if (phase_ == phase::open || phase_ == phase::close_wait) {
        // The peer closed TCP without a closing handshake (7.1.5: abnormal closure, 1006,
        // which is never sent). Write what is queued (the peer may still read), then close.
        log("peer closed the TCP connection without a closing handshake");
        if (!writing_ && out_.empty()) finish();
      } else if (fin_sent_) {
        finish();  // closing: both sides have sent FIN
      }
      return;
    }
    last_activity_ = steady::now();
    try {
      switch (phase_) {
        case phase::handshake:
          on_handshake_bytes(n);
          break;
        case phase::open:
        case phase::close_wait:
          reader_.commit(n);
          on_frame_bytes();
          break;
        default:
          break;  // closing: discard (7.1.7)
      }
    } catch (const std::exception& e) {  // std::bad_alloc: not this connection's fault
      log(std::string("internal error: ") + e.what());
      finish();
      return;
    }
    start_read();
  }

  // --- Opening handshake (RFC 6455 4.2) -------------------------------------------------------

  void on_handshake_bytes(std::size_t n) {
    // The parser wants the whole head so far on every call; its limits bound head_.
    head_.append(reinterpret_cast<const char*>(read_area_.data()), n);
    const codec::http_parse_result r = parser_->parse(head_);
    if (r.incomplete()) return;
    if (r.failed()) {
      // 431 / 414 for the limits (RFC 6585 5, RFC 7230 3.1.1), 400 for malformed heads.
      reject(codec::suggested_status(r.error), {}, codec::describe(r.error),
             std::string("bad request head: ").append(codec::to_string(r.error)));
      return;
    }
    const codec::request_validation v = codec::validate_request(parser_->get());
    if (!v.ok()) {
      // 4.2.2 /version/ and 4.4: 426 with Sec-WebSocket-Version: 13 for a version we do not
      // speak; 405 + Allow for a method other than GET; 400 for everything else (4.2.1).
      reject(v.status, codec::error_response_fields(v.error), codec::describe(v.error),
             "handshake rejected: " + v.message);
      return;
    }
    // 4.2.2 step 5: 101 with the accept value. An echo server selects no subprotocol
    // (4.2.2 /subprotocol/: null); of the extensions (9.1) only permessage-deflate.
    std::optional<std::string> extensions;
    if (options_.deflate) extensions = negotiate_deflate(v.extensions);
    enqueue(codec::build_response(codec::compute_accept(v.key), std::nullopt, extensions));
    phase_ = phase::open;
    last_activity_ = steady::now();
    schedule(deadline());
    // Bytes after the head (a client may send its first frames right after the request,
    // without waiting for the 101) are WebSocket data.
    const auto* rest = reinterpret_cast<const std::uint8_t*>(head_.data()) + r.consumed;
    reader_.feed({rest, head_.size() - r.consumed});
    std::string().swap(head_);
    parser_.reset();
    on_frame_bytes();
  }

  // RFC 7692 5, 7: the first offer that is valid and that this server can honour, in the
  // client's order; declined offers are logged with the reason. Returns the response element,
  // or nothing when every offer is declined. On success the connection reads RSV1 as
  // compressed from the first frame on (the client may send right after its request).
  std::optional<std::string> negotiate_deflate(std::span<const codec::extension_offer> offers) {
    const codec::deflate_server_options server_options = deflate_options_of(options_);
    for (const codec::extension_offer& offer : offers) {
      codec::deflate_acceptance a = codec::accept_deflate_offer(offer, server_options);
      if (a.error == codec::deflate_negotiation_error::not_permessage_deflate) continue;  // 9.1
      if (!a.ok()) {
        if (options_.verbose) {
          log("permessage-deflate offer \"" + codec::format_extensions(std::span(&offer, 1)) +
              "\" declined: " + std::string(codec::describe(a.error)) + " (" +
              std::string(codec::rfc_section(a.error)) + ")");
        }
        continue;
      }
      const codec::extension_offer response[] = {codec::to_extension(a.response)};
      std::string value = codec::format_extensions(response);
      inflater_.emplace(codec::inflater_options_for(a.agreed, codec::endpoint_role::server,
                                                    options_.max_message_size));
      auto compression = codec::deflater_options_for(a.agreed, codec::endpoint_role::server);
      compression.level = options_.deflate_level;
      deflater_.emplace(compression);
      reader_ = codec::message_reader(make_reader_options(options_, true));
      if (options_.verbose) log("permessage-deflate accepted: " + value);
      return value;
    }
    return std::nullopt;
  }

  void reject(int status, codec::http_fields fields, std::string_view body, std::string_view why) {
    log(why);
    // RFC 7230 6.6: a server that closes the connection after the response sends the "close"
    // connection option. A 426 must also carry Upgrade (RFC 7231 6.5.15), so Connection lists
    // both; build_error_response adds Upgrade and Sec-WebSocket-Version for 426.
    fields.insert(fields.begin(), {"Connection", status == 426 ? "Upgrade, close" : "close"});
    const std::string text = std::string(body) + "\n";
    enqueue(codec::build_error_response(status, fields, text));
    close_deadline_ = steady::now() + options_.close_timeout;
    schedule(close_deadline_);
    begin_closing();
  }

  // --- Frames (RFC 6455 5) ----------------------------------------------------------------------

  // Everything the reader has, event by event, until it needs more bytes or the connection
  // stops processing frames (7.1.7, 5.5.1). In close_wait the reader ignores data frames, so
  // only control frames (the peer's close) come out (5.5.1, 7.1.2).
  void on_frame_bytes() {
    while (phase_ == phase::open || phase_ == phase::close_wait) {
      switch (reader_.next()) {
        case codec::read_status::need_more:
          return;
        case codec::read_status::violation:
          // Header rules, fragmentation, UTF-8 at its first bad byte (8.1: fail fast, even in
          // an unfinished fragment), close bodies, and the size limits (10.4).
          fail(reader_.error());
          return;
        case codec::read_status::fragment:
          break;
        case codec::read_status::message:
          // 5.6: echo the message, same opcode, as one unfragmented unmasked frame.
          if (!deflater_) {
            enqueue(server_frame(reader_.message_opcode(), reader_.message()));
          } else if (!echo_compressed()) {
            return;  // the connection was failed
          }
          break;
        case codec::read_status::control:
          on_control_frame();
          break;
      }
    }
  }

  // With permessage-deflate: inflate the message if it came compressed (RFC 7692 7.2.2),
  // check inflated text (RFC 6455 8.1), and echo it compressed (7.2.1). False when the
  // connection was failed instead.
  bool echo_compressed() {
    const codec::opcode op = reader_.message_opcode();
    std::span<const std::uint8_t> message = reader_.message();
    if (reader_.message_compressed()) {
      inflated_.clear();
      codec::protocol_error e = inflater_->feed(message, inflated_);
      if (e == codec::protocol_error::none) e = inflater_->finish(inflated_);
      if (e == codec::protocol_error::none && op == codec::opcode::text &&
          !codec::validate_utf8(inflated_).valid) {
        e = codec::protocol_error::invalid_utf8;
      }
      if (e != codec::protocol_error::none) {
        release_buffers();
        fail(e);
        return false;
      }
      message = inflated_;
    }
    compressed_.clear();
    deflater_->compress(message, compressed_);
    enqueue(server_frame(op, compressed_, true));
    release_buffers();
    return true;
  }

  void release_buffers() {
    if (inflated_.capacity() > kept_buffer_size) std::vector<std::uint8_t>().swap(inflated_);
    if (compressed_.capacity() > kept_buffer_size) std::vector<std::uint8_t>().swap(compressed_);
  }

  void on_control_frame() {
    switch (reader_.control_opcode()) {
      case codec::opcode::ping:
        // 5.5.2: a pong with the same application data, as soon as possible, even between the
        // fragments of a message (5.4). Not after our close frame (5.5.1).
        if (phase_ == phase::open) {
          enqueue(server_frame(codec::opcode::pong, reader_.control_payload()));
        }
        return;
      case codec::opcode::pong:
        return;  // 5.5.3: an unsolicited pong needs no response
      case codec::opcode::close:
        if (phase_ == phase::open) {
          // 5.5.1: reply with a close frame; echo the status code. A close without a body
          // gets an empty one (1005 must not be sent, 7.4.1). The reason is not echoed.
          const codec::close_body& c = reader_.close();
          send_close(c.code ? codec::make_close_body(*c.code) : std::vector<std::uint8_t>{});
        }
        // 7.1.1: the closing handshake is done; the server closes the TCP connection first.
        begin_closing();
        return;
      default:
        return;  // reserved control opcodes never get here: the decoder rejects them (5.2)
    }
  }

  // 7.1.7 Fail the WebSocket Connection: a close frame with the status code the error calls
  // for (1002, 1007, 1009; 7.4.1), nothing of the offending frame or message echoed, no
  // further data processed, then the TCP connection is closed.
  void fail(codec::protocol_error e) {
    if (phase_ == phase::close_wait) {
      // Our close frame is already out (only one may be sent, 5.5.1): just close TCP.
      log(std::string("protocol error after our close frame: ").append(codec::to_string(e)));
      begin_closing();
      return;
    }
    const std::uint16_t code = codec::close_code_for(e);
    // RFC 7692 sections come prefixed ("RFC 7692 6.1"), RFC 6455 ones bare ("5.2").
    const std::string_view section = codec::rfc_section(e);
    log("failing the connection with " + std::to_string(code) + ": " +
        std::string(codec::to_string(e)) + " (" + (section.starts_with("RFC") ? "" : "RFC 6455 ") +
        std::string(section) + ")");
    // The reason is the error's identifier: ASCII, so valid UTF-8, and far below 123 bytes.
    send_close(codec::make_close_body(code, codec::to_string(e)));
    begin_closing();
  }

  void send_close(std::vector<std::uint8_t> body) {
    enqueue(server_frame(codec::opcode::close, body));
    close_deadline_ = steady::now() + options_.close_timeout;
    schedule(close_deadline_);
  }

  // Only called from within on_read, which then reads on (discarding) until the peer's FIN.
  // (Starting that read here would call reader_.prepare(), which may move the buffer the
  // caller is still reading a message or control payload from.)
  void begin_closing() {
    phase_ = phase::closing;
    if (!writing_ && out_.empty()) on_drained();
  }

  // --- Writing ------------------------------------------------------------------------------

  void enqueue(std::string_view bytes) {
    enqueue(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
  }
  void enqueue(std::vector<std::uint8_t> bytes) {
    if (bytes.empty() || phase_ == phase::done) return;
    out_bytes_ += bytes.size();
    out_.push_back(std::move(bytes));
    if (!writing_) do_write();
  }

  void do_write() {
    if (phase_ == phase::done) return;
    if (out_.empty()) {
      on_drained();
      return;
    }
    // Gather-write up to 16 queued buffers at a time (many small echoes and pongs in a row
    // go out in one system call).
    write_buffers_.clear();
    for (auto it = out_.begin(); it != out_.end() && write_buffers_.size() < 16; ++it) {
      const std::size_t skip = it == out_.begin() ? out_offset_ : 0;
      write_buffers_.emplace_back(it->data() + skip, it->size() - skip);
    }
    writing_ = true;
    socket_.async_write_some(write_buffers_,
                             [self = shared_from_this()](const std::error_code& ec, std::size_t n) {
                               self->on_write(ec, n);
                             });
  }

  void on_write(const std::error_code& ec, std::size_t n) {
    writing_ = false;
    if (phase_ == phase::done) return;
    if (ec) {
      log("write error: " + ec.message());
      finish();
      return;
    }
    last_activity_ = steady::now();
    out_bytes_ -= n;
    while (n > 0) {
      const std::size_t left = out_.front().size() - out_offset_;
      if (n < left) {
        out_offset_ += n;
        break;
      }
      n -= left;
      out_.pop_front();
      out_offset_ = 0;
    }
    if (read_paused_ && out_bytes_ <= echo_server::write_low_water) start_read();
    do_write();
  }

  // Everything queued is written.
  void on_drained() {
    if (phase_ == phase::closing && !fin_sent_) {
      std::error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_send, ignored);  // FIN: the server closes first
      fin_sent_ = true;
      if (peer_eof_) finish();
    } else if (peer_eof_ && phase_ != phase::closing) {
      finish();  // the peer half-closed without a closing handshake; its replies are out
    }
  }

  void finish() {
    if (phase_ == phase::done) return;
    phase_ = phase::done;
    std::error_code ignored;
    socket_.close(ignored);  // pending operations complete with operation_aborted
    timer_.cancel();
  }

  const echo_server_options& options_;
  std::atomic<std::size_t>& count_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  std::string peer_;

  phase phase_ = phase::handshake;
  steady::time_point accepted_at_{};
  steady::time_point last_activity_{};  // last read or write that moved bytes
  steady::time_point close_deadline_{};
  steady::time_point timer_at_{};
  bool timer_waiting_ = false;

  std::optional<codec::request_parser> parser_;
  std::string head_;
  codec::message_reader reader_;
  std::span<std::uint8_t> read_area_;  // where the pending read writes: reader_.prepare()
  // permessage-deflate, when negotiated: one per direction, and their output buffers.
  std::optional<codec::inflater> inflater_;
  std::optional<codec::deflater> deflater_;
  std::vector<std::uint8_t> inflated_;
  std::vector<std::uint8_t> compressed_;

  bool reading_ = false;
  bool read_paused_ = false;
  bool peer_eof_ = false;
  bool writing_ = false;
  bool fin_sent_ = false;
  std::deque<std::vector<std::uint8_t>> out_;
  std::size_t out_offset_ = 0;  // bytes of out_.front() already written
  std::size_t out_bytes_ = 0;   // bytes in out_ not yet written
  std::vector<asio::const_buffer> write_buffers_;
};

}  // namespace

struct echo_server::impl {
  explicit impl(echo_server_options o) : options(std::move(o)) {}

  void start_accept() {
    acceptor.async_accept([this](const std::error_code& ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) {
        // Out of file descriptors or buffers (EMFILE, ENFILE, ENOBUFS): retry a little later
        // instead of spinning; an aborted handshake (ECONNABORTED): retry at once.
        if (ec == asio::error::connection_aborted) {
          start_accept();
          return;
        }
        accept_retry.expires_after(std::chrono::milliseconds(50));
        accept_retry.async_wait([this](const std::error_code& e) {
          if (!e) start_accept();
        });
        return;
      }
      std::error_code ignored;
      if (connections.load() >= options.max_connections) {
        socket.close(ignored);
      } else {
        socket.set_option(tcp::no_delay(true), ignored);  // replies are small and latency-bound
        std::make_shared<echo_connection>(options, connections, std::move(socket))->start();
      }
      start_accept();
    });
  }

  // Declaration order is destruction order in reverse: connections still pending when the
  // io_context is destroyed use options and connections.
  echo_server_options options;
  std::atomic<std::size_t> connections{0};
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::steady_timer accept_retry{io};
  std::uint16_t port = 0;
};

echo_server::echo_server(echo_server_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {
  auto& s = *impl_;
  const std::string where = s.options.host + " port " + std::to_string(s.options.port);
  std::error_code ec;
  tcp::resolver resolver(s.io);
  const auto results =
      resolver.resolve(s.options.host, std::to_string(s.options.port),
                       tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec) throw std::system_error(ec, "cannot resolve " + s.options.host);
  if (results.empty()) {
    throw std::system_error(asio::error::host_not_found, "cannot resolve " + s.options.host);
  }
  const tcp::endpoint endpoint = results.begin()->endpoint();
  const auto fail = [&where](const std::error_code& e) {
    throw std::system_error(e, "cannot listen on " + where);
  };
  s.acceptor.open(endpoint.protocol(), ec);
  if (ec) fail(ec);
  // So that a restarted server can bind while old connections sit in TIME_WAIT; a port with
  // a live listener still fails with "address in use".
  s.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  s.acceptor.bind(endpoint, ec);
  if (ec) fail(ec);
  s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail(ec);
  s.port = s.acceptor.local_endpoint(ec).port();
  if (ec) fail(ec);
  s.start_accept();
}

echo_server::~echo_server() = default;

std::uint16_t echo_server::port() const noexcept { return impl_->port; }

void echo_server::run() {
  for (;;) {
    try {
      impl_->io.run();
      return;
    } catch (const std::exception& e) {
      // A handler threw (memory exhaustion): the connection it belonged to is dropped with
      // its handler; keep serving the others.
      if (impl_->options.verbose) std::fprintf(stderr, "wsspec serve: %s\n", e.what());
    }
  }
}

void echo_server::stop() { impl_->io.stop(); }

asio::io_context& echo_server::context() noexcept { return impl_->io; }

std::size_t echo_server::connection_count() const noexcept { return impl_->connections.load(); }

}  // namespace wsspec
