// Decompressing permessage-deflate messages (RFC 7692 7.2.2) with zlib's raw inflate, one
// inflater per direction. For each compressed message (RSV1 on its first frame, RFC 7692 6.1)
// call feed() with the payload in slices of any size, then finish() at the end of the message,
// which appends 0x00 0x00 0xff 0xff and checks that the message ended where a DEFLATE block
// ends. One byte at a time gives the same output and error as the whole payload at once.
//
// Bounded: at most max_message_size inflated bytes per message are ever written; the first byte
// beyond it is inflated_message_too_large (close 1009), however small the input (DEFLATE
// expands at most about 1032:1, so a 1 MB message can claim 1 GiB). zlib inflates 16 KiB at a
// time into a buffer of the inflater's; the caller's vector grows to the message size, never
// past the bound (its capacity included).
//
// What RFC 7692 says, and what the inflater does with it:
// * 7.2.2: append the tail and inflate; with context takeover the next message starts from the
//   LZ77 window left by the previous one, otherwise (no_context_takeover) from an empty window.
// * 7.2.1 and 7.2.3.4: a sender may end its data with a block that has BFINAL set, pad it to a
//   byte boundary, and the next block "follows the padded data". zlib ends a stream at such a
//   block; the inflater then starts the next one at once, keeping the window, since RFC 7692
//   ties the window to the messages, not to blocks. So 7.2.3.4's f3 48 cd c9 c9 07 00 00 is
//   "Hello", and blocks may follow a BFINAL block within the same message or in later ones.
// * 7.2.1 step 3: the payload ends inside the header of an empty stored block, which the
//   appended tail completes. If, after the tail, the inflater is not at a block boundary (the
//   payload stops inside a block, ends with a BFINAL block and no 0x00 after it, or still holds
//   the 0x00 0x00 0xff 0xff the sender should have removed), the message is
//   compressed_data_incomplete: its data and every later message's would be misread.
// * Data that is not DEFLATE (a reserved block type, a bad code, a distance before the start of
//   the window) is compressed_data_invalid; zlib's reason is in error_detail().
// * Window bits size the window zlib allocates. zlib does not reject a distance beyond the
//   agreed window when the bytes it names are still in its buffers, so a peer that exceeds its
//   window is caught only when the distance reaches before everything kept.
//
// After an error the inflater keeps returning it; reset() starts over with an empty window.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "wsspec/codec/protocol_error.hpp"

struct z_stream_s;

namespace wsspec::codec {

struct inflater_options {
  // The sender's LZ77 window, 8..15 (RFC 7692 7.1.2): what the agreed *_max_window_bits says.
  std::uint8_t window_bits = 15;
  // Start every message with an empty window (the sender agreed to no context takeover).
  bool no_context_takeover = false;
  // Inflated bytes allowed per message (RFC 6455 10.4).
  std::uint64_t max_message_size = std::uint64_t{64} << 20;
};

class inflater {
 public:
  // Throws std::invalid_argument for window bits outside 8..15, std::bad_alloc when zlib cannot
  // allocate its state.
  explicit inflater(inflater_options options = {});
  ~inflater();
  inflater(inflater&&) noexcept;
  inflater& operator=(inflater&&) noexcept;
  inflater(const inflater&) = delete;
  inflater& operator=(const inflater&) = delete;

  // Inflates the next slice of the current message's payload, appending to `out`.
  protocol_error feed(std::span<const std::uint8_t> compressed, std::vector<std::uint8_t>& out);
  // Ends the message (appends the tail, checks the block boundary) and prepares the next one.
  protocol_error finish(std::vector<std::uint8_t>& out);

  // Inflated bytes of the current message so far (of the finished one, until the next feed).
  std::uint64_t message_size() const noexcept { return message_size_; }
  protocol_error error() const noexcept { return error_; }
  // zlib's message for compressed_data_invalid ("invalid block type", ...), else "".
  std::string_view error_detail() const noexcept { return detail_; }
  const inflater_options& options() const noexcept { return options_; }

  // An empty window and no error, as if new.
  void reset();

 private:
  protocol_error run(const std::uint8_t* data, std::size_t size, std::vector<std::uint8_t>& out);
  protocol_error fail(protocol_error e) noexcept;

  struct stream_deleter {
    void operator()(z_stream_s* s) const noexcept;
  };

  inflater_options options_;
  std::unique_ptr<z_stream_s, stream_deleter> stream_;
  std::unique_ptr<std::uint8_t[]> chunk_;  // what zlib writes into, then copied to the caller
  std::uint64_t message_size_ = 0;
  bool message_started_ = false;
  bool at_block_boundary_ = true;
  protocol_error error_ = protocol_error::none;
  std::string_view detail_;
};

}  // namespace wsspec::codec
