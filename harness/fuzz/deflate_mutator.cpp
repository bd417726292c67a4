#include "fuzz/deflate_mutator.hpp"

#include <optional>
#include <span>
#include <utility>

#include "fuzz/rng.hpp"
#include "run/payload.hpp"
#include "wsspec/codec/deflater.hpp"
#include "wsspec/codec/opcode.hpp"

namespace wsspec::fuzz {

namespace {

// Compressed bytes are edited one by one below this; a bigger seed message stays whole.
constexpr std::size_t max_edited_payload = 64 * 1024;
constexpr std::uint64_t mib = 1024 * 1024;
constexpr std::uint8_t rsv1 = 4;
// Its own stream: the plain mutator's choices for the same seed and iteration stay unrelated.
constexpr std::uint64_t stream_salt = 0x7692'0000'DEF1'A7E5ull;

// Repetitive enough that its DEFLATE data has back-references (a corrupted or cut stream then
// also exercises distance checks), short enough to fit any agreed window.
const std::string& sample_text() {
  static const std::string s =
      "permessage-deflate fuzz input; permessage-deflate fuzz input; 0123456789 "
      "Hello, Hello, Hello! The quick brown fox jumps over the lazy dog, twice: "
      "the quick brown fox jumps over the lazy dog.";
  return s;
}

std::string opcode_name(std::uint8_t op) {
  return std::string(codec::to_string(codec::make_opcode(op)));
}

bool data_opcode(std::uint8_t op) { return op == 1 || op == 2; }

payload_spec bytes_payload(std::string b) {
  payload_spec p;
  p.bytes = std::move(b);
  return p;
}

send_frame frame(std::uint8_t opcode, std::string payload, std::uint8_t rsv = 0) {
  send_frame f;
  f.opcode = opcode;
  f.rsv = rsv;
  f.payload = bytes_payload(std::move(payload));
  return f;
}

// Offers a server may answer in several ways (RFC 7692 7.1): each agreement changes how it
// inflates and deflates. The plain offer is the common case and stays the most frequent.
const std::vector<std::string>& offers() {
  static const std::vector<std::string> v = {
      default_deflate_offer,
      default_deflate_offer,
      default_deflate_offer,
      "permessage-deflate; client_no_context_takeover",
      "permessage-deflate; server_no_context_takeover",
      "permessage-deflate; server_max_window_bits=10",
      "permessage-deflate; client_max_window_bits",
  };
  return v;
}

class deflate_mutator {
 public:
  deflate_mutator(const std::vector<traffic>& seeds, std::uint64_t seed, std::uint64_t iteration)
      : seeds_(seeds), rng_(seed ^ stream_salt, iteration) {}

  fuzz_input run() {
    out_.what = seeds_[rng_.below(seeds_.size())];
    // The offer goes with the default handshake (a case's own handshake_spec replaces it).
    out_.what.handshake.reset();
    if (!out_.what.deflate) out_.what.deflate = rng_.pick(offers());
    if (*out_.what.deflate != default_deflate_offer) did("offer: " + *out_.what.deflate);
    compress_seed();
    const unsigned n = 1 + static_cast<unsigned>(rng_.below(3));
    for (unsigned i = 0; i < n; ++i) one();
    return std::move(out_);
  }

 private:
  std::vector<step>& sends() { return out_.what.sends; }
  void did(std::string what) { out_.mutations.push_back(std::move(what)); }
  static std::string at(std::size_t i) { return " (send " + std::to_string(i + 1) + ")"; }

  // The seed's data messages go compressed; with one chance in two its whole, honest data
  // frames do too, so frame-level seeds also carry compressed bytes.
  void compress_seed() {
    const bool frames_too = rng_.chance(50);
    bool any_frame = false;
    for (auto& s : sends()) {
      if (auto* m = std::get_if<send_message>(&s); m && data_opcode(m->opcode)) {
        m->compressed = true;
      } else if (auto* f = std::get_if<send_frame>(&s);
                 frames_too && f && data_opcode(f->opcode) && f->fin && f->rsv == 0 && !f->length &&
                 payload_size(f->payload) <= max_edited_payload) {
        f->payload = bytes_payload(deflate_alone(materialize(f->payload)));
        f->rsv = rsv1;
        any_frame = true;
      }
    }
    if (any_frame) did("the seed's data frames compressed");
  }

  void one() {
    using op = void (deflate_mutator::*)();
    // Weighted: a bomb costs the target (and wsspec) hundreds of times a small input's time,
    // and one shows what a target does with it; byte-level damage is cheap and varied.
    static const std::vector<std::pair<unsigned, op>> ops = {
        {3, &deflate_mutator::rsv1_on_continuation},
        {3, &deflate_mutator::rsv1_on_control},
        {3, &deflate_mutator::rsv1_on_plain_data},
        {2, &deflate_mutator::rsv1_cleared},
        {6, &deflate_mutator::corrupt},
        {4, &deflate_mutator::truncate},
        {5, &deflate_mutator::tail},
        {1, &deflate_mutator::bomb},
        {3, &deflate_mutator::fragment},
        {2, &deflate_mutator::repeat_with_window},
        {2, &deflate_mutator::split_writes},
    };
    static const unsigned total = [] {
      unsigned t = 0;
      for (const auto& [w, f] : ops) t += w;
      return t;
    }();
    auto r = static_cast<unsigned>(rng_.below(total));
    for (const auto& [w, f] : ops) {
      if (r < w) return (this->*f)();
      r -= w;
    }
  }

  // A compressed data frame to edit: the seed's own, a compressed message turned into one
  // frame of its compressed bytes, or a new one.
  send_frame* compressed_frame(std::size_t& index) {
    std::vector<std::size_t> found;
    for (std::size_t j = 0; j < sends().size(); ++j) {
      if (const auto* m = std::get_if<send_message>(&sends()[j])) {
        if (m->compressed && data_opcode(m->opcode) && m->count == 1 &&
            payload_size(m->payload) <= max_edited_payload)
          found.push_back(j);
      } else if (const auto* f = std::get_if<send_frame>(&sends()[j])) {
        if ((f->rsv & rsv1) && data_opcode(f->opcode) && f->fin && f->count == 1 &&
            f->payload.how == payload_spec::kind::bytes)
          found.push_back(j);
      }
    }
    if (found.empty()) {
      index = rng_.below(sends().size() + 1);
      const std::uint8_t op = rng_.pick<std::uint8_t>({1, 2});
      sends().insert(sends().begin() + static_cast<std::ptrdiff_t>(index),
                     frame(op, deflate_alone(sample_text()), rsv1));
      did("inserted a compressed " + opcode_name(op) + " message" + at(index));
      return &std::get<send_frame>(sends()[index]);
    }
    index = rng_.pick(found);
    if (const auto* m = std::get_if<send_message>(&sends()[index])) {
      send_frame f = frame(m->opcode, deflate_alone(materialize(m->payload)), rsv1);
      f.shape = m->shape;
      sends()[index] = f;
    }
    auto* f = &std::get<send_frame>(sends()[index]);
    f->length.reset();
    return f;
  }

  // RFC 7692 6.1: RSV1 belongs on the first frame of a compressed message only.
  void rsv1_on_continuation() {
    std::size_t i;
    send_frame* f = compressed_frame(i);
    const std::string b = f->payload.bytes;
    const std::size_t cut = b.size() < 2 ? b.size() : 1 + rng_.below(b.size() - 1);
    send_frame first = *f, second = *f;
    first.fin = false;
    first.payload = bytes_payload(b.substr(0, cut));
    second.opcode = 0;
    second.payload = bytes_payload(b.substr(cut));
    sends()[i] = first;
    sends().insert(sends().begin() + static_cast<std::ptrdiff_t>(i) + 1, second);
    did("RSV1 set on a continuation frame" + at(i + 1));
  }

  // RFC 7692 6.1: control frames are never compressed.
  void rsv1_on_control() {
    std::vector<std::size_t> control;
    for (std::size_t j = 0; j < sends().size(); ++j)
      if (const auto* f = std::get_if<send_frame>(&sends()[j]); f && f->opcode >= 8)
        control.push_back(j);
    std::size_t i;
    if (control.empty() || rng_.chance(30)) {
      i = rng_.below(sends().size() + 1);
      sends().insert(sends().begin() + static_cast<std::ptrdiff_t>(i),
                     frame(rng_.pick<std::uint8_t>({9, 10}), "rsv1"));
    } else {
      i = rng_.pick(control);
    }
    auto& f = std::get<send_frame>(sends()[i]);
    f.rsv |= rsv1;
    did("RSV1 set on a " + opcode_name(f.opcode) + " frame" + at(i));
  }

  // RSV1 says "compressed" on bytes that are not DEFLATE data (RFC 7692 6.2: the receiver
  // inflates them, and must fail the connection when that fails).
  void rsv1_on_plain_data() {
    std::vector<std::size_t> plain;
    for (std::size_t j = 0; j < sends().size(); ++j) {
      if (const auto* f = std::get_if<send_frame>(&sends()[j]);
          f && data_opcode(f->opcode) && !(f->rsv & rsv1))
        plain.push_back(j);
    }
    std::size_t i;
    if (plain.empty() || rng_.chance(30)) {
      i = rng_.below(sends().size() + 1);
      const std::uint8_t op = rng_.pick<std::uint8_t>({1, 2});
      sends().insert(sends().begin() + static_cast<std::ptrdiff_t>(i),
                     frame(op, rng_.pick<std::string>({"plain text, not DEFLATE data", "\xff",
                                                       std::string(300, 'A')})));
    } else {
      i = rng_.pick(plain);
    }
    auto& f = std::get<send_frame>(sends()[i]);
    f.rsv |= rsv1;
    did("RSV1 set on an uncompressed " + opcode_name(f.opcode) + " frame" + at(i));
  }

  // Compressed bytes read as an uncompressed message (a text one is then rarely UTF-8).
  void rsv1_cleared() {
    std::size_t i;
    send_frame* f = compressed_frame(i);
    f->rsv &= static_cast<std::uint8_t>(~rsv1);
    did("RSV1 cleared on a compressed " + opcode_name(f->opcode) + " frame" + at(i));
  }

  void corrupt() {
    std::size_t i;
    send_frame* f = compressed_frame(i);
    std::string& b = f->payload.bytes;
    if (b.empty()) b = std::string(1, '\0');
    if (rng_.chance(20)) {
      // The first block's BTYPE (bits 1-2 of the first byte) set to 11, reserved (RFC 1951 3.2.3).
      b[0] = static_cast<char>(b[0] | 0x06);
      did("DEFLATE block type 11 (reserved) in the first block" + at(i));
      return;
    }
    const unsigned flips = 1 + static_cast<unsigned>(rng_.below(3));
    std::string where;
    for (unsigned k = 0; k < flips; ++k) {
      const std::size_t pos = rng_.below(b.size());
      const unsigned bit = static_cast<unsigned>(rng_.below(8));
      b[pos] = static_cast<char>(b[pos] ^ (1u << bit));
      where += (where.empty() ? "" : ", ") + std::to_string(pos) + "." + std::to_string(bit);
    }
    did("DEFLATE data corrupted: bit(s) " + where + " of " + std::to_string(b.size()) +
        " compressed bytes flipped" + at(i));
  }

  void truncate() {
    std::size_t i;
    send_frame* f = compressed_frame(i);
    std::string& b = f->payload.bytes;
    const std::size_t n = b.size();
    const std::size_t cut = n == 0 ? 0 : rng_.below(n);
    b.resize(cut);
    did("DEFLATE stream cut to " + std::to_string(cut) + " of " + std::to_string(n) + " bytes" +
        at(i));
  }

  // RFC 7692 7.2.1 removes the 00 00 ff ff a sync flush ends with, 7.2.2 appends it back;
  // 7.2.3.6 makes an empty message one 00 byte. A peer must cope with what else may come.
  void tail() {
    std::size_t i;
    send_frame* f = compressed_frame(i);
    std::string& b = f->payload.bytes;
    static const std::string flush("\x00\x00\xff\xff", 4);
    switch (rng_.below(7)) {
      case 0:
        b += flush;
        did("DEFLATE stream sent with its 00 00 ff ff tail" + at(i));
        break;
      case 1:
        b += flush + flush;
        did("DEFLATE stream sent with two 00 00 ff ff tails" + at(i));
        break;
      case 2:
        b += flush.substr(0, 1 + rng_.below(3));
        did("DEFLATE stream with a partial 00 00 ff ff tail" + at(i));
        break;
      case 3:
        // An empty fixed-Huffman block with BFINAL set: 1, 01, then the end-of-block code.
        b += std::string("\x03\x00", 2);
        did("DEFLATE stream ended by a final (BFINAL) empty block" + at(i));
        break;
      case 4:
        b += std::string("\x03\x00", 2) + "after the end";
        did("DEFLATE bytes after a final (BFINAL) block" + at(i));
        break;
      case 5:
        b.clear();
        did("empty compressed payload (no DEFLATE bytes at all)" + at(i));
        break;
      default:
        b = std::string(1, '\0');
        did("empty compressed message (the single byte 00)" + at(i));
    }
  }

  // A few KiB that inflate to MiBs: the receiver's limit must apply to inflated bytes. The
  // DEFLATE data is built from cached pieces, so a bomb costs wsspec nothing to make; the case
  // file carries its ~1 KiB per MiB, and halving it (the minimiser) halves the bomb.
  void bomb() {
    const std::uint64_t n = rng_.pick<std::uint64_t>({1, 2, 8, 65});
    const std::string data = zero_bomb(n);
    const std::uint8_t op = rng_.pick<std::uint8_t>({1, 2, 2});
    const std::size_t piece = rng_.pick<std::size_t>({0, 0, 4096, 16384});
    std::vector<step> frames;
    for (std::size_t pos = 0; pos == 0 || pos < data.size(); pos += piece ? piece : data.size()) {
      send_frame f = frame(frames.empty() ? op : 0, data.substr(pos, piece ? piece : data.size()),
                           frames.empty() ? rsv1 : 0);
      f.fin = piece == 0 || pos + piece >= data.size();
      frames.push_back(f);
    }
    const std::size_t i = rng_.below(sends().size() + 1);
    sends().insert(sends().begin() + static_cast<std::ptrdiff_t>(i), frames.begin(), frames.end());
    did("deflate bomb: " + std::to_string(n) + " MiB of zeros compressed to " +
        std::to_string(data.size()) + " bytes" +
        (piece ? " in " + std::to_string(frames.size()) + " frames" : "") + at(i));
  }

  // Compressed bytes cut across frames (RSV1 on the first only, RFC 7692 6.1), with a control
  // frame between them or not: valid, and where reassembly before inflation goes wrong.
  void fragment() {
    for (std::size_t j = 0; j < sends().size(); ++j) {
      if (auto* m = std::get_if<send_message>(&sends()[j]); m && m->compressed && rng_.chance(50)) {
        m->fragment_size = rng_.pick<std::uint64_t>({1, 2, 3, 7, 64});
        did("compressed message in fragments of " + std::to_string(m->fragment_size) + " bytes" +
            at(j));
        return;
      }
    }
    std::size_t i;
    send_frame* f = compressed_frame(i);
    const std::string b = f->payload.bytes;
    if (b.size() < 2) return;
    const std::size_t cut = 1 + rng_.below(b.size() - 1);
    send_frame first = *f, second = *f;
    first.fin = false;
    first.payload = bytes_payload(b.substr(0, cut));
    second.opcode = 0;
    second.rsv = 0;
    second.payload = bytes_payload(b.substr(cut));
    sends()[i] = first;
    std::vector<step> rest = {second};
    if (rng_.chance(50)) rest.insert(rest.begin(), frame(9, "between"));
    sends().insert(sends().begin() + static_cast<std::ptrdiff_t>(i) + 1, rest.begin(), rest.end());
    did("compressed frame split at byte " + std::to_string(cut) +
        (rest.size() > 1 ? " with a ping between" : "") + at(i));
  }

  // The interpreter deflates each copy with the agreed context takeover: the later copies
  // refer back into the window the earlier ones left (RFC 7692 7.2.3.3).
  void repeat_with_window() {
    for (std::size_t j = 0; j < sends().size(); ++j) {
      if (auto* m = std::get_if<send_message>(&sends()[j]); m && m->compressed) {
        m->count = 2 + static_cast<std::uint32_t>(rng_.below(3));
        did("compressed message sent " + std::to_string(m->count) + " times" + at(j));
        return;
      }
    }
    send_message m;
    m.opcode = 1;
    m.payload = bytes_payload(sample_text());
    m.compressed = true;
    m.count = 3;
    const std::size_t i = rng_.below(sends().size() + 1);
    sends().insert(sends().begin() + static_cast<std::ptrdiff_t>(i), m);
    did("compressed message sent 3 times" + at(i));
  }

  void split_writes() {
    if (sends().empty()) return;
    const std::size_t i = rng_.below(sends().size());
    const std::size_t chunk = rng_.pick<std::size_t>({1, 2, 3, 5, 7, 10, 14});
    std::visit(
        [&](auto& s) {
          if constexpr (requires { s.shape; }) {
            s.shape.chunk = chunk;
            s.shape.delay_ms = 0;
          }
        },
        sends()[i]);
    did("written in " + std::to_string(chunk) + "-byte pieces" + at(i));
  }

  const std::vector<traffic>& seeds_;
  rng rng_;
  fuzz_input out_;
};

}  // namespace

std::string zero_bomb(std::uint64_t mebibytes) {
  // With the window full of zeros and nothing pending after a sync flush, every further MiB
  // of zeros compresses to the same bytes; checked once, with a slow path if zlib ever differs.
  static const std::optional<std::pair<std::string, std::string>> pieces =
      []() -> std::optional<std::pair<std::string, std::string>> {
    codec::deflater d(
        {.window_bits = 15, .no_context_takeover = false, .level = 9, .memory_level = 9});
    const std::vector<std::uint8_t> zeros(mib, 0);
    auto piece = [&] {
      const auto out = d.compress(zeros);
      return std::string(out.begin(), out.end());
    };
    std::string first = piece(), second = piece(), third = piece();
    if (second != third) return std::nullopt;
    return std::pair{first, second};
  }();
  // compress() removes each message's 00 00 ff ff (RFC 7692 7.2.1); between pieces of one
  // message it stays.
  static const std::string flush("\x00\x00\xff\xff", 4);
  std::string out;
  if (pieces) {
    out = pieces->first;
    for (std::uint64_t k = 1; k < mebibytes; ++k) out += flush + pieces->second;
    return out;
  }
  codec::deflater d(
      {.window_bits = 15, .no_context_takeover = false, .level = 9, .memory_level = 9});
  const std::vector<std::uint8_t> zeros(mib, 0);
  for (std::uint64_t k = 0; k < mebibytes; ++k) {
    const auto piece = d.compress(zeros);
    out += (k ? flush : std::string()) + std::string(piece.begin(), piece.end());
  }
  return out;
}

std::string deflate_alone(const std::string& message) {
  codec::deflater d;
  const std::vector<std::uint8_t> out =
      d.compress(std::span(reinterpret_cast<const std::uint8_t*>(message.data()), message.size()));
  return std::string(out.begin(), out.end());
}

fuzz_input mutate_compressed(const std::vector<traffic>& deflate_seeds, std::uint64_t seed,
                             std::uint64_t iteration) {
  return deflate_mutator(deflate_seeds, seed, iteration).run();
}

}  // namespace wsspec::fuzz
