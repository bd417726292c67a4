#!/bin/sh
# All of wsspec's tests, from a fresh Debian 12 machine: installs what is missing, then
#   1. builds the default preset (g++, optimised) and runs the GoogleTest suite with ctest;
#   2. builds the asan preset (ASan + UBSan) and runs the same suite under the sanitizers;
#   3. builds the tsan preset (clang + ThreadSanitizer; the wsspec program only) and runs
#      tests/tsan: wsspec run --jobs 8 against wsspec serve, to the end and interrupted;
#   4. builds the fuzz preset (clang + libFuzzer + sanitizers) and runs each fuzz target for
#      a short, bounded time from a fixed seed.
# Exits non-zero if any step fails. Each ctest run ends with its own summary line.
set -eu
cd "$(dirname "$0")/.."
ci/setup-debian.sh
ci/setup-targets.sh
tests/reports/browser/setup.sh

jobs=$(nproc 2>/dev/null || echo 2)
for preset in default asan tsan fuzz; do
  echo "== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== $preset: test"
  ctest --preset "$preset"
done
