#include "fuzz/mutator.hpp"

#include <algorithm>
#include <functional>

#include "fuzz/deflate_mutator.hpp"
#include "fuzz/rng.hpp"
#include "run/payload.hpp"
#include "wsspec/codec/opcode.hpp"

namespace wsspec::fuzz {

namespace {

constexpr std::uint64_t max_seed_bytes = 256 * 1024;
constexpr std::uint32_t max_seed_count = 16;
// Mutants keep payloads they edit byte by byte below this; bigger ones only change size.
constexpr std::size_t max_edited_payload = 64 * 1024;

// "text", "ping", "reserved-0xB", ... for the descriptions of mutations.
std::string opcode_name(std::uint8_t op) {
  return std::string(codec::to_string(codec::make_opcode(op)));
}

payload_spec bytes_payload(std::string b) {
  payload_spec p;
  p.bytes = std::move(b);
  return p;
}

send_frame frame(std::uint8_t opcode, std::string payload, bool fin = true) {
  send_frame f;
  f.opcode = opcode;
  f.fin = fin;
  f.payload = bytes_payload(std::move(payload));
  return f;
}

// Sequences UTF-8 decoders get wrong (RFC 3629; Unicode 3.9 "maximal subparts"): overlong
// forms, surrogates, code points past U+10FFFF, stray continuation bytes, truncated sequences,
// and the valid edges next to them.
const std::vector<std::string>& utf8_edges() {
  static const std::vector<std::string> v = {
      "\xc0\x80",
      "\xc1\xbf",
      "\xe0\x80\x80",
      "\xf0\x80\x80\x80",
      "\xed\xa0\x80",
      "\xed\xbf\xbf",
      "\xf4\x90\x80\x80",
      "\xf5\x80\x80\x80",
      "\xff",
      "\xfe",
      "\x80",
      "\xbf",
      "\xe2\x82",
      "\xf0\x9f\x98",
      "\xce",
      "\xed\x9f\xbf",
      "\xee\x80\x80",
      "\xf4\x8f\xbf\xbf",
      "\xef\xbf\xbf",
      "\xf0\x90\x80\x80",
      "\xc2\x80",
      "\xdf\xbf",
      "\xe0\xa0\x80",
      std::string("\x00", 1),
  };
  return v;
}

// Close codes around every boundary of RFC 6455 7.4 and the IANA registry, and nonsense.
const std::vector<std::uint16_t>& close_codes() {
  static const std::vector<std::uint16_t> v = {
      0,    1,    999,  1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1011,  1012,
      1014, 1015, 1016, 1100, 2000, 2999, 3000, 3999, 4000, 4999, 5000, 32768, 65535};
  return v;
}

const std::vector<std::uint64_t>& interesting_sizes() {
  static const std::vector<std::uint64_t> v = {0, 1, 2, 124, 125, 126, 127, 128, 65535, 65536};
  return v;
}

// Messages become explicit frames so that their fragments can be mutated one by one.
std::vector<send_frame> explode(const send_message& m, std::uint64_t fragment) {
  const std::string payload = materialize(m.payload);
  std::vector<send_frame> frames;
  const std::size_t step =
      fragment ? static_cast<std::size_t>(fragment) : std::max<std::size_t>(payload.size(), 1);
  for (std::size_t pos = 0; pos == 0 || pos < payload.size(); pos += step) {
    frames.push_back(frame(frames.empty() ? m.opcode : 0, payload.substr(pos, step),
                           pos + step >= payload.size()));
    frames.back().shape = m.shape;
  }
  return frames;
}

class mutator {
 public:
  mutator(const std::vector<traffic>& seeds, std::uint64_t seed, std::uint64_t iteration)
      : seeds_(seeds), rng_(seed, iteration) {}

  fuzz_input run() {
    out_.what = seeds_[rng_.below(seeds_.size())];
    const unsigned n = 1 + static_cast<unsigned>(rng_.below(3));
    for (unsigned i = 0; i < n; ++i) one();
    return std::move(out_);
  }

 private:
  std::vector<step>& sends() { return out_.what.sends; }
  void did(std::string what) { out_.mutations.push_back(std::move(what)); }
  std::string at(std::size_t i) const { return " (send " + std::to_string(i + 1) + ")"; }

  void one() {
    // A handshake seed mostly has its handshake mutated; others sometimes get one.
    if (out_.what.handshake ? rng_.chance(60) : rng_.chance(8)) return mutate_handshake();
    if (sends().empty() || rng_.chance(6)) return insert_frame();
    static const std::vector<void (mutator::*)()> ops = {
        &mutator::flip_fin,       &mutator::set_rsv,         &mutator::set_opcode,
        &mutator::set_mask,       &mutator::set_length_form, &mutator::lie_about_length,
        &mutator::edit_utf8,      &mutator::resize_payload,  &mutator::set_close_body,
        &mutator::insert_frame,   &mutator::fragment,        &mutator::drop_step,
        &mutator::duplicate_step, &mutator::splice,          &mutator::split_writes,
        &mutator::flip_raw_bit,   &mutator::set_opcode,      &mutator::set_close_body,
        &mutator::split_writes,   &mutator::set_length_form,
    };
    (this->*rng_.pick(ops))();
  }

  // A frame to mutate: a send_frame step, or a message exploded into frames first.
  send_frame* some_frame(std::size_t& index) {
    if (sends().empty()) return nullptr;
    index = rng_.below(sends().size());
    if (auto* m = std::get_if<send_message>(&sends()[index])) {
      if (payload_size(m->payload) > max_edited_payload) return nullptr;
      const std::uint64_t frag = m->fragment_size;
      const std::vector<send_frame> frames = explode(*m, frag);
      const std::uint32_t count = m->count;
      sends().erase(sends().begin() + static_cast<std::ptrdiff_t>(index));
      std::vector<step> expanded;
      for (std::uint32_t c = 0; c < count; ++c)
        for (const auto& f : frames) expanded.emplace_back(f);
      sends().insert(sends().begin() + static_cast<std::ptrdiff_t>(index), expanded.begin(),
                     expanded.end());
      index += rng_.below(expanded.size());
    }
    return std::get_if<send_frame>(&sends()[index]);
  }

  void flip_fin() {
    std::size_t i;
    if (auto* f = some_frame(i)) {
      f->fin = !f->fin;
      did(std::string("FIN ") + (f->fin ? "set" : "cleared") + at(i));
    }
  }

  void set_rsv() {
    std::size_t i;
    if (auto* f = some_frame(i)) {
      f->rsv = static_cast<std::uint8_t>(1 + rng_.below(7));
      did("RSV bits " + std::to_string(f->rsv) + at(i));
    }
  }

  void set_opcode() {
    std::size_t i;
    if (auto* f = some_frame(i)) {
      const std::uint8_t old = f->opcode;
      f->opcode = rng_.pick<std::uint8_t>({0, 1, 2, 3, 7, 8, 9, 10, 11, 15});
      did("opcode " + opcode_name(old) + " -> " + opcode_name(f->opcode) + at(i));
    }
  }

  void set_mask() {
    std::size_t i;
    if (auto* f = some_frame(i)) {
      switch (rng_.below(3)) {
        case 0:
          f->masked = false;
          f->key.reset();
          did("unmasked" + at(i));
          break;
        case 1:
          f->masked = true;
          f->key = std::array<std::uint8_t, 4>{0, 0, 0, 0};
          did("mask key 00000000" + at(i));
          break;
        default: {
          f->masked = true;
          const std::uint64_t k = rng_.next();
          f->key = std::array<std::uint8_t, 4>{
              static_cast<std::uint8_t>(k), static_cast<std::uint8_t>(k >> 8),
              static_cast<std::uint8_t>(k >> 16), static_cast<std::uint8_t>(k >> 24)};
          did("fixed mask key" + at(i));
        }
      }
    }
  }

  void set_length_form() {
    std::size_t i;
    if (auto* f = some_frame(i)) {
      const std::uint64_t len = f->length ? *f->length : payload_size(f->payload);
      if (len <= 0xFFFF && rng_.chance(50)) {
        f->form = send_frame::length_form::bits16;
        did("16-bit length form" + at(i));
      } else {
        f->form = send_frame::length_form::bits64;
        did("64-bit length form" + at(i));
      }
    }
  }

  // Rarer than the others in effect: a length longer than the payload leaves a conforming
  // peer waiting for bytes that never come, which costs the step's whole wait.
  void lie_about_length() {
    std::size_t i;
    if (auto* f = some_frame(i)) {
      const std::uint64_t real = payload_size(f->payload);
      const std::uint64_t lie =
          rng_.chance(50) && real > 0
              ? real - 1
              : rng_.pick<std::uint64_t>({0, real + 1, 126, 65536, 0x7FFFFFFFFFFFFFFFull});
      f->length = lie;
      if (lie > 0xFFFF && f->form == send_frame::length_form::bits16)
        f->form = send_frame::length_form::bits64;
      did("length field " + std::to_string(lie) + " for " + std::to_string(real) +
          " payload bytes" + at(i));
    }
  }

  std::string* editable_bytes(send_frame& f) {
    if (payload_size(f.payload) > max_edited_payload) return nullptr;
    if (f.payload.how != payload_spec::kind::bytes)
      f.payload = bytes_payload(materialize(f.payload));
    return &f.payload.bytes;
  }

  void edit_utf8() {
    std::size_t i;
    if (auto* f = some_frame(i)) {
      std::string* b = editable_bytes(*f);
      if (!b) return;
      const std::string& seq = rng_.pick(utf8_edges());
      std::size_t pos = b->empty() ? 0 : rng_.below(b->size() + 1);
      if (f->opcode == 8) pos = std::max<std::size_t>(pos, std::min<std::size_t>(2, b->size()));
      if (rng_.chance(30) && !b->empty()) {
        b->replace(pos == b->size() ? pos - 1 : pos, 1, seq);
      } else {
        b->insert(pos, seq);
      }
      did("UTF-8 edge sequence inserted at byte " + std::to_string(pos) + at(i));
    }
  }

  void resize_payload() {
    std::size_t i;
    if (auto* f = some_frame(i)) {
      const std::uint64_t n = rng_.pick(interesting_sizes());
      payload_spec p;
      p.how = payload_spec::kind::repeat;
      p.pattern = f->opcode == 8 ? "\x03\xe8*" : "*";
      p.size = n;
      f->payload = p;
      f->length.reset();
      if (n > 0xFFFF && f->form == send_frame::length_form::bits16)
        f->form = send_frame::length_form::minimal;
      did("payload of " + std::to_string(n) + " bytes" + at(i));
    }
  }

  void set_close_body() {
    std::size_t i = sends().size();
    send_frame* f = nullptr;
    // Prefer the seed's own close frame; otherwise append one.
    for (std::size_t j = 0; j < sends().size(); ++j) {
      if (auto* g = std::get_if<send_frame>(&sends()[j]); g && g->opcode == 8) {
        f = g;
        i = j;
        break;
      }
    }
    if (!f) {
      sends().emplace_back(frame(8, ""));
      f = &std::get<send_frame>(sends().back());
    }
    std::string body;
    if (rng_.chance(10)) {
      body = std::string(1, static_cast<char>(0x03));
      did("close body of 1 byte" + at(i));
    } else {
      const std::uint16_t code =
          rng_.chance(10) ? static_cast<std::uint16_t>(rng_.next()) : rng_.pick(close_codes());
      body = {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
      switch (rng_.below(5)) {
        case 0:
          break;
        case 1:
          body += "bye";
          break;
        case 2:
          body += "bye" + rng_.pick(utf8_edges());
          break;
        case 3:
          body += std::string(123, 'r');
          break;
        default:
          body += std::string(124, 'r');
      }
      did("close code " + std::to_string(code) + " with a " + std::to_string(body.size() - 2) +
          "-byte reason" + at(i));
    }
    f->payload = bytes_payload(body);
    f->length.reset();
  }

  void insert_frame() {
    const std::size_t i = sends().empty() ? 0 : rng_.below(sends().size() + 1);
    send_frame f;
    switch (rng_.below(6)) {
      case 0:
        f = frame(9, "ping");
        break;
      case 1:
        f = frame(10, "pong");
        break;
      case 2:
        f = frame(0, "continued");
        break;
      case 3:
        f = frame(1, "unfinished", false);
        break;
      case 4:
        f = frame(8, std::string("\x03\xe8", 2));
        break;
      default:
        f = frame(2, std::string(1 + rng_.below(200), '\x5a'));
    }
    did("inserted a " + opcode_name(f.opcode) + " frame" + (f.fin ? "" : " without FIN") + at(i));
    sends().insert(sends().begin() + static_cast<std::ptrdiff_t>(i), f);
  }

  void fragment() {
    if (sends().empty()) return;
    const std::size_t i = rng_.below(sends().size());
    if (auto* m = std::get_if<send_message>(&sends()[i])) {
      const std::uint64_t size = payload_size(m->payload);
      m->fragment_size =
          rng_.pick<std::uint64_t>({1, 2, 3, 7, 64, 125, 126}) + (size > 4096 ? size / 8 : 0);
      did("fragments of " + std::to_string(m->fragment_size) + " bytes" + at(i));
    } else if (auto* f = std::get_if<send_frame>(&sends()[i]);
               f && f->fin && payload_size(f->payload) > 1 &&
               payload_size(f->payload) <= max_edited_payload) {
      // Split one frame into two fragments, with a control frame between them or not.
      const std::string b = materialize(f->payload);
      const std::size_t cut = 1 + rng_.below(b.size() - 1);
      send_frame first = *f, second = *f;
      first.fin = false;
      first.payload = bytes_payload(b.substr(0, cut));
      first.length.reset();
      second.opcode = 0;
      second.payload = bytes_payload(b.substr(cut));
      second.length.reset();
      sends()[i] = first;
      std::vector<step> rest = {second};
      if (rng_.chance(50)) rest.insert(rest.begin(), frame(rng_.pick<std::uint8_t>({9, 10}), "c"));
      sends().insert(sends().begin() + static_cast<std::ptrdiff_t>(i) + 1, rest.begin(),
                     rest.end());
      did("frame split at byte " + std::to_string(cut) +
          (rest.size() > 1 ? " with a control frame between" : "") + at(i));
    }
  }

  void drop_step() {
    if (sends().size() < 2) return;
    const std::size_t i = rng_.below(sends().size());
    sends().erase(sends().begin() + static_cast<std::ptrdiff_t>(i));
    did("removed" + at(i));
  }

  void duplicate_step() {
    if (sends().empty()) return;
    const std::size_t i = rng_.below(sends().size());
    const step copy = sends()[i];
    sends().insert(sends().begin() + static_cast<std::ptrdiff_t>(i), copy);
    did("repeated" + at(i));
  }

  void splice() {
    const traffic& other = seeds_[rng_.below(seeds_.size())];
    if (other.sends.empty()) return;
    const step& s = other.sends[rng_.below(other.sends.size())];
    const std::size_t i = rng_.below(sends().size() + 1);
    sends().insert(sends().begin() + static_cast<std::ptrdiff_t>(i), s);
    did("inserted a step of " + other.from_case + at(i));
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

  void flip_raw_bit() {
    for (std::size_t i = 0; i < sends().size(); ++i) {
      if (auto* r = std::get_if<send_raw>(&sends()[i])) {
        const std::size_t pos = rng_.below(std::min<std::size_t>(r->bytes.size(), 14));
        const unsigned bit = static_cast<unsigned>(rng_.below(8));
        r->bytes[pos] = static_cast<char>(r->bytes[pos] ^ (1u << bit));
        did("bit " + std::to_string(bit) + " of byte " + std::to_string(pos) + " flipped" + at(i));
        return;
      }
    }
    set_opcode();
  }

  // ---- the opening handshake (RFC 6455 4.1, 4.2.1) --------------------------------------
  void mutate_handshake() {
    if (!out_.what.handshake) out_.what.handshake.emplace();
    handshake_spec& h = *out_.what.handshake;
    if (h.raw) {
      // A verbatim head: cut it short or drop a line ending, keep it valid UTF-8.
      std::string& r = *h.raw;
      const std::size_t at = r.empty() ? 0 : rng_.below(r.size());
      if (rng_.chance(50)) {
        r.erase(at);
        did("raw request cut at byte " + std::to_string(at));
      } else if (const std::size_t crlf = r.find("\r\n", at); crlf != std::string::npos) {
        r.erase(crlf, 1);
        did("a CR removed from the raw request");
      }
      if (r.empty()) r = "\r\n";
      return;
    }
    static const std::vector<std::string> names = {
        "Upgrade", "Connection", "Sec-WebSocket-Key",      "Sec-WebSocket-Version",
        "Host",    "Origin",     "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions"};
    static const std::vector<std::string> values = {"",
                                                    " ",
                                                    "websocket",
                                                    "WebSocket",
                                                    "Upgrade",
                                                    "upgrade, keep-alive",
                                                    "keep-alive",
                                                    "13",
                                                    "8",
                                                    "13, 8",
                                                    "0",
                                                    "-1",
                                                    "99999999999999999999",
                                                    "dGhlIHNhbXBsZSBub25jZQ==",
                                                    "dGhlIHNhbXBsZSBub25jZQ",
                                                    "AAAAAAAAAAAAAAAAAAAAAA==",
                                                    "\t13 ",
                                                    "chat, superchat",
                                                    "x-unknown; a=1, x-other",
                                                    ";;;,,,",
                                                    "\"quoted\"",
                                                    "\xc3\xbcnic\xc3\xb6"
                                                    "de",
                                                    std::string("a\0b", 3),
                                                    "x\r\nX-Injected: 1",
                                                    std::string(8192, 'a')};
    switch (rng_.below(8)) {
      case 0: {
        const std::string& n = rng_.pick(names);
        h.remove.push_back(n);
        did("header " + n + " removed");
        break;
      }
      case 1:
      case 2: {
        const std::string& n = rng_.pick(names);
        const std::string& v = rng_.pick(values);
        h.set.emplace_back(n, v);
        did("header " + n + " set to a " + std::to_string(v.size()) + "-byte value");
        break;
      }
      case 3: {
        const std::string& n = rng_.pick(names);
        h.add.emplace_back(n, rng_.pick(values));
        did("a second " + n + " header added");
        break;
      }
      case 4:
        h.method = rng_.pick<const char*>({"get", "POST", "HEAD", "OPTIONS", "CONNECT", "GETT"});
        did("method " + h.method);
        break;
      case 5:
        h.version =
            rng_.pick<const char*>({"HTTP/1.0", "HTTP/1.2", "HTTP/2", "http/1.1", "HTTP/1.1x"});
        did("version " + h.version);
        break;
      case 6:
        h.target = rng_.pick<std::string>({"*", "/%00", "//", "http://127.0.0.1/",
                                           "/" + std::string(4096, 'p'),
                                           "/?" + std::string(1000, 'q'), "/\xc3\xa9"});
        did("request target of " + std::to_string(h.target->size()) + " bytes");
        break;
      default: {
        // A frame in the same write as the request, before any response (RFC 6455 4.1).
        std::string frame_bytes = rng_.pick<std::string>(
            {std::string("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11),
             std::string("\x89\x80\x00\x00\x00\x00", 6),
             std::string("\x88\x82\x00\x00\x00\x00\x03\xe8", 8), std::string("\xff\xff", 2)});
        h.trailing += frame_bytes;
        did("a " + std::to_string(frame_bytes.size()) + "-byte frame right after the request");
      }
    }
  }

  const std::vector<traffic>& seeds_;
  rng rng_;
  fuzz_input out_;
};

}  // namespace

namespace {

// A case's traffic, or nothing when it is too big or floods.
std::optional<traffic> traffic_of(const test_case& c) {
  // The fuzzer is a client of a server under test: a client case's traffic (a `respond` step,
  // wsspec as the server) is no input for it.
  if (peer_of(c) == case_peer::client) return std::nullopt;
  traffic t;
  t.from_case = c.id;
  std::uint64_t bytes = 0;
  bool too_big = false;
  for (const auto& s : c.steps) {
    if (const auto* h = std::get_if<handshake_spec>(&s)) {
      t.handshake = *h;
      bytes += h->raw ? h->raw->size() : 0;
      for (const auto& [n, v] : h->add) bytes += n.size() + v.size();
      for (const auto& [n, v] : h->set) bytes += n.size() + v.size();
      continue;
    }
    if (std::holds_alternative<expect_step>(s)) continue;
    // A FIN is no bytes to mutate, and mutants would send after it (which no case may do).
    if (std::holds_alternative<end_sending>(s)) continue;
    step copy = s;
    std::visit(
        [&](auto& st) {
          if constexpr (requires { st.shape; }) st.shape.delay_ms = 0;
          if constexpr (requires { st.count; }) {
            if (st.count > max_seed_count) too_big = true;
          }
          if constexpr (requires { st.payload; }) bytes += payload_size(st.payload);
          if constexpr (requires { st.bytes; }) bytes += st.bytes.size();
        },
        copy);
    t.sends.push_back(std::move(copy));
  }
  if (too_big || bytes > max_seed_bytes || c.repeat > 1) return std::nullopt;
  if (t.sends.empty() && !t.handshake) return std::nullopt;
  return t;
}

bool sends_data(const traffic& t) {
  for (const auto& s : t.sends) {
    if (const auto* m = std::get_if<send_message>(&s); m && (m->opcode == 1 || m->opcode == 2))
      return true;
    if (const auto* f = std::get_if<send_frame>(&s); f && (f->opcode == 1 || f->opcode == 2))
      return true;
  }
  return false;
}

}  // namespace

std::vector<traffic> seed_traffic(const std::vector<test_case>& cases) {
  std::vector<traffic> seeds;
  for (const auto& c : cases) {
    // Plain inputs do not negotiate permessage-deflate, so a compression case's traffic would
    // only be RSV1 misuse: a seed of compressed inputs instead.
    if (c.deflate) continue;
    if (auto t = traffic_of(c)) seeds.push_back(std::move(*t));
  }
  return seeds;
}

std::vector<traffic> deflate_seed_traffic(const std::vector<test_case>& cases) {
  std::vector<traffic> seeds;
  for (const auto& c : cases) {
    auto t = traffic_of(c);
    if (!t) continue;
    // An offer every correct server declines (RFC 7692 7) never gives a compressed input.
    if (c.deflate_must_decline) continue;
    if (c.deflate) {
      t->deflate = c.deflate;
    } else if (t->handshake || !sends_data(*t)) {
      continue;
    }
    seeds.push_back(std::move(*t));
  }
  return seeds;
}

fuzz_input mutate(const std::vector<traffic>& seeds, std::uint64_t seed, std::uint64_t iteration) {
  return mutator(seeds, seed, iteration).run();
}

fuzz_input mutate(const std::vector<traffic>& seeds, const std::vector<traffic>& deflate_seeds,
                  std::uint64_t seed, std::uint64_t iteration) {
  // A stream of its own decides, so that the plain inputs are those of mutate() above.
  constexpr std::uint64_t choice_salt = 0xC0DE'7692'0000'0001ull;
  if (!deflate_seeds.empty() && rng(seed ^ choice_salt, iteration).below(3) == 0)
    return mutate_compressed(deflate_seeds, seed, iteration);
  return mutate(seeds, seed, iteration);
}

}  // namespace wsspec::fuzz
