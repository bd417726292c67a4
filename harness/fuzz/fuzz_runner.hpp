// `wsspec fuzz URL`: mutation-based, protocol-aware fuzzing of a live server. Each iteration
// sends one mutated input (mutator.hpp) on a new connection and checks, with the reference
// codec, that everything the target sends back is valid, and that it still serves a new
// connection when the input left it silent or dropped (crash, hang). Every finding is
// minimised (minimizer.hpp), written as a case file of the same format as cases/ and replayed
// from that file to confirm it reproduces: `wsspec run URL --case-dir DIR` runs the findings.
//
// A target that agrees to permessage-deflate (one probe connection before the first input)
// also gets compressed inputs, about one in three; the run says how many it sent.
//
// Bounded: it stops after `duration` or `max_cases` inputs, whichever comes first; the work on
// a finding (minimising, replaying) counts against the same duration.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "cases/case_model.hpp"
#include "fuzz/fuzz_case.hpp"
#include "run/interpreter.hpp"

namespace wsspec::fuzz {

struct fuzz_options {
  run_options run;
  std::uint64_t seed = 1;
  std::chrono::milliseconds duration{60000};
  std::uint64_t max_cases = 0;  // 0: only the duration bounds the run
  std::uint32_t wait_ms = 250;  // how long to wait for the target's answer to one input
  std::filesystem::path out_dir = "wsspec-fuzz";
  std::string server_cmd;  // wsspec starts (and restarts) the target itself
  std::uint32_t minimize_budget = 200;
  unsigned max_findings = 10;  // distinct findings; the run stops at this many
  bool terminal = false;
};

struct finding {
  finding_kind kind = finding_kind::none;
  std::string signature, detail;
  std::uint64_t iteration = 0;
  std::string from_case;
  std::vector<std::string> mutations;  // of the minimised input
  std::filesystem::path file;
  std::uint32_t replays = 0;  // spent minimising
  bool minimized = false;
  bool replayed = false;    // the written file was loaded and run again (the target was up)
  bool reproduced = false;  // ... and showed the same bug
  std::uint64_t duplicates = 0;
};

struct fuzz_outcome {
  std::uint64_t iterations = 0;
  // permessage-deflate: whether the target agreed to it when asked before the first input (it
  // then gets compressed inputs, deflate_mutator.hpp), how many inputs offered it, and in how
  // many of those runs the target agreed.
  bool deflate_agreed = false;
  std::uint64_t compressed_inputs = 0;
  std::uint64_t compressed_agreed = 0;
  double elapsed_s = 0;
  std::vector<finding> findings;
  std::string stopped_because;  // why the run ended before its bounds, if it did
  int exit = 0;                 // 0 nothing found, 1 findings, 2 bad usage, 3 unreachable
  std::string final_line;
};

fuzz_outcome run_fuzz(const std::vector<test_case>& cases, const fuzz_options& options,
                      std::ostream& progress);

}  // namespace wsspec::fuzz
