// Compressing permessage-deflate messages (RFC 7692 7.2.1) with zlib's raw deflate, one
// deflater per direction: compress the whole message, end it with a sync flush (which closes the
// data with an empty stored block, 0x00 0x00 0xff 0xff), and remove those four bytes. An empty
// message comes out as the single byte 0x00 (7.2.3.6). With context takeover the next message
// may refer back into this one's data; with no_context_takeover the window is emptied after
// every message.
//
// Window bits 8: zlib refuses raw deflate with a 256-byte window (deflateInit2 returns
// Z_STREAM_ERROR for windowBits -8), and compressing with 512 bytes instead
// would break the promise made in the handshake: a peer that agreed to a 256-byte window
// (RFC 7692 7.1.2.1, 7.1.2.2) may size its inflater to 256 bytes. So for 8 the deflater writes
// stored blocks only (zlib level 0, which zlib accepts with windowBits 9): they never refer back,
// so any window decodes them. The payload is then the message plus 5 bytes per stored block
// (of up to 64 KiB) and the final 0x00: correct, not small. Every other value, 9..15, is passed
// to zlib as is.
//
// The fast path: level 1 with windows 9..15 goes to Intel ISA-L's igzip (libisal), which
// deflates several times faster than zlib's fastest level, with its history limited to the
// agreed window (hist_bits); its output is plain DEFLATE that any inflater reads, ended by the
// same sync flush (a full flush when the window is forgotten after every message, which also
// keeps it from referring back). Every other level stays with zlib, the reference: codec tests
// inflate the fast path's output with zlib, and walk both paths' streams to prove that no
// distance reaches past the agreed window (tests/codec/deflate_walk.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct z_stream_s;

namespace wsspec::codec {

struct deflater_options {
  // The LZ77 window this end may use, 8..15 (RFC 7692 7.1.2): the agreed *_max_window_bits.
  std::uint8_t window_bits = 15;
  // Forget the window after every message (this end agreed to no context takeover, 7.1.1).
  bool no_context_takeover = false;
  // zlib's compression level, 0 (stored) to 9; ignored for window bits 8 (always 0, see above).
  // 1 with window bits 9..15 is ISA-L's level 1 (the fast path above).
  int level = 6;
  // zlib's memLevel, 1..9: memory for the match finder (not the window).
  int memory_level = 8;
};

class deflater {
 public:
  // Throws std::invalid_argument for options outside the ranges above, std::bad_alloc when
  // zlib cannot allocate its state.
  explicit deflater(deflater_options options = {});
  ~deflater();
  deflater(deflater&&) noexcept;
  deflater& operator=(deflater&&) noexcept;
  deflater(const deflater&) = delete;
  deflater& operator=(const deflater&) = delete;

  // Compresses one whole message and appends its payload to `out`.
  void compress(std::span<const std::uint8_t> message, std::vector<std::uint8_t>& out);
  std::vector<std::uint8_t> compress(std::span<const std::uint8_t> message);

  const deflater_options& options() const noexcept { return options_; }
  // An empty window, as if new.
  void reset();

 private:
  struct stream_deleter {
    void operator()(z_stream_s* s) const noexcept;
  };
  struct fast_stream;  // ISA-L's state, when the fast path applies
  struct fast_deleter {
    void operator()(fast_stream* s) const noexcept;
  };
  void compress_fast(std::span<const std::uint8_t> message, std::vector<std::uint8_t>& out);

  deflater_options options_;
  std::unique_ptr<z_stream_s, stream_deleter> stream_;
  std::unique_ptr<fast_stream, fast_deleter> fast_;
};

}  // namespace wsspec::codec
