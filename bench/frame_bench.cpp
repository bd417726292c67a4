// Masking and frame decoding speed. Pairs to read side by side:
//   BM_Memcpy vs BM_Unmask           (goal: unmask >= 0.5x memcpy's bytes/s)
//   BM_DecodeSmallFrames             (goal: > 50 million frames/s)
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <vector>

#include "wsspec/codec/frame_decoder.hpp"
#include "wsspec/codec/frame_header.hpp"
#include "wsspec/codec/mask.hpp"

namespace {

using namespace wsspec::codec;

constexpr std::size_t k_big = std::size_t{16} << 20;

void BM_Memcpy(benchmark::State& state) {
  std::vector<std::uint8_t> src(k_big, 0x5A), dst(k_big);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), k_big);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * k_big));
}
BENCHMARK(BM_Memcpy);

void BM_Unmask(benchmark::State& state) {
  std::vector<std::uint8_t> buf(k_big, 0x5A);
  for (auto _ : state) {
    apply_mask(buf, {0x12, 0x34, 0x56, 0x78});
    benchmark::DoNotOptimize(buf.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * k_big));
}
BENCHMARK(BM_Unmask);

void BM_UnmaskReference(benchmark::State& state) {
  std::vector<std::uint8_t> buf(k_big, 0x5A);
  for (auto _ : state) {
    apply_mask_reference(buf, {0x12, 0x34, 0x56, 0x78});
    benchmark::DoNotOptimize(buf.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * k_big));
}
BENCHMARK(BM_UnmaskReference);

// One million frames with every header size from 2 to 14 bytes (masked or not, 7-, 16- or
// 64-bit length) and payloads of 0-125 bytes, from a fixed seed.
std::vector<std::uint8_t> small_frames(std::size_t count) {
  std::mt19937 rng(1);
  std::vector<std::uint8_t> out;
  out.reserve(count * 80);
  std::array<std::uint8_t, max_header_size> head;
  for (std::size_t i = 0; i < count; ++i) {
    frame_header h;
    h.op = rng() % 2 ? opcode::text : opcode::binary;
    h.masked = rng() % 2;
    h.key = {1, 2, 3, 4};
    h.payload_length = rng() % 126;
    const auto form = static_cast<length_form>(rng() % 3);
    const std::size_t hn = encode_header(h, head, form);
    out.insert(out.end(), head.begin(), head.begin() + static_cast<std::ptrdiff_t>(hn));
    out.resize(out.size() + h.payload_length, 0x61);
  }
  return out;
}

void BM_DecodeSmallFrames(benchmark::State& state) {
  constexpr std::size_t k_frames = 1'000'000;
  const std::vector<std::uint8_t> stream = small_frames(k_frames);
  decoder_options o;  // any masking, non-minimal lengths allowed: the mix above uses both
  o.require_minimal_length = false;
  for (auto _ : state) {
    frame_decoder d(o);
    std::span<const std::uint8_t> in(stream);
    std::size_t frames = 0;
    while (!in.empty()) {
      const decode_result r = d.next(in);
      frames += r.status == decode_status::frame;
      in = in.subspan(r.consumed);
    }
    if (frames != k_frames || d.failed()) state.SkipWithError("decoder lost frames");
    benchmark::DoNotOptimize(frames);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * k_frames));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(BM_DecodeSmallFrames)->Unit(benchmark::kMillisecond);

}  // namespace
