// Writes the seed corpora of the fuzz targets, generated from the case catalogue (cases/), so
// the fuzzers start from the inputs wsspec really sends instead of from nothing, and no binary
// blobs are committed. Run by the build (fuzz/CMakeLists.txt) and by fuzz/build.sh:
//
//   wsspec_fuzz_seeds CASES_DIR OUT_DIR
//
// writes OUT_DIR/<target>/<hash>: the case files themselves (case_loader), the frames and raw
// bytes of every send step of every case (frame_decoder, message_assembler, message_reader),
// each frame as a header description plus payload (frame_roundtrip), the text payloads (utf8),
// the handshake request each case sends (handshake_request), a few responses built with the
// codec (handshake_response), and for permessage_deflate the RFC 7692 example payloads, the
// cases' message payloads compressed by the codec's deflater and Sec-WebSocket-Extensions
// offers and responses. Each file starts with the option bytes its target reads first (see the
// targets' "Input layout" comments). Deterministic: file names are hashes of the contents,
// generated payloads are cut to a few hundred bytes, and random masking keys are replaced by a
// fixed one.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "cases/case_loader.hpp"
#include "run/payload.hpp"
#include "wsspec/codec/deflater.hpp"
#include "wsspec/codec/frame_header.hpp"
#include "wsspec/codec/handshake.hpp"

namespace fs = std::filesystem;
using namespace wsspec;

namespace {

// Seeds bigger than this are skipped: libFuzzer sizes -max_len from the corpus, and a few
// huge seeds would slow every execution down.
constexpr std::size_t max_seed = 32 * 1024;
// Generated payloads are cut to this many bytes (the length field still tells the truth).
constexpr std::uint64_t max_payload = 300;
// frame_decoder_fuzzer reads at most fuzz/options/frame_decoder.options' max_len bytes (the
// rest of a longer seed is cut off), so its streams carry payloads cut much shorter, and a
// case's frames fit; each frame with a longer payload is also a seed of its own, header as
// sent and payload cut at that limit.
constexpr std::uint64_t small_payload = 8;
constexpr std::size_t decoder_max_len = 64;
// message_reader_fuzzer's max_len (fuzz/options/message_reader.options).
constexpr std::size_t reader_max_len = 1024;

std::map<std::string, std::set<std::string>> seeds;  // target -> contents

void add(const std::string& target, std::string prefix, std::string_view body) {
  if (body.size() + prefix.size() > max_seed) return;
  seeds[target].insert(prefix.append(body));
}

std::string bounded(const payload_spec& p, std::uint64_t limit = max_payload) {
  payload_spec q = p;
  if (q.how == payload_spec::kind::bytes) {
    if (q.bytes.size() > limit) q.bytes.resize(limit);
  } else {
    q.size = std::min(q.size, limit);
  }
  return materialize(q);
}

void append_frame(std::string& wire, std::uint8_t op, bool fin, std::uint8_t rsv, bool masked,
                  const std::array<std::uint8_t, 4>& key, codec::length_form form,
                  std::optional<std::uint64_t> lie, std::string_view payload) {
  codec::frame_header h;
  h.fin = fin;
  h.rsv = rsv;
  h.op = codec::make_opcode(op);
  h.masked = masked;
  h.key = key;
  const auto bytes = reinterpret_cast<const std::uint8_t*>(payload.data());
  std::vector<std::uint8_t> f = codec::encode_frame(h, {bytes, payload.size()}, form);
  if (lie) {  // a header whose length field says something else than the payload
    h.payload_length = *lie;
    std::array<std::uint8_t, codec::max_header_size> head{};
    const std::size_t n = codec::encode_header(h, head, form);
    wire.append(reinterpret_cast<const char*>(head.data()), n);
    std::string body(payload);
    if (masked) {
      for (std::size_t i = 0; i < body.size(); ++i) body[i] ^= static_cast<char>(key[i % 4]);
    }
    wire += body;
    return;
  }
  wire.append(reinterpret_cast<const char*>(f.data()), f.size());
}

// frame_roundtrip_fuzzer's header description (see header_from there): first header byte,
// MASK | length width | length form, the length in the narrowest of 1, 2, 4 or 8 bytes, the
// key when masked; then the payload.
std::string roundtrip_seed(std::uint8_t op, bool fin, std::uint8_t rsv, bool masked,
                           const std::array<std::uint8_t, 4>& key, codec::length_form form,
                           std::uint64_t length, std::string_view payload) {
  std::string s;
  s += static_cast<char>((fin ? 0x80 : 0) | rsv | (op & 0x0F));
  const int width = length <= 0xFF ? 0 : length <= 0xFFFF ? 1 : length <= 0xFFFFFFFF ? 2 : 3;
  s += static_cast<char>((masked ? 0x80 : 0) | width << 2 | static_cast<int>(form));
  for (int i = (1 << width) - 1; i >= 0; --i) s += static_cast<char>(length >> (8 * i));
  if (masked) s.append(key.begin(), key.end());
  return s.append(payload);
}

constexpr std::array<std::uint8_t, 4> fixed_key = {0x37, 0xfa, 0x21, 0x3d};
constexpr std::string_view sample_key = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 1.3

std::string request_for(const handshake_spec& h) {
  if (h.raw) return *h.raw + h.trailing;
  codec::client_request req =
      codec::default_request("127.0.0.1:9001", h.target.value_or("/"), sample_key);
  req.method = h.method;
  req.version = h.version;
  for (const auto& name : h.remove) codec::remove_fields(req.fields, name);
  for (const auto& [name, value] : h.set) codec::set_field(req.fields, name, value);
  for (const auto& [name, value] : h.add) req.fields.push_back({name, value});
  return req.serialize() + h.trailing;
}

// A message as masked frames of at most `fragment_size` payload bytes (0: one frame).
void append_message(std::string& wire, std::uint8_t opcode, std::string_view p,
                    std::uint64_t fragment_size) {
  const std::size_t frag = fragment_size == 0 || fragment_size >= p.size()
                               ? std::max<std::size_t>(p.size(), 1)
                               : static_cast<std::size_t>(fragment_size);
  std::size_t pos = 0;
  do {
    const std::string_view part = p.substr(pos, frag);
    const bool last = pos + frag >= p.size();
    append_frame(wire, pos == 0 ? opcode : 0, last, 0, true, fixed_key, codec::length_form::minimal,
                 std::nullopt, part);
    pos += frag;
  } while (pos < p.size());
}

// permessage_deflate_fuzzer's input (see its "Input layout"): inflater options (window 15,
// context takeover, bound 65536), the slice seed, deflater options (window 15, level 6), then
// messages, each a length byte and its bytes (0xFF: the rest).
const std::string deflate_options = "\xf7\x01\x67";

std::string deflate_messages(const std::vector<std::string>& messages) {
  std::string s;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const bool last = i + 1 == messages.size();
    if (messages[i].size() >= 0xFF && !last) continue;  // only the last one can be long
    s += static_cast<char>(last && messages[i].size() >= 0xFF ? 0xFF : messages[i].size());
    s += messages[i];
  }
  return s;
}

// A case's message payload, compressed as a permessage-deflate sender would, twice in a row
// (the second time sharing the first one's window).
void compressed_seed(std::string_view plain) {
  codec::deflater d;
  const auto* b = reinterpret_cast<const std::uint8_t*>(plain.data());
  const auto first = d.compress({b, plain.size()});
  const auto second = d.compress({b, plain.size()});
  add("permessage_deflate", deflate_options,
      deflate_messages(
          {std::string(first.begin(), first.end()), std::string(second.begin(), second.end())}));
}

void seeds_from_case(const test_case& c) {
  std::string wire;   // everything the case sends after the handshake, as one stream
  std::string small;  // the same with payloads cut to small_payload, for frame_decoder
  bool handshake = false;
  for (const step& s : c.steps) {
    if (const auto* f = std::get_if<send_frame>(&s)) {
      const std::string p = bounded(f->payload);
      const std::uint32_t n = std::min<std::uint32_t>(f->count, 3);
      // send_frame's rsv counts RSV1 as 4; the header byte has it at 0x40.
      const auto rsv = static_cast<std::uint8_t>((f->rsv & 7) << 4);
      const auto key = f->key.value_or(fixed_key);
      for (std::uint32_t i = 0; i < n; ++i) {
        append_frame(wire, f->opcode, f->fin, rsv, f->masked, key, f->form, f->length, p);
        append_frame(small, f->opcode, f->fin, rsv, f->masked, key, f->form, f->length,
                     bounded(f->payload, small_payload));
      }
      if (p.size() > small_payload) {
        std::string one;
        append_frame(one, f->opcode, f->fin, rsv, f->masked, key, f->form, f->length, p);
        add("frame_decoder", std::string("\x81\x80\x01"), one.substr(0, decoder_max_len - 3));
      }
      add("frame_roundtrip", "\x81\x80",
          roundtrip_seed(f->opcode, f->fin, rsv, f->masked, key, f->form,
                         f->length.value_or(p.size()), p));
      if (f->opcode == 1 || f->opcode == 0) add("utf8", "\x07", p);
      if (f->opcode == 8 && p.size() > 2) add("utf8", "\x07", p.substr(2));
    } else if (const auto* m = std::get_if<send_message>(&s)) {
      const std::string p = bounded(m->payload);
      const std::uint32_t n = std::min<std::uint32_t>(m->count, 3);
      for (std::uint32_t i = 0; i < n; ++i) {
        append_message(wire, m->opcode, p, m->fragment_size);
        append_message(small, m->opcode, bounded(m->payload, small_payload), m->fragment_size);
      }
      if (m->opcode == 1) add("utf8", "\x07", p);
      if (m->opcode == 1 || m->opcode == 2) compressed_seed(p);
    } else if (const auto* r = std::get_if<send_raw>(&s)) {
      wire += r->bytes.substr(0, max_seed);
      small += r->bytes.substr(0, decoder_max_len);
    } else if (const auto* h = std::get_if<handshake_spec>(&s)) {
      add("handshake_request", std::string("\x00\x05", 2), request_for(*h));
      handshake = true;
    }
  }
  if (!handshake) add("handshake_request", std::string("\x00\x05", 2), request_for({}));
  if (wire.empty()) return;
  // Options: masking "any", minimal lengths required, no size limit; slice seed 1
  // (frame_decoder_fuzzer).
  add("frame_decoder", "\x81\x80\x01", small.substr(0, decoder_max_len - 3));
  // Slices of 8 bytes, no permessage-deflate, the default message limit.
  add("message_assembler", "\x0e\xff", wire);
  // message_reader_fuzzer: masking "any", the default message limit, slice seeds 1 and 2; and
  // a 16-byte message limit with data frames ignored after the first event. Cut to
  // fuzz/options/message_reader.options' max_len.
  const std::size_t reader_body = reader_max_len - 3;
  add("message_reader", std::string("\x00\xff\x01", 3), small.substr(0, reader_body));
  add("message_reader", std::string("\x00\xff\x02", 3), wire.substr(0, reader_body));
  add("message_reader", std::string("\x20\x10\x03", 3), small.substr(0, reader_body));
}

void deflate_seeds() {
  // RFC 7692 7.2.3: one block, the shared window, a stored block, BFINAL, two blocks, an empty
  // fragment's 0x00; then the bytes a broken sender writes (tail not removed, a reserved block
  // type, a stored block cut short).
  const std::string hello("\xf2\x48\xcd\xc9\xc9\x07\x00", 7);
  const std::string hello_again("\xf2\x00\x11\x00\x00", 5);
  const std::vector<std::vector<std::string>> rfc = {
      {hello},
      {hello, hello_again},
      {std::string("\x00\x05\x00\xfa\xff\x48\x65\x6c\x6c\x6f\x00", 11)},
      {std::string("\xf3\x48\xcd\xc9\xc9\x07\x00\x00", 8), hello_again},
      {std::string("\xf2\x48\x05\x00\x00\x00\xff\xff\xca\xc9\xc9\x07\x00", 13)},
      {std::string("\x00", 1), hello, std::string("\x00", 1)},
      {std::string("\xf2\x48\xcd\xc9\xc9\x07\x00\x00\x00\xff\xff", 11)},
      {"\x06"},
      {std::string("\x00\x09\x00\xf6\xff\x48\x65", 7)},
  };
  for (const auto& messages : rfc) {
    add("permessage_deflate", deflate_options, deflate_messages(messages));
    // The same with no context takeover and a 5-byte bound.
    add("permessage_deflate", "\x3f\x02\x6f", deflate_messages(messages));
  }
  // A small bomb: 64 KiB of zeros in a few hundred bytes, against a 1000-byte bound.
  codec::deflater d;
  const auto zeros = d.compress(std::vector<std::uint8_t>(1 << 16, 0));
  add("permessage_deflate", "\xa7\x01\x97",
      deflate_messages({std::string(zeros.begin(), zeros.end())}));
  // Sec-WebSocket-Extensions values (property 4 of the target) after the option bytes.
  for (const char* header : {
           "permessage-deflate",
           "permessage-deflate; client_max_window_bits",
           "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
           "permessage-deflate; server_max_window_bits=10; client_max_window_bits=12",
           "permessage-deflate; server_max_window_bits=8, permessage-deflate",
           "permessage-deflate; client_max_window_bits=\"15\", x-webkit-deflate-frame",
           "permessage-deflate; server_max_window_bits=08; foo",
           "permessage-deflate; client_no_context_takeover=1; server_max_window_bits",
       }) {
    add("permessage_deflate", deflate_options, header);
  }
}

void response_seeds() {
  const std::string accept = codec::compute_accept(sample_key);
  const std::string offers = std::string("\x00\x60", 2);  // protocols and extensions offered
  add("handshake_response", offers, codec::build_response(accept));
  add("handshake_response", offers, codec::build_response(accept, "chat"));
  add("handshake_response", offers,
      codec::build_response(accept, std::nullopt, "permessage-deflate; client_max_window_bits=15"));
  add("handshake_response", offers,
      codec::build_response(accept, "superchat", "permessage-deflate; server_no_context_takeover"));
  add("handshake_response", offers, codec::build_response("wrong") + "\x81\x05hello");
  for (const int status : {400, 403, 404, 426, 500, 503})
    add("handshake_response", offers, codec::build_error_response(status, {}, "no"));
  codec::server_response r = codec::default_response(accept);
  r.fields.push_back({"Server", "wsspec-seed"});
  r.fields.push_back({"Sec-WebSocket-Extensions", "x; a=\"b\", y"});
  add("handshake_response", offers, r.serialize());
  r.version = "HTTP/1.0";
  r.reason = "";
  add("handshake_response", offers, r.serialize());
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return std::move(ss).str();
}

// FNV-1a: a stable file name per content (same corpus, same names, on every machine).
std::string name_of(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s CASES_DIR OUT_DIR\n", argv[0]);
    return 2;
  }
  const fs::path cases_dir = argv[1], out_dir = argv[2];
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(cases_dir))
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::size_t loaded = 0;
  for (const fs::path& f : files) {
    const std::string text = read(f);
    add("case_loader", "", text);
    const fs::path rel = f.lexically_relative(cases_dir);
    if (rel.begin() == rel.end() || std::next(rel.begin()) == rel.end()) continue;  // schema.json
    std::vector<test_case> cases;
    case_error error;
    if (!load_case_text(rel.generic_string(), rel.begin()->string(), text, cases, error)) {
      std::fprintf(stderr, "%s\n", error.to_string().c_str());
      return 1;
    }
    for (const test_case& c : cases) seeds_from_case(c);
    loaded += cases.size();
  }
  response_seeds();
  deflate_seeds();

  std::error_code ec;
  for (const auto& [target, contents] : seeds) {
    const fs::path dir = out_dir / target;
    fs::remove_all(dir, ec);
    fs::create_directories(dir);
    for (const std::string& s : contents) {
      std::ofstream(dir / name_of(s), std::ios::binary).write(s.data(), std::ssize(s));
    }
    std::printf("%s: %zu seeds\n", target.c_str(), contents.size());
  }
  std::printf("from %zu case files, %zu cases\n", files.size(), loaded);
  return 0;
}
