// A test-only DEFLATE (RFC 1951) walker: decodes a raw stream just far enough to see every
// back-reference, so a test can prove that a deflater kept to the window it promised (RFC 7692
// 7.1.2). zlib's inflater cannot: it only rejects a distance once the bytes it names have left
// its buffers, which for a small window is far beyond the window (inflater.hpp). Written from
// the RFC's tables, canonical Huffman decoding one bit at a time: slow and simple on purpose.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace wsspec::test {

struct deflate_walk_result {
  bool ok = false;               // the stream decoded to its end at a block boundary
  std::size_t output = 0;        // bytes it decodes to
  std::size_t max_distance = 0;  // the farthest back-reference
  bool saw_final = false;        // a block with BFINAL set
};

class deflate_walker {
 public:
  explicit deflate_walker(std::span<const std::uint8_t> in) : in_(in) {}

  deflate_walk_result run() {
    deflate_walk_result r;
    while (pos_ < in_.size() || bit_count_ > 0) {
      if (pos_ >= in_.size() && bit_count_ < 3) break;  // padding bits after the last block
      int last = 0, type = 0;
      if (!bits(1, last) || !bits(2, type)) return r;
      bool good = false;
      if (type == 0) good = stored();
      if (type == 1) good = fixed();
      if (type == 2) good = dynamic();
      if (!good) return r;
      r.saw_final |= last != 0;
      if (last) break;
    }
    r.ok = true;
    r.output = output_;
    r.max_distance = max_distance_;
    return r;
  }

 private:
  struct huffman {
    std::array<short, 16> count{};
    std::vector<short> symbol;
  };

  bool bits(int need, int& out) {
    long v = bit_buffer_;
    while (bit_count_ < need) {
      if (pos_ >= in_.size()) return false;
      v |= static_cast<long>(in_[pos_++]) << bit_count_;
      bit_count_ += 8;
    }
    bit_buffer_ = v >> need;
    bit_count_ -= need;
    out = static_cast<int>(v & ((1L << need) - 1));
    return true;
  }

  bool stored() {
    bit_buffer_ = 0;
    bit_count_ = 0;
    if (pos_ + 4 > in_.size()) return false;
    const unsigned len = in_[pos_] | (in_[pos_ + 1] << 8);
    const unsigned nlen = in_[pos_ + 2] | (in_[pos_ + 3] << 8);
    pos_ += 4;
    if (len != (~nlen & 0xffffu) || pos_ + len > in_.size()) return false;
    pos_ += len;
    output_ += len;
    return true;
  }

  static bool build(huffman& h, const short* lengths, int n) {
    h.count.fill(0);
    for (int s = 0; s < n; ++s) ++h.count[lengths[s]];
    if (h.count[0] == n) {
      h.symbol.clear();
      return true;
    }
    int left = 1;
    for (int len = 1; len < 16; ++len) {
      left = (left << 1) - h.count[len];
      if (left < 0) return false;  // over-subscribed
    }
    std::array<short, 16> offs{};
    for (int len = 1; len < 15; ++len) offs[len + 1] = offs[len] + h.count[len];
    h.symbol.assign(n, 0);
    for (int s = 0; s < n; ++s)
      if (lengths[s] != 0) h.symbol[offs[lengths[s]]++] = static_cast<short>(s);
    return true;
  }

  bool decode(const huffman& h, int& sym) {
    int code = 0, first = 0, index = 0;
    for (int len = 1; len < 16; ++len) {
      int b = 0;
      if (!bits(1, b)) return false;
      code |= b;
      const int count = h.count[len];
      if (code - count < first) {
        sym = h.symbol[index + (code - first)];
        return true;
      }
      index += count;
      first += count;
      first <<= 1;
      code <<= 1;
    }
    return false;
  }

  bool codes(const huffman& lit, const huffman& dist) {
    static constexpr short len_base[29] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                           15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                           67, 83, 99, 115, 131, 163, 195, 227, 258};
    static constexpr short len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                            2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    static constexpr short dist_base[30] = {
        1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
        193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    static constexpr short dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                             6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
    for (;;) {
      int sym = 0;
      if (!decode(lit, sym)) return false;
      if (sym < 256) {
        ++output_;
      } else if (sym == 256) {
        return true;
      } else {
        sym -= 257;
        if (sym >= 29) return false;
        int extra = 0;
        if (!bits(len_extra[sym], extra)) return false;
        const std::size_t len = static_cast<std::size_t>(len_base[sym] + extra);
        int dsym = 0;
        if (!decode(dist, dsym) || dsym >= 30) return false;
        if (!bits(dist_extra[dsym], extra)) return false;
        const std::size_t d = static_cast<std::size_t>(dist_base[dsym]) + extra;
        if (d > output_) return false;  // before the start of the stream
        max_distance_ = std::max(max_distance_, d);
        output_ += len;
      }
    }
  }

  bool fixed() {
    static const auto tables = [] {
      std::pair<huffman, huffman> t;
      short lengths[288];
      for (int s = 0; s < 144; ++s) lengths[s] = 8;
      for (int s = 144; s < 256; ++s) lengths[s] = 9;
      for (int s = 256; s < 280; ++s) lengths[s] = 7;
      for (int s = 280; s < 288; ++s) lengths[s] = 8;
      build(t.first, lengths, 288);
      for (int s = 0; s < 30; ++s) lengths[s] = 5;
      build(t.second, lengths, 30);
      return t;
    }();
    return codes(tables.first, tables.second);
  }

  bool dynamic() {
    static constexpr short order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                        11, 4,  12, 3, 13, 2, 14, 1, 15};
    int nlen = 0, ndist = 0, ncode = 0;
    if (!bits(5, nlen) || !bits(5, ndist) || !bits(4, ncode)) return false;
    nlen += 257;
    ndist += 1;
    ncode += 4;
    if (nlen > 286 || ndist > 30) return false;
    short lengths[320] = {};
    for (int i = 0; i < ncode; ++i) {
      int v = 0;
      if (!bits(3, v)) return false;
      lengths[order[i]] = static_cast<short>(v);
    }
    huffman lencode, lit, dist;
    if (!build(lencode, lengths, 19)) return false;
    for (int i = 0; i < nlen + ndist;) {
      int sym = 0;
      if (!decode(lencode, sym)) return false;
      if (sym < 16) {
        lengths[i++] = static_cast<short>(sym);
        continue;
      }
      short value = 0;
      int repeat = 0;
      if (sym == 16) {
        if (i == 0) return false;
        value = lengths[i - 1];
        if (!bits(2, repeat)) return false;
        repeat += 3;
      } else if (sym == 17) {
        if (!bits(3, repeat)) return false;
        repeat += 3;
      } else {
        if (!bits(7, repeat)) return false;
        repeat += 11;
      }
      if (i + repeat > nlen + ndist) return false;
      while (repeat--) lengths[i++] = value;
    }
    return build(lit, lengths, nlen) && build(dist, lengths + nlen, ndist) && codes(lit, dist);
  }

  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  long bit_buffer_ = 0;
  int bit_count_ = 0;
  std::size_t output_ = 0;
  std::size_t max_distance_ = 0;
};

}  // namespace wsspec::test
