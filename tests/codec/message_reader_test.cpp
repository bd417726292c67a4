// message_reader: bytes in, events out (RFC 6455 5.2-5.7, 8.1, 10.4; RFC 7692 6.1).
//
// Most tests are fixtures, llhttp style: the input bytes and the events the reader must report,
// one short string per event:
//   "fragment text 3"                      a data frame that did not end its message
//   "message text 'Hello' (2 frames)"      a message (frame count when more than one)
//   "control ping 'p1'", "control close 1000 'bye'", "control close"
//   "violation reserved_opcode @0 [83]"    error, stream offset, evidence bytes in hex
// Every fixture runs whole, one byte at a time, split at every point (and at every pair of
// points when short), fed entirely before anything is read, read one event per two bytes fed,
// and through prepare()/commit(): all must give the expected events and end at the same
// consumed().
//
// Input notation: two hex digits are a byte, 'text' is its ASCII bytes, XX*N is byte XX N times.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "wsspec/codec/frame_header.hpp"
#include "wsspec/codec/message_reader.hpp"

namespace wsspec::codec {
namespace {

using bytes = std::vector<std::uint8_t>;

bytes parse_input(std::string_view s) {
  bytes out;
  std::size_t i = 0;
  auto hex = [](char c) { return std::isdigit(c) ? c - '0' : std::tolower(c) - 'a' + 10; };
  while (i < s.size()) {
    if (s[i] == ' ') {
      ++i;
    } else if (s[i] == '\'') {
      const std::size_t end = s.find('\'', i + 1);
      out.insert(out.end(), s.begin() + i + 1, s.begin() + end);
      i = end + 1;
    } else {
      const auto b = static_cast<std::uint8_t>(hex(s[i]) * 16 + hex(s[i + 1]));
      i += 2;
      std::size_t n = 1;
      if (i < s.size() && s[i] == '*') {
        n = 0;
        for (++i; i < s.size() && std::isdigit(s[i]); ++i) n = n * 10 + (s[i] - '0');
      }
      out.insert(out.end(), n, b);
    }
  }
  return out;
}

// 'text' with non-printable bytes as \xNN; long uniform payloads as <N x XX>.
std::string quote(std::span<const std::uint8_t> p) {
  char buf[48];
  if (p.size() > 32) {
    if (std::all_of(p.begin(), p.end(), [&](std::uint8_t b) { return b == p[0]; })) {
      std::snprintf(buf, sizeof buf, "<%zu x %02x>", p.size(), p[0]);
      return buf;
    }
    std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
    for (auto b : p) h = (h ^ b) * 0x100000001b3ULL;
    std::snprintf(buf, sizeof buf, "<%zu bytes #%016llx>", p.size(),
                  static_cast<unsigned long long>(h));
    return buf;
  }
  std::string s = "'";
  for (auto b : p) {
    if (b >= 0x20 && b < 0x7F && b != '\'' && b != '\\') {
      s += static_cast<char>(b);
    } else {
      std::snprintf(buf, sizeof buf, "\\x%02x", b);
      s += buf;
    }
  }
  return s + "'";
}

std::string hex_list(std::span<const std::uint8_t> p) {
  std::string s;
  char buf[4];
  for (auto b : p) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    s += (s.empty() ? "" : " ") + std::string(buf);
  }
  return s;
}

std::string describe_event(const message_reader& r, read_status s) {
  switch (s) {
    case read_status::need_more:
      return "need_more";
    case read_status::fragment:
      return "fragment " + std::string(to_string(r.header().op)) + " " +
             std::to_string(r.header().payload_length);
    case read_status::message: {
      std::string e =
          "message " + std::string(to_string(r.message_opcode())) + " " + quote(r.message());
      if (r.message_frames() > 1) e += " (" + std::to_string(r.message_frames()) + " frames)";
      if (r.message_compressed()) e += " compressed";
      return e;
    }
    case read_status::control: {
      std::string e = "control " + std::string(to_string(r.control_opcode()));
      if (r.control_opcode() != opcode::close) return e + " " + quote(r.control_payload());
      if (!r.close().code) return e;
      const auto* reason = reinterpret_cast<const std::uint8_t*>(r.close().reason.data());
      return e + " " + std::to_string(*r.close().code) + " " +
             quote({reason, r.close().reason.size()});
    }
    case read_status::violation:
      return "violation " + std::string(to_string(r.error())) + " @" +
             std::to_string(r.error_offset()) + " [" + hex_list(r.error_evidence()) + "]";
  }
  return "?";
}

struct trace {
  std::vector<std::string> events;
  std::uint64_t consumed = 0;
  friend bool operator==(const trace&, const trace&) = default;
};

void PrintTo(const trace& t, std::ostream* os) {
  *os << "consumed " << t.consumed << ", events:";
  for (const auto& e : t.events) *os << "\n    " << e;
}

// Calls next() until need_more (or, with `limit`, at most that many times); false once a
// violation was recorded.
bool drain(message_reader& r, trace& t, std::size_t limit = SIZE_MAX) {
  for (std::size_t i = 0; i < limit; ++i) {
    const read_status s = r.next();
    if (s == read_status::need_more) return true;
    t.events.push_back(describe_event(r, s));
    if (s == read_status::violation) {
      // Final: asked again, the same; fed more, nothing moves.
      EXPECT_EQ(r.next(), read_status::violation);
      const auto before = r.consumed();
      const std::size_t buffered = r.buffered();
      const std::uint8_t more[] = {0x81, 0x00};
      r.feed(more);
      EXPECT_EQ(r.buffered(), buffered);
      EXPECT_EQ(r.next(), read_status::violation);
      EXPECT_EQ(r.consumed(), before);
      return false;
    }
  }
  return true;
}

// Feeds `input` in slices ending at `cuts` (ascending) and at the end, draining after each.
trace run_cuts(const reader_options& o, const bytes& input, const std::vector<std::size_t>& cuts) {
  message_reader r(o);
  trace t;
  std::size_t pos = 0;
  std::uint64_t fed = 0;
  auto slice = [&](std::size_t end) {
    r.feed(std::span(input).subspan(pos, end - pos));
    fed += end - pos;
    pos = end;
    const bool ok = drain(r, t);
    if (ok) {
      EXPECT_EQ(r.buffered(), 0u);  // need_more: every byte used
      EXPECT_EQ(r.consumed(), fed);
    }
    return ok;
  };
  for (std::size_t c : cuts)
    if (!slice(c)) break;
  if (t.events.empty() || !t.events.back().starts_with("violation")) slice(input.size());
  t.consumed = r.consumed();
  return t;
}

trace run_whole(const reader_options& o, const bytes& input) { return run_cuts(o, input, {}); }

trace run_bytewise(const reader_options& o, const bytes& input) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < input.size(); ++i) cuts.push_back(i);
  return run_cuts(o, input, cuts);
}

// One byte at a time without calling next(), then everything: exercises the buffer's growth.
trace run_fed_first(const reader_options& o, const bytes& input) {
  message_reader r(o);
  trace t;
  for (std::uint8_t b : input) r.feed(std::span(&b, 1));
  EXPECT_EQ(r.buffered(), input.size());
  drain(r, t);
  t.consumed = r.consumed();
  return t;
}

// One byte fed at a time and one next() per two bytes: events wait in the buffer while more
// bytes are fed behind them.
trace run_lagging(const reader_options& o, const bytes& input) {
  message_reader r(o);
  trace t;
  bool ok = true;
  for (std::size_t i = 0; i < input.size() && ok; ++i) {
    r.feed(std::span(input).subspan(i, 1));
    if (i % 2 == 1) ok = drain(r, t, 1);
    if (ok) {
      EXPECT_EQ(r.consumed() + r.buffered(), i + 1);
    }
  }
  if (ok) drain(r, t);
  t.consumed = r.consumed();
  return t;
}

// Through prepare()/commit() in 3-byte reads, with more prepared than committed.
trace run_prepared(const reader_options& o, const bytes& input) {
  message_reader r(o);
  trace t;
  for (std::size_t pos = 0; pos < input.size(); pos += 3) {
    const std::size_t n = std::min<std::size_t>(3, input.size() - pos);
    const auto room = r.prepare(8);
    EXPECT_GE(room.size(), 8u);
    std::copy_n(input.begin() + pos, n, room.begin());
    r.commit(n);
    if (!drain(r, t)) break;
  }
  t.consumed = r.consumed();
  return t;
}

struct fixture {
  const char* name;
  reader_options options;
  const char* input;
  std::vector<std::string> events;
};

reader_options any() { return {}; }
reader_options server() { return {decoder_options::server(), {}}; }
reader_options client() { return {decoder_options::client(), {}}; }
reader_options limit(std::uint64_t max_message) {
  reader_options o;
  o.assembler.max_message_size = max_message;
  return o;
}
reader_options deflate() {
  reader_options o;
  o.decoder.allowed_rsv = rsv1_bit;
  o.assembler.compressed_messages = true;
  return o;
}

void check(const fixture& f) {
  SCOPED_TRACE(f.name);
  const bytes input = parse_input(f.input);
  const trace whole = run_whole(f.options, input);
  EXPECT_EQ(whole.events, f.events);
  EXPECT_EQ(run_bytewise(f.options, input), whole) << "one byte at a time";
  EXPECT_EQ(run_fed_first(f.options, input), whole) << "fed first, then read";
  EXPECT_EQ(run_lagging(f.options, input), whole) << "one event per two bytes fed";
  EXPECT_EQ(run_prepared(f.options, input), whole) << "prepare/commit";
  // Every split point (a sample of them in long inputs), and every pair in short ones.
  const std::size_t step = input.size() > 4096 ? 251 : 1;
  for (std::size_t i = 1; i < input.size(); i += step)
    ASSERT_EQ(run_cuts(f.options, input, {i}), whole) << "split at " << i;
  if (input.size() <= 40) {
    for (std::size_t i = 1; i < input.size(); ++i)
      for (std::size_t j = i + 1; j < input.size(); ++j)
        ASSERT_EQ(run_cuts(f.options, input, {i, j}), whole) << "split at " << i << ", " << j;
  }
}

// RFC 6455 5.7, byte for byte.
TEST(MessageReader, Rfc6455Examples) {
  const fixture fixtures[] = {
      {"a single-frame unmasked text message", client(), "81 05 'Hello'", {"message text 'Hello'"}},
      {"a single-frame masked text message",
       server(),
       "81 85 37 fa 21 3d 7f 9f 4d 51 58",
       {"message text 'Hello'"}},
      {"a fragmented unmasked text message",
       client(),
       "01 03 48 65 6c 80 02 6c 6f",
       {"fragment text 3", "message text 'Hello' (2 frames)"}},
      {"unmasked ping request and masked ping response",
       any(),
       "89 05 48 65 6c 6c 6f 8a 85 37 fa 21 3d 7f 9f 4d 51 58",
       {"control ping 'Hello'", "control pong 'Hello'"}},
      {"256 bytes binary message in a single unmasked frame",
       client(),
       "82 7e 01 00 ab*256",
       {"message binary <256 x ab>"}},
      {"64KiB binary message in a single unmasked frame",
       client(),
       "82 7f 00 00 00 00 00 01 00 00 cd*65536",
       {"message binary <65536 x cd>"}},
  };
  for (const auto& f : fixtures) check(f);
}

TEST(MessageReader, FragmentsAndControlFrames) {
  const fixture fixtures[] = {
      {"control frames between fragments",
       client(),
       "01 03 'fra' 89 02 'p1' 00 02 'gm' 8a 00 80 03 'ent'",
       {"fragment text 3", "control ping 'p1'", "fragment continuation 2", "control pong ''",
        "message text 'fragment' (3 frames)"}},
      {"a close between fragments does not end the stream",
       client(),
       "02 01 aa 88 02 03 e8 80 01 bb",
       {"fragment binary 1", "control close 1000 ''", "message binary '\\xaa\\xbb' (2 frames)"}},
      {"empty fragments",
       client(),
       "01 00 00 00 80 00",
       {"fragment text 0", "fragment continuation 0", "message text '' (3 frames)"}},
      {"masked fragments, each with its own key",
       server(),
       "01 83 00 00 00 00 'Hel' 89 81 ff ff ff ff 8f 80 82 01 02 03 04 6d 6d",
       {"fragment text 3", "control ping 'p'", "message text 'Hello' (2 frames)"}},
      {"close frames with and without a body",
       client(),
       "88 05 03 e8 'bye' 88 00 88 02 0f a0",
       {"control close 1000 'bye'", "control close", "control close 4000 ''"}},
      {"messages back to back",
       client(),
       "81 01 'a' 82 00 81 02 'bc'",
       {"message text 'a'", "message binary ''", "message text 'bc'"}},
      {"a code point split over three frames",
       client(),
       "01 01 e2 00 01 82 80 01 ac",
       {"fragment text 1", "fragment continuation 1", "message text '\\xe2\\x82\\xac' (3 frames)"}},
      {"non-minimal lengths when allowed",
       [] {
         auto o = client();
         o.decoder.require_minimal_length = false;
         return o;
       }(),
       "82 7e 00 02 'hi' 82 7f 00 00 00 00 00 00 00 01 '!'",
       {"message binary 'hi'", "message binary '!'"}},
      {"compressed messages (RSV1 on the first frame only)",
       deflate(),
       "41 01 f2 89 00 80 01 00 c1 01 aa",
       {"fragment text 1", "control ping ''", "message text '\\xf2\\x00' (2 frames) compressed",
        "message text '\\xaa' compressed"}},
  };
  for (const auto& f : fixtures) check(f);
}

TEST(MessageReader, FrameViolations) {
  const fixture fixtures[] = {
      {"reserved opcode", client(), "83 00", {"violation reserved_opcode @0 [83]"}},
      {"reserved control opcode after a message",
       client(),
       "81 01 'a' 8b 00",
       {"message text 'a'", "violation reserved_opcode @3 [8b]"}},
      {"RSV bits without an extension", client(), "c1 00", {"violation reserved_bits_set @0 [c1]"}},
      {"unmasked frame to a server",
       server(),
       "81 05 'Hello'",
       {"violation frame_not_masked @1 [81 05]"}},
      {"masked frame to a client",
       client(),
       "81 85 37 fa 21 3d 7f 9f 4d 51 58",
       {"violation frame_masked @1 [81 85]"}},
      {"fragmented control frame",
       client(),
       "09 00",
       {"violation control_frame_fragmented @0 [09]"}},
      {"control frame longer than 125 bytes",
       client(),
       "89 7e 00 7e 00*126",
       {"violation control_frame_too_long @3 [89 7e 00 7e]"}},
      {"length not minimal",
       client(),
       "82 7e 00 05 'hello'",
       {"violation length_not_minimal @3 [82 7e 00 05]"}},
      {"64-bit length with its top bit set",
       client(),
       "82 7f 80 00 00 00 00 00 00 00",
       {"violation length_high_bit_set @9 [82 7f 80 00 00 00 00 00 00 00]"}},
      {"frame larger than the frame limit",
       [] {
         auto o = client();
         o.decoder.max_frame_payload = 4;
         return o;
       }(),
       "81 04 'four' 81 05 'fives'",
       {"message text 'four'", "violation frame_too_large @7 [81 05]"}},
  };
  for (const auto& f : fixtures) check(f);
}

TEST(MessageReader, MessageViolations) {
  const fixture fixtures[] = {
      {"continuation without a message",
       client(),
       "80 01 'x'",
       {"violation continuation_without_message @0 [80 01]"}},
      {"new data frame inside a message",
       client(),
       "01 01 'a' 81 01 'b'",
       {"fragment text 1", "violation data_frame_inside_message @3 [81 01]"}},
      {"invalid UTF-8 at its first bad byte, before the frame ends",
       client(),
       "81 04 'a' c0 'bc'",
       {"violation invalid_utf8 @3 [81 04 61 c0]"}},
      {"invalid UTF-8 across fragments",
       client(),
       "01 02 'a' e2 00 02 82 41",
       {"fragment text 2", "violation invalid_utf8 @7 [00 02 82 41]"}},
      {"invalid UTF-8 in a masked frame: evidence is the wire bytes",
       server(),
       "81 83 01 01 01 01 60 c1 63",
       {"violation invalid_utf8 @7 [81 83 01 01 01 01 60 c1]"}},
      {"text that ends inside a code point",
       client(),
       "81 02 'a' e2",
       {"violation invalid_utf8 @3 [81 02 61 e2]"}},
      {"text that ends inside a code point, with an empty last frame",
       client(),
       "01 02 'a' e2 80 00",
       {"fragment text 2", "violation invalid_utf8 @5 [80 00]"}},
      {"close with a 1-byte body",
       client(),
       "88 01 03",
       {"violation close_payload_one_byte @2 [88 01 03]"}},
      {"close code 1005 on the wire",
       client(),
       "88 05 03 ed 'abc'",
       {"violation close_code_invalid @3 [88 05 03 ed]"}},
      {"close reason not UTF-8",
       client(),
       "88 05 03 e8 'a' c0 'b'",
       {"violation close_reason_invalid_utf8 @5 [88 05 03 e8 61 c0]"}},
      {"close reason ends inside a code point",
       client(),
       "88 04 03 e8 'a' e2",
       {"violation close_reason_invalid_utf8 @5 [88 04 03 e8 61 e2]"}},
      {"RSV1 on a continuation",
       deflate(),
       "41 01 aa c0 01 bb",
       {"fragment text 1", "violation compressed_bit_on_continuation @3 [c0 01]"}},
      {"RSV1 on a control frame",
       deflate(),
       "c9 00",
       {"violation compressed_bit_on_control @0 [c9 00]"}},
  };
  for (const auto& f : fixtures) check(f);
}

// 10.4: refused at the header that shows the message cannot fit, at the last length byte.
TEST(MessageReader, MessageSizeLimit) {
  const fixture fixtures[] = {
      {"exactly at the limit", limit(4), "81 04 'Hell'", {"message text 'Hell'"}},
      {"one frame over the limit",
       limit(4),
       "81 05 'Hello'",
       {"violation message_too_large @1 [81 05]"}},
      {"fragments over the limit",
       limit(4),
       "01 02 'He' 89 00 80 03 'llo'",
       {"fragment text 2", "control ping ''", "violation message_too_large @7 [80 03]"}},
      {"16-bit length over the limit",
       limit(200),
       "82 7e 00 c9 00*201",
       {"violation message_too_large @3 [82 7e 00 c9]"}},
      {"masked: the evidence is the whole header",
       [] {
         auto o = server();
         o.assembler.max_message_size = 4;
         return o;
       }(),
       "81 85 37 fa 21 3d 7f 9f 4d 51 58",
       {"violation message_too_large @1 [81 85 37 fa 21 3d]"}},
      {"control frames do not count",
       limit(1),
       "89 05 'Hello' 81 01 'x'",
       {"control ping 'Hello'", "message text 'x'"}},
      {"the limit is per message",
       limit(3),
       "81 03 'abc' 81 03 'def'",
       {"message text 'abc'", "message text 'def'"}},
  };
  for (const auto& f : fixtures) check(f);
}

TEST(MessageReader, OffsetsCountFromTheFirstByteEverFed) {
  message_reader r(client());
  trace t;
  const bytes first = parse_input("81 01 'a' 81 01");
  r.feed(first);
  drain(r, t);
  EXPECT_EQ(r.consumed(), 5u);
  EXPECT_FALSE(r.at_frame_boundary());
  const bytes second = parse_input("'b' 0b 00 'ignored'");
  r.feed(second);
  drain(r, t);
  EXPECT_EQ(t.events, (std::vector<std::string>{"message text 'a'", "message text 'b'",
                                                "violation reserved_opcode @6 [0b]"}));
  // Never reads past a violation: the bytes after it stay unread.
  EXPECT_EQ(r.consumed(), 7u);
  EXPECT_EQ(r.buffered(), 8u);
}

TEST(MessageReader, ConsumedAfterARefusedHeaderStopsAtTheHeader) {
  message_reader r(client());
  r.feed(parse_input("80 05 'hello' 81 00"));
  EXPECT_EQ(r.next(), read_status::violation);
  EXPECT_EQ(r.error(), protocol_error::continuation_without_message);
  EXPECT_EQ(r.consumed(), 2u);  // the payload that came with the header was not used
  EXPECT_EQ(r.buffered(), 7u);
}

TEST(MessageReader, StateBetweenEvents) {
  message_reader r(client());
  EXPECT_TRUE(r.at_frame_boundary());
  EXPECT_FALSE(r.in_message());
  r.feed(parse_input("01 02 'ab' 89"));
  EXPECT_EQ(r.next(), read_status::fragment);
  EXPECT_EQ(r.header().op, opcode::text);
  EXPECT_FALSE(r.header().fin);
  EXPECT_TRUE(r.in_message());
  EXPECT_TRUE(r.at_frame_boundary());
  EXPECT_EQ(r.next(), read_status::need_more);
  EXPECT_FALSE(r.at_frame_boundary());
  EXPECT_EQ(r.header().op, opcode::text);  // the ping's header is not complete yet
  r.feed(parse_input("01 'p' 80 00"));
  EXPECT_EQ(r.next(), read_status::control);
  EXPECT_EQ(r.header().op, opcode::ping);
  EXPECT_TRUE(r.in_message());
  EXPECT_EQ(r.next(), read_status::message);
  EXPECT_FALSE(r.in_message());
  EXPECT_EQ(r.message_frames(), 2u);
  EXPECT_EQ(r.consumed(), 9u);
}

TEST(MessageReader, WithoutCollectingTheEventsAreTheSame) {
  reader_options o = client();
  o.assembler.collect = false;
  message_reader r(o);
  r.feed(parse_input("81 02 'hi' 01 01 'a' 80 01 'b'"));
  EXPECT_EQ(r.next(), read_status::message);
  EXPECT_TRUE(r.message().empty());
  EXPECT_EQ(r.next(), read_status::fragment);
  EXPECT_EQ(r.next(), read_status::message);
  EXPECT_TRUE(r.message().empty());
  EXPECT_EQ(r.message_frames(), 2u);
  EXPECT_EQ(r.next(), read_status::need_more);
}

// What an endpoint does after its own close frame (RFC 6455 5.5.1): data frames are skipped,
// control frames still count, header rules still apply.
TEST(MessageReader, IgnoringDataFrames) {
  message_reader r(client());
  r.feed(parse_input("01 01 'a'"));
  EXPECT_EQ(r.next(), read_status::fragment);
  r.ignore_data_frames();
  // A continuation, a text frame inside the message and invalid UTF-8: none of it is looked at.
  r.feed(parse_input("80 01 'b' 81 01 c0 89 01 'p' 88 02 03 e8"));
  trace t;
  drain(r, t);
  EXPECT_EQ(t.events, (std::vector<std::string>{"control ping 'p'", "control close 1000 ''"}));
  r.feed(parse_input("83 00"));
  EXPECT_EQ(r.next(), read_status::violation);
  EXPECT_EQ(r.error(), protocol_error::reserved_opcode);
  EXPECT_EQ(r.error_offset(), 16u);
}

TEST(MessageReader, IgnoringDataFramesStopsAFrameHalfWay) {
  message_reader r(server());
  const bytes frame = encode_frame({true, 0, opcode::text, true, {1, 2, 3, 4}, 0},
                                   std::vector<std::uint8_t>{'a', 'b', 0xC0, 'd'});
  r.feed(std::span(frame).first(7));
  EXPECT_EQ(r.next(), read_status::need_more);
  r.ignore_data_frames();
  r.feed(std::span(frame).subspan(7));  // the bad byte is not looked at
  EXPECT_EQ(r.next(), read_status::need_more);
  EXPECT_TRUE(r.at_frame_boundary());
}

// Masking keys and payload offsets: unmasking in place must follow the frame's own position,
// however the stream is cut.
TEST(MessageReader, MaskedFramesAtEveryCut) {
  bytes stream;
  std::string expected;
  std::uint8_t k = 1;
  for (const char* part : {"The ", "quick brown ", "fox", " jumps"}) {
    const std::string s(part);
    frame_header h;
    h.fin = std::string_view(part) == " jumps";
    h.op = expected.empty() ? opcode::text : opcode::continuation;
    h.masked = true;
    h.key = {k, static_cast<std::uint8_t>(k * 3), static_cast<std::uint8_t>(k * 7), 0x5A};
    ++k;
    const auto f = encode_frame(h, std::vector<std::uint8_t>(s.begin(), s.end()));
    stream.insert(stream.end(), f.begin(), f.end());
    expected += s;
  }
  const trace whole = run_whole(server(), stream);
  ASSERT_EQ(whole.events.size(), 4u);
  EXPECT_EQ(whole.events.back(), "message text '" + expected + "' (4 frames)");
  for (std::size_t i = 1; i < stream.size(); ++i)
    for (std::size_t j = i + 1; j < stream.size(); j += 3)
      ASSERT_EQ(run_cuts(server(), stream, {i, j}), whole) << i << ", " << j;
}

// The spans handed out stay valid until the next call, even when the message came in one
// piece (a view of the buffer) and more bytes wait behind it.
TEST(MessageReader, SpansStayValidUntilTheNextCall) {
  message_reader r(client());
  r.feed(parse_input("81 03 'one' 81 03 'two' 89 01 'p'"));
  ASSERT_EQ(r.next(), read_status::message);
  const auto one = r.message();
  EXPECT_EQ(std::string(one.begin(), one.end()), "one");
  ASSERT_EQ(r.next(), read_status::message);
  EXPECT_EQ(std::string(r.message().begin(), r.message().end()), "two");
  ASSERT_EQ(r.next(), read_status::control);
  EXPECT_TRUE(r.message().empty());
  EXPECT_EQ(std::string(r.control_payload().begin(), r.control_payload().end()), "p");
}

bytes many_small_frames(std::size_t n, bool fragments) {
  bytes s;
  s.reserve(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t b0 = 0x81;
    if (fragments) b0 = i == 0 ? 0x01 : i + 1 == n ? 0x80 : 0x00;
    s.insert(s.end(), {b0, 0x01, static_cast<std::uint8_t>('a' + i % 26)});
  }
  return s;
}

TEST(MessageReader, ManySmallFramesIn64KiBReads) {
  for (const bool fragments : {true, false}) {
    SCOPED_TRACE(fragments ? "fragments of one message" : "one-byte messages");
    const std::size_t n = 100000;
    const bytes stream = many_small_frames(n, fragments);
    message_reader r(client());
    std::size_t events = 0, messages = 0, message_bytes = 0;
    for (std::size_t pos = 0; pos < stream.size(); pos += 65536) {
      r.feed(std::span(stream).subspan(pos, std::min<std::size_t>(65536, stream.size() - pos)));
      for (read_status s; (s = r.next()) != read_status::need_more;) {
        ASSERT_NE(s, read_status::violation) << to_string(r.error());
        ++events;
        if (s == read_status::message) {
          ++messages;
          message_bytes += r.message().size();
        }
      }
      EXPECT_LE(r.capacity(), 65536u);  // drained after each read: one read's worth
    }
    EXPECT_EQ(events, n);
    EXPECT_EQ(messages, fragments ? 1u : n);
    EXPECT_EQ(message_bytes, n);
    EXPECT_EQ(r.consumed(), stream.size());
  }
}

// The buffer holds what is unread plus reclaimable slack, whatever the feed/next pattern.
TEST(MessageReader, MemoryStaysBoundedByWhatIsUnread) {
  const bytes stream = many_small_frames(200000, false);
  // Lagging: one event taken per 4 bytes fed, then catching up every 4 KiB.
  message_reader r(client());
  std::size_t peak_unread = 0, events = 0;
  for (std::size_t pos = 0; pos < stream.size(); pos += 4) {
    r.feed(std::span(stream).subspan(pos, std::min<std::size_t>(4, stream.size() - pos)));
    peak_unread = std::max(peak_unread, r.buffered() + 4);
    if (r.next() == read_status::message) ++events;
    if (pos % 4096 == 0)
      while (r.next() == read_status::message) ++events;
    ASSERT_LE(r.capacity(), std::max<std::size_t>(4096, 4 * peak_unread));
  }
  while (r.next() == read_status::message) ++events;
  EXPECT_EQ(events, 200000u);
  EXPECT_LE(r.capacity(), 8192u);
}

// Feeds and reads at uneven paces, so events queue up in the buffer behind more bytes, the
// buffer grows, and its consumed prefix is reclaimed while an unread tail has to move: the
// events are those of the whole stream read at once, and the capacity stays within its bound.
TEST(MessageReader, UnevenFeedingAndReading) {
  bytes stream;
  std::uint32_t rng = 7;
  auto random = [&rng](std::uint32_t n) {
    rng = rng * 1103515245u + 12345u;
    return (rng >> 16) % n;
  };
  for (int i = 0; i < 20000; ++i) {
    frame_header h;
    h.masked = true;
    h.key = {static_cast<std::uint8_t>(i), 0x11, 0x22, static_cast<std::uint8_t>(i >> 8)};
    const bool fragmented = random(4) == 0;
    h.op = random(2) ? opcode::text : opcode::binary;
    h.fin = !fragmented;
    const bytes payload(random(40), static_cast<std::uint8_t>('a' + i % 26));
    auto append = [&stream](const frame_header& f, const bytes& p) {
      const auto wire = encode_frame(f, p);
      stream.insert(stream.end(), wire.begin(), wire.end());
    };
    append(h, payload);
    if (fragmented) {
      frame_header ping = h;
      ping.op = opcode::ping;
      ping.fin = true;
      append(ping, bytes(random(5), 'p'));
      h.op = opcode::continuation;
      h.fin = true;
      append(h, payload);
    }
  }
  const trace whole = run_whole(server(), stream);
  ASSERT_GT(whole.events.size(), 20000u);

  message_reader r(server());
  trace t;
  std::size_t pos = 0, peak = 0;
  while (pos < stream.size()) {
    // Phases: reading slower than feeding, then faster, so the unread tail rises and falls.
    const bool lagging = (pos / 8192) % 2 == 0;
    const std::size_t n = std::min<std::size_t>(1 + random(64), stream.size() - pos);
    r.feed(std::span(stream).subspan(pos, n));
    pos += n;
    peak = std::max(peak, r.buffered());
    ASSERT_TRUE(drain(r, t, lagging ? random(2) : 2 + random(4)));
    ASSERT_LE(r.capacity(), std::max<std::size_t>(4096, 4 * peak));
  }
  drain(r, t);
  t.consumed = r.consumed();
  EXPECT_EQ(t, whole);
}

TEST(MessageReader, PrepareAndCommit) {
  message_reader r(client());
  auto room = r.prepare(100);
  ASSERT_GE(room.size(), 100u);
  const bytes msg = parse_input("81 02 'hi' 81");
  std::copy(msg.begin(), msg.end(), room.begin());
  r.commit(3);  // only "81 02 'h'" arrived
  EXPECT_EQ(r.buffered(), 3u);
  EXPECT_EQ(r.next(), read_status::need_more);
  room = r.prepare(1);
  room[0] = 'i';
  r.commit(1);
  EXPECT_EQ(r.next(), read_status::message);
  EXPECT_EQ(std::string(r.message().begin(), r.message().end()), "hi");
}

// A peer that stops inside a frame: how much of what the header announced came.
TEST(MessageReader, UnfinishedFrameSaysAnnouncedAndReceived) {
  message_reader r(client());
  EXPECT_FALSE(r.unfinished()) << "nothing fed";
  const bytes first = parse_input("81 05 'abc' 81 7e 00");  // 3 of 5, then part of a header
  r.feed(std::span(first).first(1));
  EXPECT_EQ(r.next(), read_status::need_more);
  EXPECT_FALSE(r.unfinished()) << "inside a header: nothing announced yet";
  r.feed(std::span(first).subspan(1, 4));
  EXPECT_EQ(r.next(), read_status::need_more);
  ASSERT_TRUE(r.unfinished());
  EXPECT_EQ(r.unfinished()->announced, 5u);
  EXPECT_EQ(r.unfinished()->received, 3u);
  const bytes rest = parse_input("'de' 81 7e 00");
  r.feed(rest);
  EXPECT_EQ(r.next(), read_status::message);
  EXPECT_EQ(r.next(), read_status::need_more);
  EXPECT_FALSE(r.unfinished()) << "the next frame's header is incomplete";
  const bytes length_and_some = parse_input("c8 'xy'");  // 200 announced, 2 came
  r.feed(length_and_some);
  EXPECT_EQ(r.next(), read_status::need_more);
  ASSERT_TRUE(r.unfinished());
  EXPECT_EQ(r.unfinished()->announced, 200u);
  EXPECT_EQ(r.unfinished()->received, 2u);
}

}  // namespace
}  // namespace wsspec::codec
