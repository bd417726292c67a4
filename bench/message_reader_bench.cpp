// The read path on many tiny frames: 100 000 frames of 2 bytes (empty payload) or 3 bytes
// (1-byte payload), either the fragments of one text message or that many messages, fed in
// 64 KiB reads as a socket would deliver them. Three to read side by side:
//   BM_ReadMemcpyFloor   copying the same reads into a buffer: the least any reader does
//   BM_ReadMessageReader codec::message_reader
//   BM_ReadOldGlue       the decoder/assembler glue the harness had, which erased the front of
//                        its std::string inbox after every frame (quadratic in frames per read)
// Args: fragments (1 = one message of 100 000 fragments, 0 = 100 000 messages), payload bytes.
#include <benchmark/benchmark.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "wsspec/codec/frame_decoder.hpp"
#include "wsspec/codec/message_assembler.hpp"
#include "wsspec/codec/message_reader.hpp"

namespace {

using namespace wsspec::codec;

constexpr std::size_t k_frames = 100'000;
constexpr std::size_t k_read = 64 * 1024;

// Unmasked frames (a client reading a server, as the harness does).
std::vector<std::uint8_t> tiny_frames(bool fragments, std::size_t payload) {
  std::vector<std::uint8_t> out;
  out.reserve(k_frames * (2 + payload));
  for (std::size_t i = 0; i < k_frames; ++i) {
    std::uint8_t b0 = 0x81;
    if (fragments) b0 = i == 0 ? 0x01 : i + 1 == k_frames ? 0x80 : 0x00;
    out.push_back(b0);
    out.push_back(static_cast<std::uint8_t>(payload));
    out.insert(out.end(), payload, static_cast<std::uint8_t>('a' + i % 26));
  }
  return out;
}

struct tally {
  std::size_t events = 0;
  std::size_t message_bytes = 0;
};

void check(benchmark::State& state, const tally& t, bool fragments, std::size_t payload) {
  const std::size_t want_events = k_frames;  // one per frame: fragments, then the message
  const std::size_t want_bytes = k_frames * payload;
  if (t.events != want_events || t.message_bytes != want_bytes)
    state.SkipWithError(fragments ? "lost fragments" : "lost messages");
}

void report(benchmark::State& state, std::size_t stream_bytes) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * k_frames));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream_bytes));
}

void BM_ReadMemcpyFloor(benchmark::State& state) {
  const auto stream = tiny_frames(state.range(0) != 0, static_cast<std::size_t>(state.range(1)));
  std::vector<std::uint8_t> buffer(k_read);
  for (auto _ : state) {
    for (std::size_t pos = 0; pos < stream.size(); pos += k_read) {
      const std::size_t n = std::min(k_read, stream.size() - pos);
      std::memcpy(buffer.data(), stream.data() + pos, n);
      benchmark::DoNotOptimize(buffer.data());
      benchmark::ClobberMemory();
    }
  }
  report(state, stream.size());
}

void BM_ReadMessageReader(benchmark::State& state) {
  const bool fragments = state.range(0) != 0;
  const auto payload = static_cast<std::size_t>(state.range(1));
  const auto stream = tiny_frames(fragments, payload);
  for (auto _ : state) {
    message_reader reader({decoder_options::client(), {}});
    tally t;
    for (std::size_t pos = 0; pos < stream.size(); pos += k_read) {
      reader.feed(std::span(stream).subspan(pos, std::min(k_read, stream.size() - pos)));
      for (read_status s; (s = reader.next()) != read_status::need_more;) {
        if (s == read_status::violation) state.SkipWithError("violation");
        ++t.events;
        if (s == read_status::message) t.message_bytes += reader.message().size();
      }
    }
    check(state, t, fragments, payload);
    benchmark::DoNotOptimize(t);
  }
  report(state, stream.size());
}

// The harness's read loop before message_reader (harness/run/interpreter.cpp, next_event and
// on_frame_bytes), without its transcript notes: bytes appended to a std::string inbox, the
// decoder run on the whole inbox, the assembler fed from the result, and the inbox erased from
// the front by what each step consumed.
class old_glue {
 public:
  enum class kind { none, fragment, message, control, violation };

  void fill(std::span<const std::uint8_t> read) {
    inbox_.append(reinterpret_cast<const char*>(read.data()), read.size());
  }

  // The next event, or none when the inbox is used up.
  kind next_event() {
    while (!inbox_.empty()) {
      std::span<const std::uint8_t> in(reinterpret_cast<const std::uint8_t*>(inbox_.data()),
                                       inbox_.size());
      const auto r = decoder_.next(in);
      std::optional<kind> ev;
      if (r.status == decode_status::error) {
        ev = kind::violation;
      } else if (r.status == decode_status::frame || r.status == decode_status::payload) {
        ev = on_frame_bytes(r);
      }
      inbox_.erase(0, r.consumed);
      if (ev) return *ev;
      if (r.status == decode_status::need_more) break;
    }
    return kind::none;
  }

  std::span<const std::uint8_t> message() const { return assembler_.message(); }

 private:
  std::optional<kind> on_frame_bytes(const decode_result& r) {
    if (r.status == decode_status::frame) {
      if (assembler_.begin_frame(r.header) != protocol_error::none) return kind::violation;
    }
    if (!r.payload.empty()) {
      if (assembler_.append(r.payload) != protocol_error::none) return kind::violation;
    }
    if (!r.frame_complete) return std::nullopt;
    assembled what;
    if (assembler_.end_frame(what) != protocol_error::none) return kind::violation;
    if (what == assembled::nothing) return kind::fragment;
    return what == assembled::message ? kind::message : kind::control;
  }

  frame_decoder decoder_{decoder_options::client()};
  message_assembler assembler_;
  std::string inbox_;
};

void BM_ReadOldGlue(benchmark::State& state) {
  const bool fragments = state.range(0) != 0;
  const auto payload = static_cast<std::size_t>(state.range(1));
  const auto stream = tiny_frames(fragments, payload);
  for (auto _ : state) {
    old_glue glue;
    tally t;
    for (std::size_t pos = 0; pos < stream.size(); pos += k_read) {
      glue.fill(std::span(stream).subspan(pos, std::min(k_read, stream.size() - pos)));
      for (old_glue::kind k; (k = glue.next_event()) != old_glue::kind::none;) {
        if (k == old_glue::kind::violation) state.SkipWithError("violation");
        ++t.events;
        if (k == old_glue::kind::message) t.message_bytes += glue.message().size();
      }
    }
    check(state, t, fragments, payload);
    benchmark::DoNotOptimize(t);
  }
  report(state, stream.size());
}

void shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"fragments", "payload"});
  for (const int fragments : {1, 0})
    for (const int payload : {0, 1}) b->Args({fragments, payload});
  b->Unit(benchmark::kMicrosecond);
}

BENCHMARK(BM_ReadMemcpyFloor)->Apply(shapes);
BENCHMARK(BM_ReadMessageReader)->Apply(shapes);
BENCHMARK(BM_ReadOldGlue)->Apply(shapes);

}  // namespace
