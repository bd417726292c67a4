#!/bin/sh
# suite_speed.sh: how long a full `wsspec run` takes, and how much memory it needs, for two
# builds side by side (e.g. the previous commit and the working tree; bench/build_at.sh
# builds the old one).
#
#   bench/suite_speed.sh OLD_WSSPEC NEW_WSSPEC [--rounds N] [--jobs N] [--timeout S]
#
# One `NEW_WSSPEC serve --port 0` is started (127.0.0.1) and serves every run. Each round runs
# the whole suite once with each build (`wsspec run URL --out TMP`, --jobs as given, else
# wsspec's default), the order alternating between rounds (OLD first in odd rounds, NEW first
# in even ones) so that a drift of the machine does not favour one; then the floor, the same
# command with `--cases framing/text-length-0` (one handshake and one echo of an empty text
# message: process start, case loading, one round trip), once per build. Each run is timed by
# /usr/bin/time -f '%e %M' (wall seconds, peak RSS in KiB) and bounded by `timeout S`
# (default 600). N defaults to 5.
#
# It prints each run as it ends, then the median wall time and peak RSS of each build, the
# ratios NEW/OLD (below 1: NEW is faster / smaller), and the medians of the floor. A run that
# does not exit 0 is reported with its exit status (its time still counts).
# Exit status: 0 measured, 2 bad usage or the server did not start.
set -eu

python=/usr/bin/python3
floor_case=framing/text-length-0

usage() {
  sed -n '2,/^set -eu/p' "$0" | sed -e '/^set -eu/d' -e 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 2 ] || usage
old=$1
new=$2
shift 2
rounds=5
jobs=""
run_timeout=600
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) [ $# -ge 2 ] || usage; rounds=$2; shift 2 ;;
    --jobs) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
    --timeout) [ $# -ge 2 ] || usage; run_timeout=$2; shift 2 ;;
    -h | --help) usage ;;
    *) echo "suite_speed: unknown argument $1" >&2; usage ;;
  esac
done
case $rounds in '' | *[!0-9]* | 0) echo "suite_speed: --rounds needs a positive number" >&2; exit 2 ;; esac
case $run_timeout in '' | *[!0-9]* | 0) echo "suite_speed: --timeout needs seconds" >&2; exit 2 ;; esac
case $jobs in *[!0-9]*) echo "suite_speed: --jobs needs a number" >&2; exit 2 ;; esac
for b in "$old" "$new"; do
  [ -x "$b" ] || { echo "suite_speed: $b is not an executable" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "suite_speed: needs /usr/bin/time (Debian package time)" >&2; exit 2; }

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

: >"$work/serve.log"  # created first: the background job opens it only once it runs
"$new" serve --host 127.0.0.1 --port 0 >"$work/serve.log" 2>&1 &
server_pid=$!
url=""
i=0
while [ $i -lt 100 ]; do
  url=$(sed -n 's|^listening on \(ws://[^ ]*\).*|\1|p' "$work/serve.log" | head -n 1)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
  i=$((i + 1))
done
if [ -z "$url" ]; then
  echo "suite_speed: $new serve did not start:" >&2
  cat "$work/serve.log" >&2
  exit 2
fi
echo "suite_speed: serve of NEW at $url (PID $server_pid); OLD=$old NEW=$new; $rounds round(s)${jobs:+, --jobs $jobs}"

# measure LABEL KIND BINARY [ARGS...]: one timed run; appends "LABEL KIND wall rss" to results.
measure() {
  m_label=$1
  m_kind=$2
  m_bin=$3
  shift 3
  m_status=0
  rm -rf "$work/out"
  /usr/bin/time -f '%e %M' -o "$work/time" timeout "$run_timeout" "$m_bin" run "$url" \
    ${jobs:+--jobs "$jobs"} --out "$work/out" "$@" >"$work/run.log" 2>&1 || m_status=$?
  m_time=$(tail -n 1 "$work/time")
  echo "$m_label $m_kind $m_time" >>"$work/results"
  m_note=""
  [ "$m_status" -eq 0 ] || m_note="  (exit $m_status: $(tail -n 1 "$work/run.log"))"
  printf '  %-5s %-6s %7s s %8s KiB%s\n' "$m_kind" "$m_label" "${m_time% *}" "${m_time#* }" "$m_note"
}

: >"$work/results"
r=1
while [ "$r" -le "$rounds" ]; do
  echo "round $r"
  if [ $((r % 2)) -eq 1 ]; then first=old; else first=new; fi
  for who in $first $([ "$first" = old ] && echo new || echo old); do
    if [ "$who" = old ]; then bin=$old; else bin=$new; fi
    measure "$who" suite "$bin"
  done
  for who in old new; do
    if [ "$who" = old ]; then bin=$old; else bin=$new; fi
    measure "$who" floor "$bin" --cases "$floor_case"
  done
  r=$((r + 1))
done

"$python" - "$work/results" <<'EOF'
import statistics
import sys

rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
def med(who, kind, col):
    return statistics.median(float(r[col]) for r in rows if r[0] == who and r[1] == kind)
print("medians over %d round(s):" % sum(1 for r in rows if r[0] == "old" and r[1] == "suite"))
for kind, what in (("suite", "full suite"), ("floor", "floor (one trivial case)")):
    ow, nw = med("old", kind, 2), med("new", kind, 2)
    orss, nrss = med("old", kind, 3), med("new", kind, 3)
    print("  %-25s OLD %7.2f s %8.0f KiB   NEW %7.2f s %8.0f KiB   NEW/OLD wall %.3f, peak RSS %.3f"
          % (what, ow, orss, nw, nrss, nw / ow if ow else float("nan"),
             nrss / orss if orss else float("nan")))
EOF
