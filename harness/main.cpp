// wsspec: the command-line entry point. The subcommands of ../shared/DESIGN.md arrive with
// the runner; today the program only reports its version.
#include <cstdio>
#include <cstring>

namespace {
constexpr const char* k_version = "0.1.0";
}

int main(int argc, char** argv) {
  if (argc == 2 && (std::strcmp(argv[1], "--version") == 0)) {
    std::printf("%s\n", k_version);
    return 0;
  }
  std::fprintf(stderr, "usage: wsspec --version\n(the runner's subcommands are not built yet)\n");
  return 2;
}
