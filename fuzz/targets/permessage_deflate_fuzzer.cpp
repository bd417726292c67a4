// permessage-deflate (RFC 7692): the inflater, the deflater and the negotiation. Properties,
// each a crash when broken:
// 1. Any bytes, as a sequence of compressed messages, inflate under input-chosen parameters
//    (window bits, context takeover, a small output bound) without a crash, and no message
//    writes more than the bound: an error-free message has at most `bound` bytes, a message
//    that fails with inflated_message_too_large has exactly `bound`, and the output vector's
//    capacity never exceeds the bound.
// 2. The same messages fed whole, one byte at a time and in input-chosen slices give the same
//    output bytes, error and zlib error text for every message.
// 3. The same bytes, as plain messages, deflated (input-chosen window, level, context takeover)
//    and inflated in input-chosen slices by a matching inflater bounded at the largest
//    message's size, come back byte for byte; with window bits 8 the payload is stored blocks
//    only, so never shorter than the message.
// 4. The same bytes, as a Sec-WebSocket-Extensions value: every element's parse agrees with a
//    model written from RFC 7692 7.1 (error for error); a parsed element written back by
//    to_extension parses the same; an offer the server accepts (input-chosen server options)
//    gets a response that the client's checks accept with the same agreed parameters.
//
// Input layout: byte 0: inflater window bits - 8 (bits 0-2), no context takeover (bit 3), the
// bound (bits 4-7, an index into k_bounds); byte 1: seed of the slice lengths and of the server
// options; byte 2: deflater window bits - 8 (bits 0-2), no context takeover (bit 3), level
// (bits 4-7, modulo 10); the rest: messages, each a length byte then that many bytes (0xFF: the
// rest of the input), compressed for 1 and 2 and plain for 3; the rest as a whole, length bytes
// included, is the header value of 4.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/codec/deflater.hpp"
#include "wsspec/codec/inflater.hpp"
#include "wsspec/codec/permessage_deflate.hpp"

namespace {

using namespace wsspec::codec;
using bytes = std::vector<std::uint8_t>;

[[noreturn]] void mismatch() { std::abort(); }

constexpr std::array<std::uint64_t, 16> k_bounds = {
    0, 1, 2, 5, 16, 64, 125, 126, 255, 256, 1000, 4096, 8192, 16384, 16385, 65536};

// Input-chosen slice lengths, 1..16 bytes, from a small xorshift seeded by the input.
class slicer {
 public:
  explicit slicer(std::uint8_t seed) : x_(0x9E3779B9u ^ (seed * 0x01000193u)) {}
  std::size_t next() {
    x_ ^= x_ << 13;
    x_ ^= x_ >> 17;
    x_ ^= x_ << 5;
    return 1 + (x_ >> 7) % 16;
  }

 private:
  std::uint32_t x_;
};

std::vector<std::span<const std::uint8_t>> split_messages(std::span<const std::uint8_t> rest) {
  std::vector<std::span<const std::uint8_t>> out;
  while (!rest.empty()) {
    const std::size_t n =
        rest[0] == 0xFF ? rest.size() - 1 : std::min<std::size_t>(rest[0], rest.size() - 1);
    out.push_back(rest.subspan(1, n));
    rest = rest.subspan(1 + n);
  }
  return out;
}

struct message_result {
  bytes out;
  protocol_error error = protocol_error::none;
  std::string_view detail;
};

// Inflates the messages in order with one inflater, each fed in pieces as long as piece() says
// (0: the rest at once), stopping after the first error. Checks property 1 on the way.
template <class Piece>
std::vector<message_result> inflate_all(const inflater_options& o,
                                        const std::vector<std::span<const std::uint8_t>>& messages,
                                        Piece piece) {
  inflater in(o);
  std::vector<message_result> results;
  for (const auto m : messages) {
    message_result r;
    for (std::size_t pos = 0; pos < m.size() && r.error == protocol_error::none;) {
      const std::size_t want = piece();
      const std::size_t n = want == 0 ? m.size() - pos : std::min(want, m.size() - pos);
      r.error = in.feed(m.subspan(pos, n), r.out);
      pos += n;
    }
    if (r.error == protocol_error::none) r.error = in.finish(r.out);
    if (r.out.size() > o.max_message_size || r.out.capacity() > o.max_message_size) mismatch();
    if (r.error == protocol_error::inflated_message_too_large && r.out.size() != o.max_message_size)
      mismatch();
    if (r.error == protocol_error::none && in.message_size() != r.out.size()) mismatch();
    if (in.error() != r.error) mismatch();
    r.detail = in.error_detail();
    const bool failed = r.error != protocol_error::none;
    results.push_back(std::move(r));
    if (failed) break;
  }
  return results;
}

// The one divergence inflater.hpp documents: zlib rejects a distance beyond the agreed window
// only once the bytes it names have left its buffers, and how much output one call keeps
// depends on how the input was sliced. So a stream that reaches past its window may stop
// earlier in one run, with "invalid distance too far back", having inflated a prefix of what
// the other run did. Anything else that differs is a mismatch.
bool window_overrun(const message_result& x, const message_result& y) {
  return x.detail == "invalid distance too far back" && x.out.size() <= y.out.size() &&
         std::equal(x.out.begin(), x.out.end(), y.out.begin());
}

void check_same(const std::vector<message_result>& a, const std::vector<message_result>& b) {
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    if (a[i].error == b[i].error && a[i].out == b[i].out && a[i].detail == b[i].detail) continue;
    if (window_overrun(a[i], b[i]) || window_overrun(b[i], a[i])) return;  // runs end here
    mismatch();
  }
  if (a.size() != b.size()) mismatch();
}

// Property 3. One deflater per option set, kept between inputs and reset for each: zlib's
// deflate state is a few hundred KiB to set up. The inflater's bound is the largest message's
// size, so the largest one ends exactly at the bound.
void round_trip(std::uint8_t options, const std::vector<std::span<const std::uint8_t>>& messages,
                std::uint8_t seed) {
  static std::array<std::unique_ptr<deflater>, 16 * 10> cache;
  deflater_options o;
  o.window_bits = static_cast<std::uint8_t>(8 + (options & 7));
  o.no_context_takeover = (options & 8) != 0;
  o.level = (options >> 4) % 10;
  auto& d = cache[static_cast<std::size_t>((options & 15) * 10 + o.level)];
  if (!d) d = std::make_unique<deflater>(o);
  d->reset();
  inflater_options io;
  io.window_bits = o.window_bits;
  io.no_context_takeover = o.no_context_takeover;
  io.max_message_size = 0;
  for (const auto m : messages)
    io.max_message_size = std::max<std::uint64_t>(io.max_message_size, m.size());
  inflater in(io);
  slicer s(seed);
  bytes payload, out;
  for (const auto m : messages) {
    payload.clear();
    d->compress(m, payload);
    // Window bits 8: stored blocks only (deflater.hpp), never shorter than the message.
    if (o.window_bits == 8 && payload.size() < m.size()) mismatch();
    out.clear();
    for (std::size_t pos = 0; pos < payload.size();) {
      const std::size_t n = std::min(s.next(), payload.size() - pos);
      if (in.feed(std::span(payload).subspan(pos, n), out) != protocol_error::none) mismatch();
      pos += n;
    }
    if (in.finish(out) != protocol_error::none) mismatch();
    if (!std::equal(out.begin(), out.end(), m.begin(), m.end())) mismatch();
  }
}

// --- Property 4 -----------------------------------------------------------------------------

bool ieq(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

// RFC 7692 7.1, restated: the first broken rule of the element, parameter by parameter.
deflate_negotiation_error model_parse(const extension_offer& e, deflate_element_kind kind) {
  using enum deflate_negotiation_error;
  if (!ieq(e.name, "permessage-deflate")) return not_permessage_deflate;
  static constexpr std::array<std::string_view, 4> names = {
      "server_no_context_takeover", "client_no_context_takeover", "server_max_window_bits",
      "client_max_window_bits"};
  std::array<bool, 4> seen{};
  for (const extension_param& p : e.params) {
    std::size_t i = 0;
    while (i < names.size() && !ieq(p.name, names[i])) ++i;
    if (i == names.size()) return unknown_parameter;
    if (seen[i]) return duplicate_parameter;
    seen[i] = true;
    if (i < 2) {
      if (p.value) return unexpected_value;
      continue;
    }
    if (!p.value) {
      if (i == 3 && kind == deflate_element_kind::offer) continue;
      return missing_window_bits;
    }
    const std::string& v = *p.value;
    const bool digits =
        !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || (v.size() > 1 && v[0] == '0')) return malformed_window_bits;
    if (v.size() > 2 || std::stoi(v) < 8 || std::stoi(v) > 15) return window_bits_out_of_range;
  }
  return none;
}

void negotiation(std::span<const std::uint8_t> rest, std::uint8_t seed) {
  const std::string_view header(reinterpret_cast<const char*>(rest.data()), rest.size());
  std::vector<extension_offer> list;
  if (!parse_extensions(header, list)) return;
  deflate_server_options so;
  so.server_no_context_takeover = (seed & 1) != 0;
  so.client_no_context_takeover = (seed & 2) != 0;
  so.server_max_window_bits = static_cast<std::uint8_t>(8 + ((seed >> 2) & 7));
  so.min_server_max_window_bits = (seed & 0x20) ? 10 : 8;
  if (seed & 0x40) so.client_max_window_bits = static_cast<std::uint8_t>(8 + ((seed >> 3) & 7));
  std::vector<extension_offer> responses;
  for (const extension_offer& e : list) {
    for (const auto kind : {deflate_element_kind::offer, deflate_element_kind::response}) {
      deflate_element parsed;
      const auto err = parse_deflate_element(e, kind, parsed);
      if (err != model_parse(e, kind)) mismatch();
      if (to_string(err).empty() ||
          (err != deflate_negotiation_error::none && rfc_section(err).empty()))
        mismatch();
      if (err != deflate_negotiation_error::none) continue;
      deflate_element again;
      if (parse_deflate_element(to_extension(parsed), kind, again) !=
              deflate_negotiation_error::none ||
          !(again == parsed))
        mismatch();
    }
    const deflate_acceptance a = accept_deflate_offer(e, so);
    if (!a.ok()) continue;
    const extension_offer response = to_extension(a.response);
    const deflate_negotiation n = validate_deflate_response(e, response);
    if (!n.ok() || !(n.agreed == a.agreed)) mismatch();
    responses.push_back(response);
  }
  // The list as a whole: the server's pick is an answer the client accepts.
  if (const auto pick = select_deflate_offer(list, so)) {
    const extension_offer response = to_extension(pick->response);
    const auto n = negotiate_deflate(list, std::span(&response, 1));
    if (!n || !n->ok() || !(n->agreed == pick->agreed)) mismatch();
  }
  if (responses.size() > 1) {
    const auto n = negotiate_deflate(list, responses);
    if (!n || n->error != deflate_negotiation_error::multiple_responses) mismatch();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  inflater_options o;
  o.window_bits = static_cast<std::uint8_t>(8 + (data[0] & 7));
  o.no_context_takeover = (data[0] & 8) != 0;
  o.max_message_size = k_bounds[data[0] >> 4];
  const std::span<const std::uint8_t> rest(data + 3, size - 3);
  const auto messages = split_messages(rest);

  // Properties 1 and 2.
  const auto whole = inflate_all(o, messages, [] { return std::size_t{0}; });
  check_same(whole, inflate_all(o, messages, [] { return std::size_t{1}; }));
  slicer s(data[1]);
  check_same(whole, inflate_all(o, messages, [&] { return s.next(); }));

  round_trip(data[2], messages, data[1]);
  negotiation(rest, data[1]);
  return 0;
}
