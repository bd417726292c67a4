// permessage-deflate decompression (RFC 7692 7.2.2); see inflater.hpp for the rules and choices.
#include "wsspec/codec/inflater.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <new>
#include <stdexcept>

namespace wsspec::codec {

namespace {

// RFC 7692 7.2.2 step 1: what the sender removed (7.2.1 step 3), put back.
constexpr std::array<std::uint8_t, 4> k_tail = {0x00, 0x00, 0xff, 0xff};
// zlib inflates into a buffer of this size, owned by the inflater, and the bytes are then
// appended to the caller's vector: writing into the vector directly would mean growing it (and
// zeroing the new bytes) before every call, however little input the call has.
constexpr std::size_t k_chunk = 16 * 1024;
// inflate()'s strm->data_type: set when it stopped right after a block, before the next one's
// header (zlib.h, "inflate() sets strm->data_type ...", with flush Z_BLOCK).
constexpr int k_block_boundary = 128;

// Appends to `out` with capacity for at most `limit` bytes in all: the usual doubling, capped,
// so a message near the bound never reserves up to twice the bound.
void append(std::vector<std::uint8_t>& out, const std::uint8_t* data, std::size_t n,
            std::size_t limit) {
  const std::size_t need = out.size() + n;
  if (need > out.capacity()) out.reserve(std::min(std::max(out.capacity() * 2, need), limit));
  out.insert(out.end(), data, data + n);
}

}  // namespace

void inflater::stream_deleter::operator()(z_stream_s* s) const noexcept {
  inflateEnd(s);
  delete s;
}

inflater::inflater(inflater_options options) : options_(options), stream_(new z_stream_s{}) {
  if (options_.window_bits < 8 || options_.window_bits > 15)
    throw std::invalid_argument("inflater: window bits must be 8..15 (RFC 7692 7.1.2)");
  // Negative window bits: raw DEFLATE, no zlib header or checksum (RFC 7692 7.2.2 is RFC 1951).
  const int r = inflateInit2(stream_.get(), -static_cast<int>(options_.window_bits));
  if (r == Z_MEM_ERROR) throw std::bad_alloc();
  if (r != Z_OK) throw std::runtime_error("inflater: inflateInit2 failed");
}

inflater::~inflater() = default;
inflater::inflater(inflater&&) noexcept = default;
inflater& inflater::operator=(inflater&&) noexcept = default;

void inflater::reset() {
  inflateReset(stream_.get());
  message_size_ = 0;
  message_started_ = false;
  at_block_boundary_ = true;
  error_ = protocol_error::none;
  detail_ = {};
}

protocol_error inflater::fail(protocol_error e) noexcept {
  error_ = e;
  return e;
}

protocol_error inflater::feed(std::span<const std::uint8_t> compressed,
                              std::vector<std::uint8_t>& out) {
  if (error_ != protocol_error::none) return error_;
  if (!message_started_) {
    message_started_ = true;
    message_size_ = 0;
  }
  return run(compressed.data(), compressed.size(), out);
}

protocol_error inflater::finish(std::vector<std::uint8_t>& out) {
  if (const protocol_error e = feed(k_tail, out); e != protocol_error::none) return e;
  // 7.2.1 step 3: with the tail back, the data ends exactly after the empty stored block.
  if (!at_block_boundary_) return fail(protocol_error::compressed_data_incomplete);
  message_started_ = false;
  // 7.2.2: "MAY decompress each new message with an empty LZ77 sliding window".
  if (options_.no_context_takeover) inflateReset(stream_.get());
  return protocol_error::none;
}

protocol_error inflater::run(const std::uint8_t* data, std::size_t size,
                             std::vector<std::uint8_t>& out) {
  z_stream& z = *stream_;
  if (!chunk_) chunk_ = std::make_unique_for_overwrite<std::uint8_t[]>(k_chunk);
  for (;;) {
    // zlib counts input in uInt; feed a huge slice in parts.
    const auto part = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
    z.next_in = const_cast<Bytef*>(data);  // zlib's API is not const-correct; it only reads
    z.avail_in = part;
    // Room for the rest of the message, plus one byte: if zlib writes that one, the message
    // goes on past the bound, and that byte is the error.
    const std::uint64_t room = options_.max_message_size - message_size_;
    const auto given = static_cast<uInt>(std::min<std::uint64_t>(k_chunk - 1, room) + 1);
    z.next_out = chunk_.get();
    z.avail_out = given;

    // Z_BLOCK: stop after each block, so data_type says when the data is at a block boundary.
    const int r = inflate(&z, Z_BLOCK);
    const std::size_t consumed = part - z.avail_in;
    const std::size_t written = given - z.avail_out;
    data += consumed;
    size -= consumed;
    const auto keep = static_cast<std::size_t>(std::min<std::uint64_t>(written, room));
    const std::size_t limit =
        out.size() + static_cast<std::size_t>(std::min<std::uint64_t>(room, SIZE_MAX - out.size()));
    append(out, chunk_.get(), keep, limit);
    message_size_ += keep;
    if (written > room) return fail(protocol_error::inflated_message_too_large);
    // A call that made no progress leaves data_type meaningless (zlib stops before the
    // next header without reading it): keep what the last real step said.
    if (consumed != 0 || written != 0) at_block_boundary_ = (z.data_type & k_block_boundary) != 0;

    switch (r) {
      case Z_OK:
        break;
      case Z_STREAM_END:
        // A block with BFINAL ended the DEFLATE stream; 7.2.1 lets the next block follow (after
        // the padding zlib already skipped). Start a new stream, keeping the window:
        // inflateResetKeep is inflateReset without the window reset, declared and exported by
        // zlib (listed in zlib.h under "undocumented functions").
        inflateResetKeep(&z);
        at_block_boundary_ = true;
        break;
      case Z_BUF_ERROR:
        // No progress possible: all input used and nothing pending.
        return protocol_error::none;
      case Z_DATA_ERROR:
        detail_ = z.msg != nullptr ? std::string_view(z.msg) : std::string_view();
        return fail(protocol_error::compressed_data_invalid);
      case Z_MEM_ERROR:
        throw std::bad_alloc();
      default:  // Z_STREAM_ERROR, Z_NEED_DICT: cannot happen with a valid raw stream
        throw std::logic_error("inflater: unexpected zlib state");
    }
    if (size == 0 && z.avail_out != 0) break;  // input used up, output not full: done
  }
  return protocol_error::none;
}

}  // namespace wsspec::codec
