// The case loader's translation unit also holds load_builtin_cases(), which refers to the
// catalogue that harness/CMakeLists.txt embeds into the wsspec program (builtin_cases.cpp,
// generated). The fuzz build compiles the loader on its own, without the harness, so it
// supplies an empty catalogue instead: the fuzz target and the seed generator only call
// load_case_text / load_case_dir.
#include "cases/case_loader.hpp"

namespace wsspec {

std::span<const embedded_case_file> builtin_case_files() noexcept { return {}; }

}  // namespace wsspec
