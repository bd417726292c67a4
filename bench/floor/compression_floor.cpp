// compression_floor: the work the compression cases cannot avoid, with no network and no
// WebSocket at all: every message of the selected cases goes through the codec's deflater and
// inflater exactly as in a `wsspec run` against `wsspec serve` (wsspec deflates, the server
// inflates, the server deflates its echo, wsspec inflates it), with the parameters the two agree
// on and the same compression level. bench/compression_speed.sh runs it beside the suite; the
// suite's wall time divided by this one's is the overhead of everything else (framing,
// masking, sockets, the judge).
//
//   compression_floor [--cases PAT,...] [--threads N] [--level L]
//
// Prints one line: wall seconds, messages, payload bytes, and the CPU seconds spent in each of
// the four steps (summed over threads), so a reader sees where the time goes.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cases/case_loader.hpp"
#include "run/payload.hpp"
#include "run/selection.hpp"
#include "wsspec/codec/deflater.hpp"
#include "wsspec/codec/handshake.hpp"
#include "wsspec/codec/inflater.hpp"
#include "wsspec/codec/permessage_deflate.hpp"

namespace {

namespace codec = wsspec::codec;
using steady = std::chrono::steady_clock;

struct totals {
  double client_deflate = 0, server_inflate = 0, server_deflate = 0, client_inflate = 0;
  std::uint64_t messages = 0, bytes = 0, compressed = 0;
  bool mismatch = false;
};

double since(steady::time_point& t) {
  const auto now = steady::now();
  const double s = std::chrono::duration<double>(now - t).count();
  t = now;
  return s;
}

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// One case's messages through the four steps, as both ends of a run would do them.
void run_case(const wsspec::test_case& c, int level, totals& t) {
  std::vector<codec::extension_offer> offers;
  codec::parse_extensions(*c.deflate, offers);
  const auto accepted = codec::select_deflate_offer(offers);
  if (!accepted) return;
  const codec::deflate_params& agreed = accepted->agreed;
  auto client_options = codec::deflater_options_for(agreed, codec::endpoint_role::client);
  auto server_options = codec::deflater_options_for(agreed, codec::endpoint_role::server);
  client_options.level = server_options.level = level;
  codec::deflater client_deflater(client_options), server_deflater(server_options);
  codec::inflater server_inflater(
      codec::inflater_options_for(agreed, codec::endpoint_role::server, std::uint64_t{64} << 20));
  codec::inflater client_inflater(
      codec::inflater_options_for(agreed, codec::endpoint_role::client, std::uint64_t{64} << 20));
  std::vector<std::uint8_t> packed, plain, echo, back;
  for (std::uint32_t round = 0; round < c.repeat; ++round) {
    for (const auto& s : c.steps) {
      const auto* m = std::get_if<wsspec::send_message>(&s);
      if (!m || !m->compressed) continue;
      const std::string payload = wsspec::materialize(m->payload, round);
      auto clock = steady::now();
      packed.clear();
      client_deflater.compress(bytes_of(payload), packed);
      t.client_deflate += since(clock);
      plain.clear();
      server_inflater.feed(packed, plain);
      server_inflater.finish(plain);
      t.server_inflate += since(clock);
      echo.clear();
      server_deflater.compress(plain, echo);
      t.server_deflate += since(clock);
      back.clear();
      client_inflater.feed(echo, back);
      client_inflater.finish(back);
      t.client_inflate += since(clock);
      t.mismatch |= back.size() != payload.size() ||
                    !std::equal(back.begin(), back.end(), payload.begin(),
                                [](std::uint8_t a, char b) { return a == std::uint8_t(b); });
      ++t.messages;
      t.bytes += payload.size();
      t.compressed += packed.size();
    }
  }
}

std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const auto comma = s.find(',');
    out.emplace_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cases = "compression/1000x*";
  unsigned threads = 2;
  int level = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--cases") {
      cases = argv[i + 1];
    } else if (flag == "--threads") {
      threads = static_cast<unsigned>(std::max(1, std::atoi(argv[i + 1])));
    } else if (flag == "--level") {
      level = std::atoi(argv[i + 1]);
    } else {
      std::fprintf(stderr,
                   "usage: compression_floor [--cases PAT,...] [--threads N] [--level L]\n");
      return 2;
    }
  }
  std::vector<wsspec::test_case> all, selected;
  wsspec::case_error error;
  if (!wsspec::load_builtin_cases(all, error)) {
    std::fprintf(stderr, "compression_floor: the built-in cases do not load\n");
    return 2;
  }
  std::string why;
  if (!wsspec::select_cases(all, split(cases), {}, selected, why)) {
    std::fprintf(stderr, "compression_floor: %s\n", why.c_str());
    return 2;
  }
  std::erase_if(selected, [](const wsspec::test_case& c) { return !c.deflate; });
  // The data sets are generated once per process; not part of the work measured.
  for (const auto d : {wsspec::data_set::json, wsspec::data_set::bitmap, wsspec::data_set::prose,
                       wsspec::data_set::html, wsspec::data_set::random})
    (void)wsspec::data_set_bytes(d);

  std::vector<totals> per_thread(threads);
  std::atomic<std::size_t> next{0};
  const auto start = steady::now();
  std::vector<std::thread> pool;
  for (unsigned k = 0; k < threads; ++k)
    pool.emplace_back([&, k] {
      for (std::size_t i; (i = next++) < selected.size();)
        run_case(selected[i], level, per_thread[k]);
    });
  for (auto& th : pool) th.join();
  const double wall = std::chrono::duration<double>(steady::now() - start).count();
  totals sum;
  for (const auto& t : per_thread) {
    sum.client_deflate += t.client_deflate;
    sum.server_inflate += t.server_inflate;
    sum.server_deflate += t.server_deflate;
    sum.client_inflate += t.client_inflate;
    sum.messages += t.messages;
    sum.bytes += t.bytes;
    sum.compressed += t.compressed;
    sum.mismatch |= t.mismatch;
  }
  std::printf(
      "floor: %.2f s wall, %zu cases, %llu messages, %.3f GB each way (deflated to %.1f%%); "
      "cpu s: client deflate %.2f, server inflate %.2f, server deflate %.2f, client inflate %.2f; "
      "threads %u, level %d\n",
      wall, selected.size(), static_cast<unsigned long long>(sum.messages), sum.bytes / 1e9,
      sum.bytes ? 100.0 * double(sum.compressed) / double(sum.bytes) : 0.0, sum.client_deflate,
      sum.server_inflate, sum.server_deflate, sum.client_inflate, threads, level);
  if (sum.mismatch) {
    std::fprintf(stderr, "compression_floor: a message did not survive the round trip\n");
    return 1;
  }
  return 0;
}
