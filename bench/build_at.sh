#!/bin/sh
# build_at.sh COMMIT DIR: builds the wsspec program as it was at a git commit, for comparing
# builds (bench/suite_speed.sh OLD NEW). The commit is checked out in a detached
# `git worktree` at DIR/src (the repository's own working tree is not touched), configured in
# Release without tests, benchmarks or fuzzers in DIR/build, and only the `wsspec` target is
# built. The last line printed (stdout) is the binary's path; progress goes to stderr.
#
#   bench/build_at.sh dfabfc9 /tmp/old           # -> /tmp/old/build/harness/wsspec
#   BUILD_JOBS=4 bench/build_at.sh HEAD~3 /tmp/x  # parallel jobs (default 2)
#
# Run again with the same DIR: the worktree is moved to COMMIT and the build is incremental.
# Remove it with `git worktree remove --force DIR/src` (and rm -rf DIR).
set -eu

if [ $# -ne 2 ]; then
  echo "usage: $0 COMMIT DIR" >&2
  exit 2
fi
commit=$1
dir=$2
jobs=${BUILD_JOBS:-2}

repo=$(cd "$(dirname "$0")/.." && git rev-parse --show-toplevel)
sha=$(git -C "$repo" rev-parse --verify --quiet "$commit^{commit}") || {
  echo "build_at: $commit is not a commit of $repo" >&2
  exit 2
}

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
src=$dir/src
build=$dir/build

if [ -e "$src/.git" ]; then
  echo "build_at: moving the worktree $src to $sha" >&2
  git -C "$src" checkout --quiet --detach "$sha"
else
  echo "build_at: adding a worktree of $sha at $src" >&2
  git -C "$repo" worktree add --quiet --detach "$src" "$sha"
fi

echo "build_at: configuring $build (Release, wsspec only)" >&2
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DWSSPEC_BUILD_TESTS=OFF -DWSSPEC_BUILD_BENCH=OFF -DWSSPEC_BUILD_FUZZ=OFF \
  -Wno-dev >/dev/null
echo "build_at: building (-j$jobs)" >&2
cmake --build "$build" -j "$jobs" --target wsspec >&2

bin=$build/harness/wsspec
# Older or newer layouts may put it elsewhere: the one executable file named wsspec.
[ -x "$bin" ] || bin=$(find "$build" -type f -name wsspec -perm -u+x | head -n 1)
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
  echo "build_at: no wsspec binary under $build after the build" >&2
  exit 1
fi
echo "$bin"
