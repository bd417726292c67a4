#!/bin/sh
# Makes, or reuses, a minimal Debian 12 (bookworm) root file system at DIR, for checks that
# need a fresh Debian 12 without touching this machine (installing wsspec's .deb in a chroot).
#   packaging/debian12_root.sh DIR
# The first call runs debootstrap (--variant=minbase) into DIR.partial and renames it to DIR
# when complete, so an interrupted run never leaves a half-made root that looks usable; later
# calls find DIR/.debian12-root-complete and return at once. Two calls at the same time are
# serialised by a lock next to DIR. Prints DIR on success.
# Needs root and debootstrap (ci/setup-debian.sh installs it). The mirror is DEBIAN12_MIRROR,
# else the first bookworm URI of this machine's apt sources, else http://deb.debian.org/debian.
# Exit codes: 0 ready, 1 debootstrap failed, 77 cannot be made here (not root, no debootstrap).
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
dir=$1
marker="$dir/.debian12-root-complete"
if [ -f "$marker" ]; then
  echo "$dir"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "debian12_root: needs root (debootstrap and chroot)" >&2
  exit 77
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  echo "debian12_root: debootstrap is not installed (ci/setup-debian.sh installs it)" >&2
  exit 77
fi

mirror=${DEBIAN12_MIRROR:-}
if [ -z "$mirror" ]; then
  # deb822 sources (URIs: ...) first, then one-line ones (deb URI bookworm ...).
  mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*debian\)[[:space:]]*$/\1/p' \
    /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1) || true
  if [ -z "$mirror" ]; then
    mirror=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' \
      /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null) || true
  fi
  mirror=${mirror:-http://deb.debian.org/debian}
fi

mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
# Another call may have finished it while this one waited for the lock.
if [ -f "$marker" ]; then
  echo "$dir"
  exit 0
fi
rm -rf "$dir.partial" "$dir"
echo "debian12_root: debootstrap bookworm from $mirror into $dir (once; later calls reuse it)" >&2
if ! debootstrap --variant=minbase bookworm "$dir.partial" "$mirror" >"$dir.log" 2>&1; then
  echo "debian12_root: debootstrap failed; last lines of $dir.log:" >&2
  tail -n 20 "$dir.log" >&2
  exit 1
fi
date -u +%Y-%m-%dT%H:%M:%SZ >"$dir.partial/.debian12-root-complete"
mv "$dir.partial" "$dir"
echo "$dir"
