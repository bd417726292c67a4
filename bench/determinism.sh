#!/bin/sh
# determinism.sh: does the same target get the same verdicts in every run, at any --jobs?
# (DESIGN.md, "Determinism".)
#
#   bench/determinism.sh WSSPEC OUT_DIR [--runs N] [--targets serve,python,ws] [--jobs 1,2,4]
#                        [--timeout S] [--exclude PAT,...]
#
# For each target it starts the server once, on a free port of 127.0.0.1, runs the whole suite
# N times at each --jobs of the list (default 1,2,4: one, the cores of a 2-core machine, and
# wsspec's default there; alternating: j1, j2, j4, j1, ...; N defaults to 3), each run bounded
# by `timeout S` (default 600), writes each run's report to OUT_DIR/TARGET/run-K-jJ/, stops
# the server by its PID, and compares the per-case verdicts of all its runs. Targets:
#   serve   `WSSPEC serve --port 0`, the program's own reference echo server
#   python  tests/targets/python_websockets_echo.py on /usr/bin/python3 (python3-websockets)
#   ws      tests/targets/ws_echo.js on the newest npm ws 8.x (tests/targets/ws-latest)
#   ws-pinned  the same on the ws pinned in tests/targets/package.json
# (python and ws are installed by ci/setup-targets.sh.) --exclude is passed to every run
# (e.g. 'compression/1000x*', the heavy Autobahn 12.x/13.x counterparts).
#
# It prints, per target, the number of cases and each case whose verdict differed between the
# runs, with its verdicts in run order ("missing" where a run has no verdict for it), and the
# same as OUT_DIR/TARGET/differences.txt. Exit status: 0 every verdict was the same in every
# run of every target, 1 some differed (or a run produced no results.json), 2 bad usage or a
# server that did not start.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
targets_dir=$(cd "$here/../tests/targets" && pwd)
python=/usr/bin/python3

usage() {
  sed -n '2,/^set -eu/p' "$0" | sed -e '/^set -eu/d' -e 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 2 ] || usage
wsspec=$1
out=$2
shift 2
runs=3
targets=serve,python,ws
jobs_list=1,2,4
run_timeout=600
exclude=""
while [ $# -gt 0 ]; do
  case $1 in
    --runs) [ $# -ge 2 ] || usage; runs=$2; shift 2 ;;
    --targets) [ $# -ge 2 ] || usage; targets=$2; shift 2 ;;
    --jobs) [ $# -ge 2 ] || usage; jobs_list=$2; shift 2 ;;
    --timeout) [ $# -ge 2 ] || usage; run_timeout=$2; shift 2 ;;
    --exclude) [ $# -ge 2 ] || usage; exclude=$2; shift 2 ;;
    -h | --help) usage ;;
    *) echo "determinism: unknown argument $1" >&2; usage ;;
  esac
done
case $runs in '' | *[!0-9]* | 0) echo "determinism: --runs needs a positive number" >&2; exit 2 ;; esac
case $run_timeout in '' | *[!0-9]* | 0) echo "determinism: --timeout needs seconds" >&2; exit 2 ;; esac
[ -x "$wsspec" ] || { echo "determinism: $wsspec is not an executable" >&2; exit 2; }
wsspec=$(cd "$(dirname "$wsspec")" && pwd)/$(basename "$wsspec")
mkdir -p "$out"
out=$(cd "$out" && pwd)

server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server TARGET LOG: starts it in the background (server_pid) and sets url, or returns 1.
start_server() {
  url=""
  : >"$2"
  case $1 in
    serve)
      "$wsspec" serve --host 127.0.0.1 --port 0 >"$2" 2>&1 &
      server_pid=$! ;;
    python)
      port=$(free_port)
      "$python" "$targets_dir/python_websockets_echo.py" "$port" >"$2" 2>&1 &
      server_pid=$!
      url=ws://127.0.0.1:$port/ ;;
    ws)
      if [ ! -f "$targets_dir/ws-latest/node_modules/ws/package.json" ]; then
        echo "determinism: no ws in $targets_dir/ws-latest (run ci/setup-targets.sh)" >&2
        return 1
      fi
      port=$(free_port)
      node "$targets_dir/ws_echo.js" --ws-dir "$targets_dir/ws-latest" "$port" >"$2" 2>&1 &
      server_pid=$!
      url=ws://127.0.0.1:$port/ ;;
    ws-pinned)
      port=$(free_port)
      node "$targets_dir/ws_echo.js" "$port" >"$2" 2>&1 &
      server_pid=$!
      url=ws://127.0.0.1:$port/ ;;
  esac
  # Bounded wait (20 s) for its "listening" line.
  i=0
  while [ $i -lt 200 ]; do
    if grep -q '^listening' "$2"; then
      if [ "$1" = serve ]; then
        url=$(sed -n 's|^listening on \(ws://[^ ]*\).*|\1|p' "$2" | head -n 1)
      fi
      [ -n "$url" ] && return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
  done
  echo "determinism: the $1 server did not start (its output: $2)" >&2
  cat "$2" >&2
  stop_server
  return 1
}

status=0
for target in $(echo "$targets" | tr ',' ' '); do
  case $target in
    serve | python | ws | ws-pinned) ;;
    *) echo "determinism: unknown target $target (serve, python, ws, ws-pinned)" >&2; exit 2 ;;
  esac
  dir=$out/$target
  rm -rf "$dir"
  mkdir -p "$dir"
  start_server "$target" "$dir/server.log" || exit 2
  echo "determinism: $target at $url (PID $server_pid), $runs run(s) each at --jobs $jobs_list"
  run_dirs=""
  k=1
  while [ "$k" -le "$runs" ]; do
    for jobs in $(echo "$jobs_list" | tr ',' ' '); do
      run=run-$k-j$jobs
      run_status=0
      start=$(date +%s)
      set -- run "$url" --jobs "$jobs" --out "$dir/$run"
      [ -z "$exclude" ] || set -- "$@" --exclude "$exclude"
      timeout "$run_timeout" "$wsspec" "$@" >"$dir/$run.log" 2>&1 || run_status=$?
      echo "  $run: exit $run_status, $(($(date +%s) - start)) s, $(tail -n 1 "$dir/$run.log")"
      [ "$run_status" -ne 124 ] || echo "  $run: stopped by timeout after $run_timeout s"
      kill -0 "$server_pid" 2>/dev/null || echo "  the $target server is gone after $run"
      run_dirs="$run_dirs $dir/$run"
    done
    k=$((k + 1))
  done
  stop_server
  # shellcheck disable=SC2086  # run_dirs is a list of paths without blanks
  "$python" - "$target" "$dir/differences.txt" $run_dirs <<'EOF' || status=1
import json
import os
import sys

target, report, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
runs = []
for d in dirs:
    try:
        with open(os.path.join(d, "results.json")) as f:
            runs.append({c["id"]: c["verdict"] for c in json.load(f)["cases"]})
    except (OSError, ValueError, KeyError) as e:
        print("  %s: no usable results.json (%s)" % (os.path.basename(d), e))
        runs.append(None)
ids = []
seen = set()
for r in runs:
    for i in r or {}:
        if i not in seen:
            seen.add(i)
            ids.append(i)
names = " ".join(os.path.basename(d)[4:] for d in dirs)
lines = []
for i in ids:
    verdicts = [(r or {}).get(i, "missing") for r in runs]
    if len(set(verdicts)) > 1:
        lines.append("%s: %s" % (i, " ".join(verdicts)))
broken = sum(r is None for r in runs)
print("%s: %d cases, %d runs (%s), %d differed%s" % (
    target, len(ids), len(runs), names, len(lines),
    ", %d run(s) without results" % broken if broken else ""))
for line in lines:
    print("  " + line)
with open(report, "w") as f:
    f.write("runs: %s\n" % names)
    f.writelines(line + "\n" for line in lines)
sys.exit(1 if lines or broken else 0)
EOF
done
exit "$status"
