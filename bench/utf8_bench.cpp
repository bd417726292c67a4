// UTF-8 validation speed (RFC 6455 8.1 makes every text byte pass through it). Pairs to read
// side by side, same 16 MiB input each:
//   BM_Utf8Validate/<input> vs BM_SimdjsonUtf8/<input>  (goal: ours >= 0.5x simdjson's bytes/s)
// for <input> = ascii and mixed (Latin, CJK and emoji text). Also for reference:
//   BM_Utf8Scalar/<input>   the portable DFA alone (what CPUs without AVX2 get)
//   BM_Utf8Stream/<input>   the incremental validator fed 4093-byte slices (odd on purpose,
//                           so slices end inside code points)
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "wsspec/codec/utf8.hpp"

namespace {

using namespace wsspec::codec;

constexpr std::size_t k_big = std::size_t{16} << 20;

enum class input { ascii, mixed };

// Repeats `unit` (valid UTF-8) to exactly k_big bytes, padding the end with ASCII so no code
// point is cut.
std::vector<std::uint8_t> repeat_to_size(std::u8string_view unit) {
  std::vector<std::uint8_t> out;
  out.reserve(k_big);
  while (out.size() + unit.size() <= k_big) out.insert(out.end(), unit.begin(), unit.end());
  out.resize(k_big, ' ');
  return out;
}

const std::vector<std::uint8_t>& data(input which) {
  // Deterministic: the same bytes on every run and machine.
  static const std::vector<std::uint8_t> ascii = repeat_to_size(
      u8"{\"op\":\"message\",\"room\":42,\"text\":\"The quick brown fox jumps over the lazy "
      u8"dog.\",\"ts\":1700000000}\n");
  // A chat-like mix: Latin with accents (2-byte), CJK (3-byte), emoji (4-byte), punctuation.
  static const std::vector<std::uint8_t> mixed = repeat_to_size(
      u8"Grüße aus München! Ça va très bien, merci. 東京は今日も晴れです。"
      u8"我们明天见面吧 😀🎉👍 안녕하세요 — señor Ñandú, 🚀 naïve café déjà vu. "
      u8"日本語のテキストと English words mixed 🙂 together.\n");
  return which == input::ascii ? ascii : mixed;
}

void set_bytes(benchmark::State& state, std::size_t per_iteration) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(per_iteration));
}

void BM_Utf8Validate(benchmark::State& state, input which) {
  const auto& buf = data(which);
  for (auto _ : state) {
    const utf8_result r = validate_utf8(buf);
    if (!r.valid) {
      state.SkipWithError("validate_utf8 rejected valid input");
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  set_bytes(state, buf.size());
}

void BM_SimdjsonUtf8(benchmark::State& state, input which) {
  const auto& buf = data(which);
  const auto* chars = reinterpret_cast<const char*>(buf.data());
  for (auto _ : state) {
    const bool ok = simdjson::validate_utf8(chars, buf.size());
    if (!ok) {
      state.SkipWithError("simdjson::validate_utf8 rejected valid input");
      break;
    }
    benchmark::DoNotOptimize(ok);
  }
  set_bytes(state, buf.size());
}

void BM_Utf8Scalar(benchmark::State& state, input which) {
  const auto& buf = data(which);
  for (auto _ : state) {
    const utf8_result r = detail::validate_utf8_scalar(buf);
    if (!r.valid) {
      state.SkipWithError("validate_utf8_scalar rejected valid input");
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  set_bytes(state, buf.size());
}

void BM_Utf8Stream(benchmark::State& state, input which) {
  const auto& buf = data(which);
  const std::span<const std::uint8_t> all(buf);
  constexpr std::size_t k_slice = 4093;
  for (auto _ : state) {
    utf8_validator v;
    for (std::size_t from = 0; from < all.size(); from += k_slice) {
      v.feed(all.subspan(from, std::min(k_slice, all.size() - from)));
    }
    if (!v.finish()) {
      state.SkipWithError("utf8_validator rejected valid input");
      break;
    }
    benchmark::DoNotOptimize(v);
  }
  set_bytes(state, buf.size());
}

BENCHMARK_CAPTURE(BM_Utf8Validate, ascii, input::ascii);
BENCHMARK_CAPTURE(BM_Utf8Validate, mixed, input::mixed);
BENCHMARK_CAPTURE(BM_SimdjsonUtf8, ascii, input::ascii);
BENCHMARK_CAPTURE(BM_SimdjsonUtf8, mixed, input::mixed);
BENCHMARK_CAPTURE(BM_Utf8Scalar, ascii, input::ascii);
BENCHMARK_CAPTURE(BM_Utf8Scalar, mixed, input::mixed);
BENCHMARK_CAPTURE(BM_Utf8Stream, ascii, input::ascii);
BENCHMARK_CAPTURE(BM_Utf8Stream, mixed, input::mixed);

}  // namespace
