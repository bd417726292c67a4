#!/bin/sh
# An interrupted run stops within a second and still writes its reports, marked incomplete
# (a ctest test, one per signal):
#   interrupt_check.sh WSSPEC INT|TERM OUT_DIR
# starts tests/targets/broken_server.py --defect none, runs the whole suite against it with
# --jobs 1 (so the run lasts seconds) and --out OUT_DIR, sends the signal 0.5 s after wsspec
# has installed its handlers, and checks: wsspec exits 128 + the signal's number within 2 s of
# it; results.json has "incomplete": true, "stopped" naming the signal, and every case either
# judged or error with "not_run": true (at least one of those); junit.xml has the incomplete
# property; index.html says Incomplete. The server is stopped by its PID whatever happens.
set -eu

if [ $# -ne 3 ]; then
  echo "usage: $0 WSSPEC INT|TERM OUT_DIR" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
wsspec=$1
sig=$2
out=$3
python=/usr/bin/python3
case $sig in
  INT) want=130 ;;
  TERM) want=143 ;;
  *) echo "signal must be INT or TERM" >&2; exit 2 ;;
esac

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

rm -rf "$out"
mkdir -p "$out"
log=$out/server.log
# Created here: the background command opens it only once it runs, after the poll below starts.
: >"$log"
"$python" "$here/broken_server.py" --defect none --port 0 >"$log" 2>&1 &
server=$!
run=""
cleanup() {
  [ -z "$run" ] || kill "$run" 2>/dev/null || true
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap cleanup EXIT

url=""
i=0
while [ $i -lt 100 ]; do
  url=$(sed -n 's|^listening on \(ws://[^ ]*\)$|\1|p' "$log")
  [ -n "$url" ] && break
  sleep 0.1
  i=$((i + 1))
done
[ -n "$url" ] || fail "broken_server.py did not print its URL within 10 s"

# One case at a time, so the run is still going when the signal comes on a fast machine.
"$wsspec" run "$url" --jobs 1 --out "$out/report" >"$out/run.log" 2>&1 &
run=$!
# A signal is the user's only once wsspec catches it: before that, SIGTERM kills it without a
# report and SIGINT is ignored (sh starts background commands so). A loaded machine or an
# ASan build can take longer than any fixed wait to get there (it loads the catalogue first),
# so wait for the kernel to show both handlers (SigCgt: bit 1 SIGINT, bit 14 SIGTERM).
caught() {
  mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$run/status" 2>/dev/null) || return 1
  mask=${mask#????????}  # the low 32 signals: sh arithmetic is signed 64-bit
  [ -n "$mask" ] && [ $((0x$mask & 0x4002)) -eq $((0x4002)) ]
}
i=0
until caught; do
  [ $i -lt 600 ] || fail "wsspec did not install its SIGINT and SIGTERM handlers within 30 s"
  sleep 0.05
  i=$((i + 1))
done
# Then into the run: the cases are under way when the signal comes.
sleep 0.5
kill -s "$sig" "$run" 2>/dev/null || fail "the run had already ended after 0.5 s; nothing to interrupt"
start=$(date +%s%N)
status=0
wait "$run" || status=$?
run=""
took_ms=$((($(date +%s%N) - start) / 1000000))
echo "interrupt_check: SIG$sig: exit $status after $took_ms ms; $(tail -n 1 "$out/run.log")"
[ "$status" -eq "$want" ] || fail "exit $status, expected $want"
[ "$took_ms" -le 2000 ] || fail "took $took_ms ms to stop, more than 2 s"
[ -s "$out/report/index.html" ] || fail "no index.html"
grep -q 'Incomplete: the run stopped early' "$out/report/index.html" || fail "index.html does not say Incomplete"
grep -q '<property name="incomplete" value="true"/>' "$out/report/junit.xml" ||
  fail "junit.xml has no incomplete property"
"$python" - "$out/report/results.json" "SIG$sig" <<'PY'
import json
import sys

r = json.load(open(sys.argv[1]))
problems = []
if r.get("incomplete") is not True:
    problems.append("results.json lacks \"incomplete\": true")
if not r.get("stopped", "").startswith(sys.argv[2]):
    problems.append("\"stopped\" does not name %s: %r" % (sys.argv[2], r.get("stopped")))
not_run = [c for c in r["cases"] if c.get("not_run")]
if not not_run:
    problems.append("no case is marked not_run")
for c in not_run:
    if c["verdict"] != "error":
        problems.append("%s is not run but %s" % (c["id"], c["verdict"]))
for p in problems:
    print("FAIL: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
echo "interrupt_check: ok"
