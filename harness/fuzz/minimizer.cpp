#include "fuzz/minimizer.hpp"

#include <vector>

#include "fuzz/deflate_mutator.hpp"
#include "run/payload.hpp"

namespace wsspec::fuzz {

namespace {

class shrinker {
 public:
  shrinker(const fuzz_input& in, const std::function<bool(const fuzz_input&)>& still_fails,
           std::uint32_t budget)
      : best_(in), still_fails_(still_fails), budget_(budget) {}

  minimized run() {
    bool progress = true;
    while (progress && replays_ < budget_) {
      progress = false;
      progress |= drop_sends();
      progress |= drop_compression();
      progress |= simplify_handshake();
      progress |= simplify_sends();
    }
    return {best_, replays_};
  }

 private:
  // Keeps `candidate` if the bug still shows with it.
  bool attempt(const fuzz_input& candidate) {
    if (replays_ >= budget_ || candidate.what == best_.what) return false;
    ++replays_;
    if (!still_fails_(candidate)) return false;
    best_ = candidate;
    return true;
  }

  bool drop_sends() {
    bool any = false;
    // From the end: later sends are more often the noise after the bug.
    for (std::size_t i = best_.what.sends.size(); i-- > 0;) {
      if (i >= best_.what.sends.size()) continue;
      fuzz_input c = best_;
      c.what.sends.erase(c.what.sends.begin() + static_cast<std::ptrdiff_t>(i));
      any |= attempt(c);
    }
    return any;
  }

  // Without the offer nothing may be sent compressed (a case file with a compressed message
  // and no offer does not load); RSV1 bits stay, they are the frames' own field.
  bool drop_compression() {
    if (!best_.what.deflate) return false;
    fuzz_input c = best_;
    c.what.deflate.reset();
    for (auto& s : c.what.sends)
      if (auto* m = std::get_if<send_message>(&s)) m->compressed = false;
    if (attempt(c)) return true;
    fuzz_input plain_offer = best_;
    plain_offer.what.deflate = default_deflate_offer;
    return attempt(plain_offer);
  }

  bool simplify_handshake() {
    if (!best_.what.handshake) return false;
    fuzz_input c = best_;
    c.what.handshake.reset();
    if (attempt(c)) return true;
    bool any = false;
    auto try_edit = [&](auto edit) {
      fuzz_input d = best_;
      edit(*d.what.handshake);
      any |= attempt(d);
    };
    for (std::size_t i = best_.what.handshake->add.size(); i-- > 0;)
      try_edit([i](handshake_spec& h) {
        if (i < h.add.size()) h.add.erase(h.add.begin() + static_cast<std::ptrdiff_t>(i));
      });
    for (std::size_t i = best_.what.handshake->set.size(); i-- > 0;)
      try_edit([i](handshake_spec& h) {
        if (i < h.set.size()) h.set.erase(h.set.begin() + static_cast<std::ptrdiff_t>(i));
      });
    for (std::size_t i = best_.what.handshake->remove.size(); i-- > 0;)
      try_edit([i](handshake_spec& h) {
        if (i < h.remove.size()) h.remove.erase(h.remove.begin() + static_cast<std::ptrdiff_t>(i));
      });
    try_edit([](handshake_spec& h) { h.method = "GET"; });
    try_edit([](handshake_spec& h) { h.version = "HTTP/1.1"; });
    try_edit([](handshake_spec& h) { h.target.reset(); });
    try_edit([](handshake_spec& h) { h.trailing.clear(); });
    return any;
  }

  static bool shrink_payload(payload_spec& p) {
    if (p.how == payload_spec::kind::bytes) {
      if (p.bytes.empty()) return false;
      p.bytes.resize(p.bytes.size() / 2);
      return true;
    }
    if (p.size == 0) return false;
    p.size /= 2;
    return true;
  }

  bool simplify_sends() {
    bool any = false;
    for (std::size_t i = 0; i < best_.what.sends.size(); ++i) {
      auto try_edit = [&](auto edit) {
        fuzz_input d = best_;
        const bool kept = edit(d.what.sends[i]) && attempt(d);
        any |= kept;
        return kept;
      };
      try_edit([](step& s) {
        return std::visit(
            [](auto& st) {
              if constexpr (requires { st.shape; }) {
                if (st.shape.chunk == 0 && st.shape.delay_ms == 0) return false;
                st.shape = {};
                return true;
              }
              return false;
            },
            s);
      });
      try_edit([](step& s) {
        return std::visit(
            [](auto& st) {
              if constexpr (requires { st.count; }) {
                if (st.count == 1) return false;
                st.count = 1;
                return true;
              }
              return false;
            },
            s);
      });
      if (std::holds_alternative<send_frame>(best_.what.sends[i])) {
        auto frame_edit = [&](auto edit) {
          return try_edit([&](step& s) { return edit(std::get<send_frame>(s)); });
        };
        frame_edit([](send_frame& f) { return f.rsv ? (f.rsv = 0, true) : false; });
        frame_edit([](send_frame& f) { return !f.fin ? (f.fin = true, true) : false; });
        frame_edit([](send_frame& f) { return f.length ? (f.length.reset(), true) : false; });
        frame_edit([](send_frame& f) {
          if (f.form == send_frame::length_form::minimal) return false;
          f.form = send_frame::length_form::minimal;
          return true;
        });
        frame_edit([](send_frame& f) {
          if (f.masked && !f.key) return false;
          f.masked = true;
          f.key.reset();
          return true;
        });
        // Halve the payload while the bug still shows.
        while (frame_edit([](send_frame& f) { return shrink_payload(f.payload); })) {
        }
      } else if (std::holds_alternative<send_message>(best_.what.sends[i])) {
        try_edit([](step& s) {
          auto& m = std::get<send_message>(s);
          return m.fragment_size ? (m.fragment_size = 0, true) : false;
        });
        try_edit([](step& s) {
          auto& m = std::get<send_message>(s);
          return m.compressed ? (m.compressed = false, true) : false;
        });
        while (
            try_edit([](step& s) { return shrink_payload(std::get<send_message>(s).payload); })) {
        }
      }
    }
    return any;
  }

  fuzz_input best_;
  const std::function<bool(const fuzz_input&)>& still_fails_;
  std::uint32_t budget_;
  std::uint32_t replays_ = 0;
};

}  // namespace

minimized minimize(const fuzz_input& in, const std::function<bool(const fuzz_input&)>& still_fails,
                   std::uint32_t budget) {
  return shrinker(in, still_fails, budget).run();
}

}  // namespace wsspec::fuzz
