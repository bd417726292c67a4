#!/bin/bash -eu
# Builds every fuzz target the OSS-Fuzz / ClusterFuzzLite way, so the targets can run at scale
# on those engines. The environment is the one they set:
#   CC, CXX                compilers (clang, or an engine's wrapper such as afl-clang-fast)
#   CFLAGS, CXXFLAGS       sanitizer and coverage flags (e.g. -fsanitize=address,fuzzer-no-link)
#   LIB_FUZZING_ENGINE     what to link the targets with (e.g. -fsanitize=fuzzer, or libAFL's .a)
#   OUT                    where the targets go, each with <target>.dict,
#                          <target>_seed_corpus.zip and, if it has one, <target>.options
#                          (libFuzzer flags such as max_len) next to it
#   SRC, WORK              (optional) source and scratch folders
# Run by hand, it defaults to a plain local libFuzzer build in build/oss-fuzz:
#   fuzz/build.sh && build/oss-fuzz/frame_decoder_fuzzer -max_len=64 build/oss-fuzz/corpus
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CC:=clang}" "${CXX:=clang++}"
: "${CFLAGS:=-O2 -g -fsanitize=fuzzer-no-link}" "${CXXFLAGS:=-O2 -g -fsanitize=fuzzer-no-link}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:=$root/build/oss-fuzz}"
: "${WORK:=$OUT/work}"
jobs=${JOBS:-2}

# CMake builds the targets and the seed generator with exactly the flags given: the build
# type adds none (its flags are emptied), the instrumentation comes from CXXFLAGS alone
# (WSSPEC_FUZZ_INSTRUMENT=OFF), and so do the sanitizers (WSSPEC_SANITIZE=OFF: OSS-Fuzz picks
# them per build). The project is C++ only, so CC and CFLAGS are accepted but not used.
cmake -S "$root" -B "$WORK" -G Ninja \
  -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO= \
  -DWSSPEC_BUILD_FUZZ=ON -DWSSPEC_FUZZ_INSTRUMENT=OFF -DWSSPEC_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  -DWSSPEC_SANITIZE=OFF -DWSSPEC_BUILD_HARNESS=OFF -DWSSPEC_BUILD_TESTS=OFF \
  -DWSSPEC_BUILD_BENCH=OFF
cmake --build "$WORK" -j "$jobs"

# A zip of a folder's files (flat, as OSS-Fuzz expects), with zip(1) if present, else Python's
# zipfile module; neither is guaranteed on a minimal image.
make_zip() {  # make_zip ZIP DIR
  rm -f "$1"
  if command -v zip >/dev/null 2>&1; then
    (cd "$2" && zip -q -j "$1" ./*)
  elif command -v python3 >/dev/null 2>&1; then
    python3 - "$1" "$2" <<'PY'
import os, sys, zipfile
out, folder = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(folder)):
        z.write(os.path.join(folder, name), name)
PY
  else
    echo "build.sh: neither zip nor python3 found; $1 not written" >&2
    return 0
  fi
}

mkdir -p "$OUT"
for src in "$root"/fuzz/targets/*_fuzzer.cpp; do
  name=$(basename "$src" .cpp)
  short=${name%_fuzzer}
  cp "$WORK/fuzz/$name" "$OUT/$name"
  cp "$root/fuzz/dict/$short.dict" "$OUT/$name.dict"
  if [ -f "$root/fuzz/options/$short.options" ]; then
    cp "$root/fuzz/options/$short.options" "$OUT/$name.options"
  fi
  if [ -d "$WORK/fuzz-seeds/$short" ]; then
    make_zip "$OUT/${name}_seed_corpus.zip" "$WORK/fuzz-seeds/$short"
  fi
  echo "built $OUT/$name"
done
