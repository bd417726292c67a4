#!/bin/sh
# The main job, from a fresh Debian 12 machine: install what is missing, build wsspec, start
# the reference echo server (`wsspec serve`) on a free loopback port, run the whole suite
# against it, write the report to ./wsspec-report/ and print the path of index.html.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
ci/setup-debian.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc 2>/dev/null || echo 2)" --target wsspec
wsspec="$root/build/default/harness/wsspec"
out="$root/wsspec-report"

# Port 0: the server picks a free port and says which on its first line of output.
log=$(mktemp)
"$wsspec" serve --host 127.0.0.1 --port 0 >"$log" &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "$log"' EXIT INT TERM
url=""
for _ in $(seq 100); do
  url=$(sed -n 's/^listening on //p' "$log")
  [ -n "$url" ] && break
  sleep 0.05
done
if [ -z "$url" ]; then
  echo "wsspec serve did not start" >&2
  exit 3
fi

status=0
"$wsspec" run "$url" --strict --out "$out" || status=$?
echo "report: $out/index.html"
exit "$status"
