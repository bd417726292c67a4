#include "run/case_weight.hpp"

#include <algorithm>

#include "run/payload.hpp"

namespace wsspec {

namespace {

// What a case puts on the wire, before compression.
struct wire_load {
  std::uint64_t bytes = 0, frames = 0, largest = 0;
};

wire_load load_of(const test_case& c) {
  std::uint64_t bytes = 0, frames = 0, largest = 0;
  for (const auto& s : c.steps) {
    if (const auto* f = std::get_if<send_frame>(&s)) {
      bytes += payload_size(f->payload) * f->count;
      frames += f->count;
      largest = std::max(largest, payload_size(f->payload));
    } else if (const auto* m = std::get_if<send_message>(&s)) {
      bytes += payload_size(m->payload) * m->count;
      frames += (m->fragment_size ? payload_size(m->payload) / m->fragment_size + 1 : 1) * m->count;
      largest = std::max(largest, payload_size(m->payload));
    } else if (const auto* r = std::get_if<send_raw>(&s)) {
      bytes += r->bytes.size();
    }
  }
  return {bytes * c.repeat, frames * c.repeat, largest};
}

}  // namespace

case_weight weight_of(const test_case& c) {
  const auto [bytes, frames, largest] = load_of(c);
  if (largest >= (std::uint64_t{8} << 20)) return case_weight::huge;
  if (bytes >= (std::uint64_t{1} << 20) || frames >= 10000) return case_weight::heavy;
  return case_weight::light;
}

std::uint64_t wire_cost(const test_case& c) {
  // A frame costs a header, a mask and a pass through both ends' frame parsers: about what
  // 64 payload bytes cost on loopback.
  const wire_load l = load_of(c);
  return l.bytes + 64 * l.frames;
}

bool waits_on_clock(const test_case& c) {
  auto delayed = [](const write_shape& w) { return w.delay_ms > 0; };
  for (const auto& s : c.steps) {
    if (const auto* x = std::get_if<expect_step>(&s)) {
      for (const auto& a : x->alternatives)
        for (const auto& e : a.events)
          if (e.what == expect_event::kind::silence) return true;
    } else if (const auto* f = std::get_if<send_frame>(&s)) {
      if (delayed(f->shape)) return true;
    } else if (const auto* m = std::get_if<send_message>(&s)) {
      if (delayed(m->shape)) return true;
    } else if (const auto* r = std::get_if<send_raw>(&s)) {
      if (delayed(r->shape)) return true;
    } else if (const auto* a = std::get_if<respond_spec>(&s)) {
      if (a->delay_ms > 0) return true;  // a response held back
    }
  }
  return false;
}

}  // namespace wsspec
