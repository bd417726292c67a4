#!/bin/sh
# Runs one real WebSocket client against `wsspec serve-cases` through an Autobahn-style driver
# (ctest clients_*): serve-cases listens on a free port with --once --strict and the client's
# baseline, the driver walks the URL protocol (getCaseCount, runCase 1..N, updateReports),
# and the test passes when serve-cases exits 0 (every non-pass verdict is in the baseline).
#
#   run_client.sh WSSPEC NAME OUT_DIR BASELINE [serve-cases option...] -- DRIVER [ARG...]
#
# The driver is started as `DRIVER ARG... --agent NAME URL` in a process group of its own, so
# that a driver which does not exit by itself (a browser) is stopped, with its children, once
# serve-cases has exited. Reports: OUT_DIR/NAME/ (results.json, index.html, junit.xml);
# logs: OUT_DIR/serve-cases.log, OUT_DIR/driver.log. Exit: serve-cases' exit code; 1 when the
# run did not end in time or the driver failed; 77 (ctest: skipped) when the driver exits 77
# because its client cannot run here.
set -eu
# No pathname expansion: serve-cases options carry case patterns such as compression/1000x*.
set -f

if [ $# -lt 6 ]; then
  echo "usage: run_client.sh WSSPEC NAME OUT_DIR BASELINE [serve-cases option...] -- DRIVER [ARG...]" >&2
  exit 2
fi
wsspec=$1 name=$2 out=$3 baseline=$4
shift 4
serve_opts=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  serve_opts="$serve_opts $1"
  shift
done
[ $# -gt 1 ] || { echo "run_client.sh: no driver after --" >&2; exit 2; }
shift

# Bound of the whole run, whatever the client does (the ctest TIMEOUT is above it, so this
# script, not ctest, reports a stuck run, with the logs).
limit=${WSSPEC_CLIENTS_LIMIT:-240}

# serve-cases loads results found in OUT_DIR: start from nothing, so every verdict is this run's.
rm -rf "$out"
mkdir -p "$out"
serve_log=$out/serve-cases.log
driver_log=$out/driver.log
: >"$serve_log"

# shellcheck disable=SC2086 # serve_opts holds separate words on purpose
"$wsspec" serve-cases --port 0 --once --strict --out "$out" --baseline "$baseline" \
  $serve_opts >"$serve_log" 2>&1 &
serve_pid=$!
driver_pid=""

# shellcheck disable=SC2317 # called by the EXIT trap
stop_all() {
  if [ -n "$driver_pid" ]; then
    kill -TERM "-$driver_pid" 2>/dev/null || true
    i=0
    while kill -0 "-$driver_pid" 2>/dev/null && [ "$i" -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
    kill -KILL "-$driver_pid" 2>/dev/null || true
  fi
  kill -TERM "$serve_pid" 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 1' INT TERM

# The first line names the URL: "wsspec serve-cases: listening on ws://127.0.0.1:PORT/".
url=""
i=0
while [ -z "$url" ] && [ $i -lt 100 ]; do
  url=$(sed -n '1s/^.*listening on \(ws:[^ ]*\).*$/\1/p' "$serve_log")
  kill -0 "$serve_pid" 2>/dev/null || break
  [ -n "$url" ] || sleep 0.1
  i=$((i + 1))
done
if [ -z "$url" ]; then
  echo "run_client.sh: serve-cases did not start listening:" >&2
  cat "$serve_log" >&2
  exit 1
fi

# A shell leads the driver's group and writes the driver's exit code to a file when it ends (a
# child that has exited but not been waited for would still answer kill -0).
driver_rc_file=$out/driver.rc
# shellcheck disable=SC2016 # expanded by the inner shell
setsid sh -c 'rc_file=$1; shift; rc=0; "$@" || rc=$?; echo "$rc" >"$rc_file"' sh "$driver_rc_file" \
  "$@" --agent "$name" "$url" >"$driver_log" 2>&1 &
driver_pid=$!

# Wait for serve-cases (--once: it exits after the driver's updateReports). A driver that ends
# first without it has failed; it gets 10 s more in case its last request is still on its way.
start=$(date +%s)
driver_rc=""
driver_gone_at=""
serve_rc=""
while :; do
  if ! kill -0 "$serve_pid" 2>/dev/null; then
    serve_rc=0
    wait "$serve_pid" || serve_rc=$?
    break
  fi
  now=$(date +%s)
  if [ -z "$driver_rc" ] && [ -s "$driver_rc_file" ]; then
    driver_rc=$(cat "$driver_rc_file")
    driver_gone_at=$now
    if [ "$driver_rc" = 77 ]; then
      cat "$driver_log"
      exit 77
    fi
  fi
  if [ -n "$driver_gone_at" ] && [ $((now - driver_gone_at)) -ge 10 ]; then
    echo "run_client.sh: the driver exited ($driver_rc) and serve-cases did not; driver log:" >&2
    cat "$driver_log" >&2
    exit 1
  fi
  if [ $((now - start)) -ge "$limit" ]; then
    echo "run_client.sh: no result within $limit s; last lines of serve-cases and the driver:" >&2
    tail -n 5 "$serve_log" >&2
    tail -n 20 "$driver_log" >&2
    exit 1
  fi
  sleep 0.2
done
echo "run_client.sh: $name: $(($(date +%s) - start)) s"

# A driver that exits by itself does so right after updateReports; one that still runs then
# (a browser) is stopped by stop_all. Its exit code counts when it ended by itself.
i=0
while [ -z "$driver_rc" ] && [ ! -s "$driver_rc_file" ] && [ $i -lt 30 ]; do
  sleep 0.1
  i=$((i + 1))
done
if [ -z "$driver_rc" ] && [ -s "$driver_rc_file" ]; then driver_rc=$(cat "$driver_rc_file"); fi

# What did not pass, and the final line.
grep -v -e '^[^ ]*: *pass ' -e '^pass ' "$serve_log" | tail -n 40 || true
if [ -n "$driver_rc" ] && [ "$driver_rc" != 0 ]; then
  echo "run_client.sh: the driver failed ($driver_rc):" >&2
  cat "$driver_log" >&2
  exit 1
fi
exit "$serve_rc"
