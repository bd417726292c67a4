// Case-file loader (harness/cases/case_loader.hpp): any bytes give cases or an error, never a
// crash, a hang or an escaping exception (DESIGN.md: "A malformed case file is rejected with
// file, JSON pointer and reason — never a crash"). Checked on every input:
// * load_case_text returns true with at least one case and leaves no error, or false with a
//   non-empty reason, the file name given, a pointer that is "" or starts with "/", and `out`
//   untouched (the loader promises all or nothing);
// * the loader only parses: generated frame and message payloads ("repeat"/"random" with a
//   "size") stay specs, they are not spelled out in memory;
// * loading the same text again gives the same outcome (no hidden state between files).
//
// This target is the one place fuzz/ reaches into harness/: the loader is harness code, but it
// depends only on nlohmann/json and the case model (no Asio, no sockets), so fuzz/CMakeLists.txt
// compiles its few source files directly instead of linking the whole harness.
//
// Bounded work: the loader accepts sizes up to 1 GiB and spells out generated header values
// (up to 16 MiB each) at load time, and a matrix of 1024 rows multiplies both. Those limits are
// the loader's to choose; to keep the fuzzer exploring the parser rather than allocating,
// inputs with a number of more than 4 digits are skipped (rejected from the corpus).
#include <cstdlib>
#include <string_view>
#include <variant>
#include <vector>

#include "cases/case_loader.hpp"

namespace {

using namespace wsspec;

bool too_big_numbers(std::string_view text) {
  std::size_t run = 0;
  for (const char c : text) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run > 4) return true;
  }
  return false;
}

void check_not_materialized(const payload_spec& p) {
  if (p.how != payload_spec::kind::bytes && !p.bytes.empty()) std::abort();
}

void check_case(const test_case& c) {
  if (c.id.empty() || c.area != "fuzz" || c.source.rfind("fuzz.json", 0) != 0) std::abort();
  for (const step& s : c.steps) {
    if (const auto* f = std::get_if<send_frame>(&s)) check_not_materialized(f->payload);
    if (const auto* m = std::get_if<send_message>(&s)) check_not_materialized(m->payload);
  }
}

struct outcome {
  bool ok = false;
  std::size_t cases = 0;
  std::string error;
};

outcome load(std::string_view text, bool check) {
  std::vector<test_case> out;
  case_error error;
  outcome o;
  try {
    o.ok = load_case_text("fuzz.json", "fuzz", text, out, error);
  } catch (...) {
    std::abort();  // the loader promises no exception escapes
  }
  o.cases = out.size();
  o.error = error.to_string();
  if (!check) return o;
  if (o.ok) {
    if (out.empty() || !error.reason.empty()) std::abort();
    for (const test_case& c : out) check_case(c);
  } else {
    if (error.reason.empty() || !out.empty() || error.file != "fuzz.json") std::abort();
    if (!error.pointer.empty() && error.pointer[0] != '/') std::abort();
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (too_big_numbers(text)) return -1;
  const outcome first = load(text, true);
  const outcome second = load(text, false);
  if (first.ok != second.ok || first.cases != second.cases || first.error != second.error)
    std::abort();
  return 0;
}
