// permessage-deflate compression (RFC 7692 7.2.1); see deflater.hpp for the rules and choices.
#include "wsspec/codec/deflater.hpp"

#include <isa-l/igzip_lib.h>
#include <zlib.h>

#include <algorithm>
#include <new>
#include <stdexcept>

namespace wsspec::codec {

namespace {

// What Z_SYNC_FLUSH ends the data with: an empty stored block, its 3 header bits padded to the
// byte boundary, then LEN 0x0000 and NLEN 0xffff. 7.2.1 step 3 removes the last four bytes.
constexpr std::uint8_t k_tail[4] = {0x00, 0x00, 0xff, 0xff};

}  // namespace

void deflater::stream_deleter::operator()(z_stream_s* s) const noexcept {
  deflateEnd(s);
  delete s;
}

struct deflater::fast_stream {
  isal_zstream z{};
  std::vector<std::uint8_t> level_buffer = std::vector<std::uint8_t>(ISAL_DEF_LVL1_DEFAULT);
};

void deflater::fast_deleter::operator()(fast_stream* s) const noexcept { delete s; }

deflater::deflater(deflater_options options) : options_(options) {
  if (options_.window_bits < 8 || options_.window_bits > 15)
    throw std::invalid_argument("deflater: window bits must be 8..15 (RFC 7692 7.1.2)");
  if (options_.level < 0 || options_.level > 9)
    throw std::invalid_argument("deflater: level must be 0..9");
  if (options_.memory_level < 1 || options_.memory_level > 9)
    throw std::invalid_argument("deflater: memory level must be 1..9");
  // Window bits 8: stored blocks only, which zlib runs with a 512-byte window but which never
  // refer back (see deflater.hpp).
  const bool stored_only = options_.window_bits == 8;
  if (options_.level == 1 && !stored_only) {
    fast_.reset(new fast_stream);
    isal_deflate_init(&fast_->z);
    fast_->z.level = 1;
    fast_->z.level_buf = fast_->level_buffer.data();
    fast_->z.level_buf_size = static_cast<std::uint32_t>(fast_->level_buffer.size());
    fast_->z.gzip_flag = IGZIP_DEFLATE;  // raw DEFLATE, as 7.2.1 says
    // The agreed window (RFC 7692 7.1.2): no distance reaches further back.
    fast_->z.hist_bits = options_.window_bits;
    return;
  }
  const int level = stored_only ? 0 : options_.level;
  const int bits = stored_only ? 9 : options_.window_bits;
  stream_.reset(new z_stream_s{});
  // Negative window bits: raw DEFLATE, no zlib header or checksum (RFC 1951, as 7.2.1 says).
  const int r = deflateInit2(stream_.get(), level, Z_DEFLATED, -bits, options_.memory_level,
                             Z_DEFAULT_STRATEGY);
  if (r == Z_MEM_ERROR) throw std::bad_alloc();
  if (r != Z_OK) throw std::runtime_error("deflater: deflateInit2 failed");
}

deflater::~deflater() = default;
deflater::deflater(deflater&&) noexcept = default;
deflater& deflater::operator=(deflater&&) noexcept = default;

void deflater::reset() {
  if (fast_) {
    isal_deflate_reset(&fast_->z);
    return;
  }
  deflateReset(stream_.get());
}

std::vector<std::uint8_t> deflater::compress(std::span<const std::uint8_t> message) {
  std::vector<std::uint8_t> out;
  compress(message, out);
  return out;
}

void deflater::compress(std::span<const std::uint8_t> message, std::vector<std::uint8_t>& out) {
  if (message.empty()) {
    // 7.2.3.6: the header bits of an empty stored block, which the receiver's tail completes.
    // zlib would write nothing at all for a second flush in a row.
    out.push_back(0x00);
    return;
  }
  if (fast_) return compress_fast(message, out);
  z_stream& z = *stream_;
  const std::size_t base = out.size();
  const auto* data = message.data();
  std::size_t left = message.size();
  std::size_t written = base;
  // deflateBound covers one call with Z_FINISH; the sync flush adds an empty stored block and
  // up to a byte of padding: a few bytes more, and the loop grows the buffer if ever needed.
  out.resize(base + deflateBound(&z, static_cast<uLong>(std::min<std::size_t>(left, 1u << 30))) +
             16);
  for (;;) {
    const auto part = static_cast<uInt>(std::min<std::size_t>(left, 1u << 30));
    z.next_in = const_cast<Bytef*>(data);  // zlib's API is not const-correct; it only reads
    z.avail_in = part;
    if (out.size() - written < 64) out.resize(out.size() + std::max<std::size_t>(out.size(), 64));
    const auto room = static_cast<uInt>(std::min<std::size_t>(out.size() - written, 1u << 30));
    z.next_out = out.data() + written;
    z.avail_out = room;
    // 7.2.1 step 1 and 2: compress everything, and end with an empty stored block.
    const int r = deflate(&z, left > part ? Z_NO_FLUSH : Z_SYNC_FLUSH);
    if (r == Z_STREAM_ERROR) throw std::logic_error("deflater: unexpected zlib state");
    data += part - z.avail_in;
    left -= part - z.avail_in;
    written += room - z.avail_out;
    // Done when all input is in and the flush did not run out of room (zlib.h: call again with
    // the same flush while avail_out comes back 0).
    if (left == 0 && z.avail_out != 0) break;
  }
  out.resize(written);
  // 7.2.1 step 3. zlib.h promises the flush ends with exactly these bytes.
  if (written - base < 4 || !std::equal(out.end() - 4, out.end(), k_tail))
    throw std::logic_error("deflater: zlib's sync flush did not end with 00 00 ff ff");
  out.resize(written - 4);
  if (options_.no_context_takeover) deflateReset(&z);
}

void deflater::compress_fast(std::span<const std::uint8_t> message,
                             std::vector<std::uint8_t>& out) {
  isal_zstream& z = fast_->z;
  const std::size_t base = out.size();
  const auto* data = message.data();
  std::size_t left = message.size();
  std::size_t written = base;
  // Level 1 never expands incompressible data by more than its stored-block framing; the loop
  // grows the buffer if ever needed.
  out.resize(base + left + left / 16 + 64);
  z.end_of_stream = 0;
  for (;;) {
    const auto part = static_cast<std::uint32_t>(std::min<std::size_t>(left, 1u << 30));
    z.next_in = const_cast<std::uint8_t*>(data);  // ISA-L only reads it
    z.avail_in = part;
    // 7.2.1 steps 1 and 2; a full flush also forgets the window (no context takeover).
    z.flush = left > part ? NO_FLUSH : options_.no_context_takeover ? FULL_FLUSH : SYNC_FLUSH;
    if (out.size() - written < 64) out.resize(out.size() + std::max<std::size_t>(out.size(), 64));
    const auto room =
        static_cast<std::uint32_t>(std::min<std::size_t>(out.size() - written, 1u << 30));
    z.next_out = out.data() + written;
    z.avail_out = room;
    if (isal_deflate(&z) != COMP_OK) throw std::logic_error("deflater: unexpected ISA-L state");
    data += part - z.avail_in;
    left -= part - z.avail_in;
    written += room - z.avail_out;
    // igzip_lib.h: all input is flushed once it is consumed and the state is back at a new
    // block header.
    if (left == 0 && z.avail_in == 0 && z.internal_state.state == ZSTATE_NEW_HDR) break;
  }
  out.resize(written);
  if (written - base < 4 || !std::equal(out.end() - 4, out.end(), k_tail))
    throw std::logic_error("deflater: ISA-L's sync flush did not end with 00 00 ff ff");
  out.resize(written - 4);  // 7.2.1 step 3
}

}  // namespace wsspec::codec
