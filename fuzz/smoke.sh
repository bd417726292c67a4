#!/bin/sh
# One bounded libFuzzer run for ctest (fuzz/CMakeLists.txt):
#   smoke.sh TARGET ARTIFACT_DIR CORPUS_DIR SEED_DIR [libFuzzer flags...]
# New inputs go to CORPUS_DIR, a crash's reproducer to ARTIFACT_DIR/<target>-crash-<sha1>.
# libFuzzer already exits non-zero on a crash; this wrapper makes the failure say what to do
# next, since the ctest log is often all a CI user sees.
set -u
target=$1 artifacts=$2 corpus=$3 seeds=$4
shift 4
name=$(basename "$target")
mkdir -p "$artifacts" "$corpus"
"$target" -artifact_prefix="$artifacts/$name-" "$@" "$corpus" "$seeds"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "FUZZ FAILURE: $name exited with $rc. Reproducers:" >&2
  for f in "$artifacts/$name-"*; do
    [ -e "$f" ] || continue
    echo "  $f" >&2
    echo "    replay:   $target $f" >&2
    echo "    minimise: $target -minimize_crash=1 -runs=100000 $f" >&2
  done
fi
exit "$rc"
