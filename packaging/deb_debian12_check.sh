#!/bin/sh
# Installs wsspec's .deb with apt in a fresh, minimal Debian 12 (a debootstrap root made once
# by packaging/debian12_root.sh and cached at ROOT), then checks there that the installed
# wsspec runs: --version, list, `run --cases 1.1.*` against its own `wsspec serve`, the man
# page and the bash completion in place. apt fetches the dependencies from Debian 12's
# archive, so Depends is proven to be installable, not just plausible. Removes the package
# (with what it pulled in) afterwards, so the cached root stays fresh.
#   packaging/deb_debian12_check.sh DEB|FOLDER_WITH_THE_DEB ROOT
# Needs root and the Debian mirror (not only loopback): not part of the default ctest run;
# cmake -DWSSPEC_TEST_DEB_IN_DEBIAN12=ON registers it as ctest packaging_deb_debian12.
# Exit codes: 0 passed, 1 failed, 77 cannot run here (not root, no debootstrap).
set -eu
if [ $# -ne 2 ]; then
  echo "usage: $0 DEB ROOT" >&2
  exit 2
fi
deb=$1
root_dir=$2
if [ -d "$deb" ]; then
  set -- "$deb"/wsspec_*.deb
  [ $# -eq 1 ] || { echo "FAIL: expected one wsspec_*.deb in $deb, found: $*" >&2; exit 1; }
  deb=$1
fi
here=$(cd "$(dirname "$0")" && pwd)
rc=0
root=$("$here/debian12_root.sh" "$root_dir") || rc=$?
[ "$rc" -eq 0 ] || exit "$rc"
[ -f "$deb" ] || { echo "FAIL: no package at $deb" >&2; exit 1; }

in_root() { chroot "$root" "$@"; }
proc_mounted=""
cleanup() {
  if [ -n "${serve_pid-}" ]; then kill "$serve_pid" 2>/dev/null || true; fi
  in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq --autoremove wsspec >/dev/null 2>&1 || true
  rm -f "$root/tmp/$(basename "$deb")"
  if [ -n "$proc_mounted" ]; then umount "$root/proc" || true; fi
}
trap cleanup EXIT
# bash's process substitution, which the completion uses, needs /dev/fd, that is /proc.
if ! mountpoint -q "$root/proc"; then
  mount -t proc proc "$root/proc"
  proc_mounted=1
fi

cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
cp "$deb" "$root/tmp/"
in_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  "/tmp/$(basename "$deb")" >"$root/tmp/apt-install.log" 2>&1 || {
  cat "$root/tmp/apt-install.log" >&2
  echo "FAIL: apt-get install of the package in Debian 12" >&2
  exit 1
}
sed -n '/NEW packages/,/^[0-9]* upgraded/p' "$root/tmp/apt-install.log"

failures=0
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  failures=$((failures + 1))
}
in_root wsspec --version || fail "wsspec --version"
listed=$(in_root wsspec list | tail -n 1)
case $listed in
  *[1-9]*' cases') echo "wsspec list: $listed" ;;
  *) fail "wsspec list ends with '$listed'" ;;
esac
[ -f "$root/usr/share/man/man1/wsspec.1.gz" ] || fail "no /usr/share/man/man1/wsspec.1.gz"
[ -f "$root/usr/share/wsspec/schema.json" ] || fail "no /usr/share/wsspec/schema.json"
# shellcheck disable=SC2016 # expanded by the bash in the root
words=$(in_root bash --norc -c '. /usr/share/bash-completion/completions/wsspec &&
  COMP_WORDS=(wsspec r) && COMP_CWORD=1 && _wsspec && echo "${COMPREPLY[*]}"')
[ "$words" = "run report" ] || fail "completing 'wsspec r' gives '$words', not 'run report'"

# chroot itself, not in_root: $! must be the PID of the process that becomes wsspec.
chroot "$root" wsspec serve --port 0 >"$root/tmp/serve.out" 2>&1 &
serve_pid=$!
url=""
i=0
while [ $i -lt 100 ] && [ -z "$url" ]; do
  url=$(sed -n 's/^listening on \(ws:[^ ]*\)$/\1/p' "$root/tmp/serve.out")
  [ -n "$url" ] || kill -0 "$serve_pid" 2>/dev/null || break  # it exited
  [ -n "$url" ] || sleep 0.1
  i=$((i + 1))
done
if [ -z "$url" ]; then
  fail "wsspec serve did not listen (exited, or not within 10 s): $(cat "$root/tmp/serve.out")"
else
  in_root wsspec run "$url" --cases '1.1.*' --out /tmp/run >"$root/tmp/run.log" 2>&1 ||
    fail "wsspec run --cases '1.1.*' exits $?: $(tail -n 3 "$root/tmp/run.log")"
  tail -n 1 "$root/tmp/run.log"
fi

if [ "$failures" -ne 0 ]; then
  echo "deb_debian12_check: $failures failure(s)" >&2
  exit 1
fi
echo "deb_debian12_check: installed with apt in a fresh Debian 12 and ran"
