// The network fuzzer's compressed inputs (harness/fuzz/deflate_mutator.hpp): chosen
// deterministically beside the plain ones, every kind of compression mutation reached, each a
// case file that loads back the same, the mutations doing to the bytes what they say, the
// minimiser able to drop compression, and against the reference server (which agrees to
// permessage-deflate and is correct) the expected closes and no finding.
#include <gtest/gtest.h>

#include <map>
#include <span>

#include "cases/case_loader.hpp"
#include "cases/case_writer.hpp"
#include "fuzz/deflate_mutator.hpp"
#include "fuzz/fuzz_case.hpp"
#include "fuzz/minimizer.hpp"
#include "fuzz/mutator.hpp"
#include "run/interpreter.hpp"
#include "run/payload.hpp"
#include "running_server.hpp"
#include "wsspec/codec/inflater.hpp"

namespace wsspec::fuzz {
namespace {

struct seed_sets {
  std::vector<traffic> plain, compressed;
};

const seed_sets& catalogue() {
  static const seed_sets s = [] {
    std::vector<test_case> cases;
    case_error err;
    EXPECT_TRUE(load_builtin_cases(cases, err)) << err.to_string();
    return seed_sets{seed_traffic(cases), deflate_seed_traffic(cases)};
  }();
  return s;
}

fuzz_input next(std::uint64_t seed, std::uint64_t i) {
  return mutate(catalogue().plain, catalogue().compressed, seed, i);
}

bool mentions(const fuzz_input& in, const std::string& what) {
  for (const auto& m : in.mutations)
    if (m.find(what) != std::string::npos) return true;
  return false;
}

// The last mutation: none after it can have changed the frame it edited.
bool last_was(const fuzz_input& in, const std::string& what) {
  return !in.mutations.empty() && in.mutations.back().find(what) != std::string::npos;
}

// Inflates `bytes` as one permessage-deflate message with a 15-bit window; false when it is
// not valid DEFLATE data.
bool inflates(const std::string& bytes, std::string* out = nullptr) {
  codec::inflater z(codec::inflater_options{});
  std::vector<std::uint8_t> got;
  const auto in = std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  codec::protocol_error e = z.feed(in, got);
  if (e == codec::protocol_error::none) e = z.finish(got);
  if (out) out->assign(got.begin(), got.end());
  return e == codec::protocol_error::none;
}

TEST(FuzzDeflateSeeds, CasesWithAnOfferKeepItOthersGetNoneAndNoSeedHasAHandshake) {
  std::vector<test_case> cases;
  case_error err;
  ASSERT_TRUE(load_builtin_cases(cases, err));
  std::map<std::string, std::optional<std::string>> offer;
  for (const auto& c : cases) offer[c.id] = c.deflate;
  const auto& s = catalogue();
  ASSERT_GT(s.compressed.size(), 100u);
  bool text_echo = false;
  for (const auto& t : s.compressed) {
    EXPECT_FALSE(t.handshake) << t.from_case << ": its handshake would replace the offer";
    EXPECT_EQ(t.deflate, offer.at(t.from_case)) << t.from_case;
    if (t.from_case == "compression/text-echo") {
      text_echo = true;
      EXPECT_EQ(t.deflate, std::optional<std::string>("permessage-deflate"));
    }
  }
  EXPECT_TRUE(text_echo);
  // A case with an offer is a seed of compressed inputs only.
  for (const auto& t : s.plain) EXPECT_FALSE(offer.at(t.from_case)) << t.from_case;
}

TEST(FuzzDeflateMutator, SameSeedSameInputAndThePlainInputsAreUnchanged) {
  const auto& s = catalogue();
  std::uint64_t compressed = 0;
  const std::uint64_t n = 3000;
  for (std::uint64_t i = 0; i < n; ++i) {
    const fuzz_input a = next(5, i), b = next(5, i);
    ASSERT_TRUE(a.what == b.what && a.mutations == b.mutations) << "iteration " << i;
    if (a.what.deflate) {
      ++compressed;
    } else {
      // Turning compression on must not change what a run sends otherwise.
      const fuzz_input plain = mutate(s.plain, 5, i);
      ASSERT_TRUE(a.what == plain.what && a.mutations == plain.mutations) << "iteration " << i;
    }
  }
  EXPECT_GT(compressed, n / 4) << "about one in three";
  EXPECT_LT(compressed, n * 42 / 100);
  // Without deflate seeds (a target that declined), never compressed.
  for (std::uint64_t i = 0; i < 300; ++i) EXPECT_FALSE(mutate(s.plain, {}, 5, i).what.deflate);
}

TEST(FuzzDeflateMutator, ReachesEveryKindOfCompressionMutation) {
  const std::vector<std::string> kinds = {"RSV1 set on a continuation frame",
                                          "RSV1 set on a ping frame",
                                          "RSV1 set on a pong frame",
                                          "RSV1 set on an uncompressed text frame",
                                          "RSV1 set on an uncompressed binary frame",
                                          "RSV1 cleared on a compressed",
                                          "DEFLATE data corrupted",
                                          "DEFLATE block type 11",
                                          "DEFLATE stream cut to",
                                          "with its 00 00 ff ff tail",
                                          "with two 00 00 ff ff tails",
                                          "partial 00 00 ff ff tail",
                                          "final (BFINAL) empty block",
                                          "bytes after a final (BFINAL) block",
                                          "empty compressed payload",
                                          "the single byte 00",
                                          "deflate bomb: 1 MiB",
                                          "deflate bomb: 65 MiB",
                                          " frames (send",
                                          "compressed message in fragments of",
                                          "compressed frame split at byte",
                                          "with a ping between",
                                          "compressed message sent",
                                          "inserted a compressed",
                                          "the seed's data frames compressed",
                                          "offer: permessage-deflate; client_max_window_bits",
                                          "written in"};
  std::map<std::string, int> seen;
  for (std::uint64_t i = 0; i < 3000; ++i)
    for (const auto& m : mutate_compressed(catalogue().compressed, 3, i).mutations)
      for (const auto& k : kinds)
        if (m.find(k) != std::string::npos) ++seen[k];
  for (const auto& k : kinds) EXPECT_GT(seen[k], 0) << "never: " << k;
}

// A finding is written as a case file and rerun from it: the offer and the compressed
// messages must survive that, and the file must load (a compressed message needs the offer).
TEST(FuzzDeflateMutator, EveryCompressedMutantIsACaseFileThatLoadsBackTheSame) {
  int compressed = 0;
  for (std::uint64_t i = 0; i < 1500; ++i) {
    const fuzz_input in = next(7, i);
    if (!in.what.deflate) continue;
    ++compressed;
    const test_case c = fuzz_case(in, "fuzz/violation-s7-i" + std::to_string(i), 250, true);
    ASSERT_EQ(c.deflate, in.what.deflate);
    std::string text;
    ASSERT_NO_THROW(text = case_to_text(c)) << "iteration " << i;
    EXPECT_NE(text.find("\"deflate\": "), std::string::npos) << text;
    std::vector<test_case> back;
    case_error err;
    ASSERT_TRUE(load_case_text("f.json", "fuzz", text, back, err))
        << "iteration " << i << ": " << err.to_string() << "\n"
        << text;
    ASSERT_EQ(back.size(), 1u);
    back[0].source = c.source;
    EXPECT_TRUE(back[0] == c) << "iteration " << i << "\n" << text;
  }
  EXPECT_GT(compressed, 400);
}

TEST(FuzzDeflateMutator, AZeroBombIsSmallAndInflatesToExactlyItsSize) {
  const std::string bomb = zero_bomb(3);
  EXPECT_LT(bomb.size(), 3u * 1100);
  std::string inflated;
  ASSERT_TRUE(inflates(bomb, &inflated));
  EXPECT_EQ(inflated, std::string(3u << 20, '\0'));
  EXPECT_LT(zero_bomb(65).size(), 70u * 1024) << "65 MiB in under 70 KiB";
  EXPECT_EQ(zero_bomb(65), zero_bomb(65)) << "the same bytes every time";
}

TEST(FuzzDeflateMutator, CompressedBytesAreRealDeflateData) {
  const std::string text = "permessage-deflate permessage-deflate permessage-deflate";
  const std::string packed = deflate_alone(text);
  EXPECT_LT(packed.size(), text.size());
  EXPECT_FALSE(packed.ends_with(std::string("\x00\x00\xff\xff", 4))) << "RFC 7692 7.2.1";
  std::string back;
  ASSERT_TRUE(inflates(packed, &back));
  EXPECT_EQ(back, text);
}

// What each mutation says it did is what the frames carry.
TEST(FuzzDeflateMutator, MutationsDoWhatTheySay) {
  std::map<std::string, int> checked;
  for (std::uint64_t i = 0; i < 3000; ++i) {
    const fuzz_input in = mutate_compressed(catalogue().compressed, 9, i);
    auto any_frame = [&](auto pred) {
      for (const auto& s : in.what.sends)
        if (const auto* f = std::get_if<send_frame>(&s); f && pred(*f)) return true;
      return false;
    };
    if (last_was(in, "RSV1 set on a continuation frame")) {
      ++checked["continuation"];
      EXPECT_TRUE(any_frame([](const send_frame& f) { return f.opcode == 0 && (f.rsv & 4); }))
          << "iteration " << i;
    }
    if (last_was(in, "RSV1 set on a ping frame") || last_was(in, "RSV1 set on a pong frame") ||
        last_was(in, "RSV1 set on a close frame")) {
      ++checked["control"];
      EXPECT_TRUE(any_frame([](const send_frame& f) { return f.opcode >= 8 && (f.rsv & 4); }))
          << "iteration " << i;
    }
    if (last_was(in, "DEFLATE block type 11")) {
      ++checked["btype"];
      EXPECT_TRUE(any_frame([](const send_frame& f) {
        return (f.rsv & 4) && !f.payload.bytes.empty() && (f.payload.bytes[0] & 0x06) == 0x06 &&
               !inflates(f.payload.bytes);
      })) << "iteration "
          << i;
    }
    if (last_was(in, "bytes after a final (BFINAL) block")) {
      ++checked["after-final"];
      EXPECT_TRUE(any_frame([](const send_frame& f) {
        return (f.rsv & 4) &&
               f.payload.bytes.ends_with("\x03" + std::string(1, '\0') + "after the end") &&
               !inflates(f.payload.bytes);
      })) << "iteration "
          << i;
    }
    if (last_was(in, "deflate bomb")) {
      // "deflate bomb: N MiB of zeros compressed to K bytes[ in F frames] (send I)"
      const std::string& m = in.mutations.back();
      const std::uint64_t n = std::stoull(m.substr(m.find(": ") + 2));
      const std::size_t k = std::stoull(m.substr(m.find(" to ") + 4));
      const std::size_t first = std::stoull(m.substr(m.rfind("send ") + 5)) - 1;
      std::string data;
      for (std::size_t j = first; j < in.what.sends.size(); ++j) {
        const auto& f = std::get<send_frame>(in.what.sends[j]);
        EXPECT_EQ(f.rsv, j == first ? 4 : 0) << "iteration " << i;
        data += f.payload.bytes;
        if (f.fin) break;
      }
      EXPECT_EQ(data.size(), k) << "iteration " << i;
      EXPECT_LT(data.size(), n * 1100) << "iteration " << i << ": about 1 KiB per MiB";
      // Bigger bombs take seconds each to inflate under the sanitizers.
      if (n <= 2) {
        ++checked["bomb"];
        std::string inflated;
        ASSERT_TRUE(inflates(data, &inflated)) << "iteration " << i;
        EXPECT_EQ(inflated.size(), n << 20) << "iteration " << i;
        EXPECT_EQ(inflated.find_first_not_of('\0'), std::string::npos) << "iteration " << i;
      }
    }
  }
  for (const char* k : {"continuation", "control", "btype", "after-final", "bomb"})
    EXPECT_GT(checked[k], 0) << "never checked: " << k;
}

TEST(FuzzDeflateMinimizer, DropsCompressionWhenTheBugDoesNotNeedIt) {
  // The "bug": a ping with RSV1 set, whatever was negotiated.
  auto bug = [](const fuzz_input& in) {
    for (const auto& s : in.what.sends)
      if (const auto* f = std::get_if<send_frame>(&s); f && f->opcode == 9 && (f->rsv & 4))
        return true;
    return false;
  };
  fuzz_input in;
  in.what.from_case = "compression/text-echo";
  in.what.deflate = default_deflate_offer;
  send_message m;
  m.payload.bytes = std::string(300, 'm');
  m.compressed = true;
  in.what.sends.push_back(m);
  send_frame ping;
  ping.opcode = 9;
  ping.rsv = 4;
  ping.payload.bytes = "p";
  in.what.sends.push_back(ping);
  in.what.sends.push_back(m);
  const minimized out = minimize(in, bug, 200);
  EXPECT_FALSE(out.input.what.deflate);
  ASSERT_EQ(out.input.what.sends.size(), 1u);
  EXPECT_TRUE(bug(out.input));
  // And the result is still a loadable case.
  std::vector<test_case> back;
  case_error err;
  EXPECT_TRUE(load_case_text("f.json", "fuzz",
                             case_to_text(fuzz_case(out.input, "fuzz/m", 250, true)), back, err))
      << err.to_string();
}

TEST(FuzzDeflateMinimizer, KeepsAnOfferTheBugNeedsButMakesItThePlainOne) {
  // The "bug": RSV1 on a continuation frame, which only matters once deflate is agreed.
  auto bug = [](const fuzz_input& in) {
    if (!in.what.deflate) return false;
    for (const auto& s : in.what.sends)
      if (const auto* f = std::get_if<send_frame>(&s); f && f->opcode == 0 && (f->rsv & 4))
        return true;
    return false;
  };
  fuzz_input in;
  in.what.deflate = "permessage-deflate; client_max_window_bits";
  send_frame first;
  first.opcode = 2;
  first.fin = false;
  first.rsv = 4;
  first.payload.bytes = deflate_alone("abc");
  send_frame next = first;
  next.opcode = 0;
  next.fin = true;
  in.what.sends = {first, next};
  const minimized out = minimize(in, bug, 100);
  EXPECT_EQ(out.input.what.deflate, std::optional<std::string>(default_deflate_offer));
  ASSERT_EQ(out.input.what.sends.size(), 1u);
  EXPECT_TRUE(bug(out.input));
}

TEST(FuzzDeflateMinimizer, KeepsCompressionAndShrinksABombThatStillShows) {
  // The "bug": a compressed message of at least 1 MiB.
  auto bug = [](const fuzz_input& in) {
    if (!in.what.deflate) return false;
    for (const auto& s : in.what.sends)
      if (const auto* m = std::get_if<send_message>(&s);
          m && m->compressed && payload_size(m->payload) >= (1u << 20))
        return true;
    return false;
  };
  fuzz_input in;
  in.what.deflate = default_deflate_offer;
  send_message bomb;
  bomb.payload.how = payload_spec::kind::repeat;
  bomb.payload.pattern = std::string(1, '\0');
  bomb.payload.size = 65u << 20;
  bomb.compressed = true;
  in.what.sends.push_back(bomb);
  const minimized out = minimize(in, bug, 100);
  ASSERT_TRUE(out.input.what.deflate);
  const auto& m = std::get<send_message>(out.input.what.sends.at(0));
  EXPECT_TRUE(m.compressed);
  EXPECT_LT(m.payload.size, 2u << 20) << "halved while the bug still showed";
  EXPECT_GE(m.payload.size, 1u << 20);
}

// ---- against the reference server ------------------------------------------------------------

// Mutations that keep the traffic valid (RFC 7692 6.1 allows fragments and control frames
// between them, 7.2.3.3 a kept window, 7.2.3.6 the single 00 byte of an empty message).
bool harmless(const std::string& m) {
  for (const char* k : {"offer: ", "the seed's data frames compressed", "inserted a compressed",
                        "compressed message in fragments", "compressed frame split",
                        "compressed message sent", "written in", "the single byte 00"})
    if (m.starts_with(k)) return true;
  return false;
}

TEST(FuzzDeflateCase, TheReferenceServerAgreesFailsTheMisuseAndGivesNoFinding) {
  test::running_server server([] {
    echo_server_options o;
    o.port = 0;
    return o;
  }());
  run_options options;
  options.url.host = "127.0.0.1";
  options.url.port = server.port();
  options.url.resource = "/";
  options.check_alive_when_suspicious = true;
  options.close_timeout_ms = 250;
  // One valid seed, so that whatever the server fails comes from the mutations.
  std::vector<traffic> seeds;
  for (const auto& t : catalogue().compressed)
    if (t.from_case == "compression/text-echo") seeds.push_back(t);
  ASSERT_EQ(seeds.size(), 1u);
  std::map<std::string, int> checked;
  for (std::uint64_t i = 0; i < 200; ++i) {
    const fuzz_input in = mutate_compressed(seeds, 11, i);
    // Bombs are slow under the sanitizers; the command-line test sends them.
    if (mentions(in, "deflate bomb")) continue;
    const case_result r =
        run_case(fuzz_case(in, "fuzz/c" + std::to_string(i), 250, false), options);
    const outcome o = judge(r);
    EXPECT_EQ(o.kind, finding_kind::none) << "input " << i << ": " << o.detail;
    EXPECT_EQ(r.data, verdict::pass) << "input " << i << ": " << r.reason;
    std::vector<std::string> harmful;
    for (const auto& m : in.mutations)
      if (!harmless(m)) harmful.push_back(m);
    std::string what;
    for (const auto& m : in.mutations) what += "\n  " + m;
    if (harmful.empty()) {
      ++checked["valid"];
      EXPECT_FALSE(r.remote_close_code) << "input " << i << " is valid:" << what;
    } else if (harmful.size() == 1 && (harmful[0].starts_with("RSV1 set on a continuation") ||
                                       harmful[0].starts_with("RSV1 set on a ping") ||
                                       harmful[0].starts_with("RSV1 set on a pong"))) {
      // RFC 7692 6.1: RSV1 on a frame that is not a message's first.
      ++checked["rsv1"];
      EXPECT_EQ(r.remote_close_code, std::uint16_t{1002}) << "input " << i << ":" << what;
    } else if (harmful.size() == 1 && harmful[0].starts_with("DEFLATE block type 11")) {
      ++checked["btype"];
      EXPECT_EQ(r.remote_close_code, std::uint16_t{1007}) << "input " << i << ":" << what;
    }
  }
  for (const char* k : {"valid", "rsv1", "btype"})
    EXPECT_GT(checked[k], 0) << "never checked: " << k << " (pick another seed)";
}

}  // namespace
}  // namespace wsspec::fuzz
