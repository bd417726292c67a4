#!/bin/sh
# compression_speed.sh: the compression cases (Autobahn 12.x/13.x counterparts, ids
# compression/1000x*) against `wsspec serve`, beside their floor, measured in one run.
#
#   bench/compression_speed.sh WSSPEC FLOOR [--rounds N] [--jobs N] [--cases PAT] [--timeout S]
#
# WSSPEC is the wsspec program, FLOOR the compression_floor program built with it
# (build/default/bench/compression_floor). One `WSSPEC serve --port 0` serves every round. Each
# round times, in alternating order (suite first in odd rounds, floor first in even ones):
#   suite  `WSSPEC run URL --cases PAT --out TMP` (--jobs as given, else wsspec's default)
#   floor  `FLOOR --cases PAT --threads 2`: the same messages through the codec's deflater and
#          inflater, both ends' work (wsspec deflates, serve inflates and deflates the echo,
#          wsspec inflates it), no network: what zlib alone needs on this machine's 2 cores.
# with /usr/bin/time -f '%e %M' (wall seconds, peak RSS in KiB), each bounded by `timeout S`
# (default 1800). PAT defaults to compression/1000x*, N to 3.
#
# It prints each run, the floor's own account of where its CPU time goes, then the medians, the
# ratio suite/floor, the server's peak RSS (VmHWM) and the suite's verdict line.
# Exit status: 0 measured, 2 bad usage or the server did not start.
set -eu

python=/usr/bin/python3

usage() {
  sed -n '2,/^set -eu/p' "$0" | sed -e '/^set -eu/d' -e 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 2 ] || usage
wsspec=$1
floor=$2
shift 2
rounds=3
jobs=""
cases='compression/1000x*'
run_timeout=1800
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) [ $# -ge 2 ] || usage; rounds=$2; shift 2 ;;
    --jobs) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
    --cases) [ $# -ge 2 ] || usage; cases=$2; shift 2 ;;
    --timeout) [ $# -ge 2 ] || usage; run_timeout=$2; shift 2 ;;
    -h | --help) usage ;;
    *) echo "compression_speed: unknown argument $1" >&2; usage ;;
  esac
done
case $rounds in '' | *[!0-9]* | 0) echo "compression_speed: --rounds needs a positive number" >&2; exit 2 ;; esac
case $run_timeout in '' | *[!0-9]* | 0) echo "compression_speed: --timeout needs seconds" >&2; exit 2 ;; esac
case $jobs in *[!0-9]*) echo "compression_speed: --jobs needs a number" >&2; exit 2 ;; esac
for b in "$wsspec" "$floor"; do
  [ -x "$b" ] || { echo "compression_speed: $b is not an executable" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "compression_speed: needs /usr/bin/time (Debian package time)" >&2; exit 2; }

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
"$wsspec" serve --host 127.0.0.1 --port 0 >"$work/serve.log" 2>&1 &
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
  echo "compression_speed: $wsspec serve did not start:" >&2
  cat "$work/serve.log" >&2
  exit 2
fi
echo "compression_speed: serve at $url (PID $server_pid); cases $cases; $rounds round(s)${jobs:+, --jobs $jobs}"

: >"$work/results"
# measure KIND COMMAND...: one timed run; appends "KIND wall rss" to results.
measure() {
  m_kind=$1
  shift
  m_status=0
  /usr/bin/time -f '%e %M' -o "$work/time" timeout "$run_timeout" "$@" >"$work/$m_kind.log" 2>&1 ||
    m_status=$?
  m_time=$(tail -n 1 "$work/time")
  echo "$m_kind $m_time" >>"$work/results"
  m_note=""
  [ "$m_status" -eq 0 ] || m_note="  (exit $m_status)"
  printf '  %-5s %8s s %8s KiB  %s%s\n' "$m_kind" "${m_time% *}" "${m_time#* }" \
    "$(tail -n 1 "$work/$m_kind.log")" "$m_note"
}

r=1
while [ "$r" -le "$rounds" ]; do
  echo "round $r"
  if [ $((r % 2)) -eq 1 ]; then order="suite floor"; else order="floor suite"; fi
  for kind in $order; do
    if [ "$kind" = suite ]; then
      rm -rf "$work/out"
      measure suite "$wsspec" run "$url" --cases "$cases" ${jobs:+--jobs "$jobs"} --out "$work/out"
    else
      measure floor "$floor" --cases "$cases" --threads 2
    fi
  done
  r=$((r + 1))
done

hwm=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$server_pid/status" 2>/dev/null || echo "?")
"$python" - "$work/results" "$hwm" <<'EOF'
import statistics
import sys

rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
def med(kind, col):
    return statistics.median(float(r[col]) for r in rows if r[0] == kind)
sw, fw = med("suite", 1), med("floor", 1)
print("medians over %d round(s):" % sum(1 for r in rows if r[0] == "suite"))
print("  suite %7.2f s wall, peak RSS %8.0f KiB (wsspec run)" % (sw, med("suite", 2)))
print("  floor %7.2f s wall, peak RSS %8.0f KiB (codec alone, 2 threads)" % (fw, med("floor", 2)))
print("  suite/floor %.2f; serve's peak RSS %s" % (sw / fw if fw else float("nan"), sys.argv[2]))
EOF
