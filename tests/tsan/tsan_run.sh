#!/bin/sh
# The parallel runner under ThreadSanitizer (a ctest test of the tsan preset, two modes):
#   tsan_run.sh WSSPEC complete|interrupted OUT_DIR
# WSSPEC is the TSan-built program. Both modes start `WSSPEC serve --port 0` (also TSan-built)
# on 127.0.0.1, read its URL from its first line, and run against it with --jobs 8:
#   complete     a selection of cases from several areas and all three weights (light; heavy:
#                1 MiB and more on the wire; huge: 8 MiB messages, run alone); the run must
#                exit 0.
#   interrupted  the same selection plus the limits area (9.*: seconds of 1-16 MiB transfers
#                under TSan, so the run is still busy after 1 s on any CI machine), SIGINT
#                about 1 s in, once a first verdict is out (workers mid-case, cases queued):
#                the stop path (harness/run/stop_request.cpp) must end the run with exit 130
#                and reports marked incomplete.
# Then the server is stopped with SIGTERM by its PID and must exit 0. Nothing may have printed
# a ThreadSanitizer report (TSAN_OPTIONS halt_on_error=1 exitcode=66: the first race ends that
# process with 66). Every process started here is stopped by its PID whatever happens; every
# wait is bounded.
set -eu

if [ $# -ne 3 ]; then
  echo "usage: $0 WSSPEC complete|interrupted OUT_DIR" >&2
  exit 2
fi
wsspec=$1
mode=$2
out=$3
case $mode in
  complete | interrupted) ;;
  *) echo "mode must be complete or interrupted" >&2; exit 2 ;;
esac

# allow_addr2line: symbolised stacks even where llvm-symbolizer (package llvm-14) is missing.
TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 allow_addr2line=1"
export TSAN_OPTIONS

# clang 14's TSan aborts at start-up ("FATAL: ThreadSanitizer: unexpected memory mapping") on
# kernels whose vm.mmap_rnd_bits is above 28 (e.g. 32 on recent Ubuntu hosts), because its
# fixed shadow layout assumes the older, smaller randomisation. Running the process with ASLR
# off (setarch -R, this process only, nothing changed on the machine) avoids it everywhere
# and changes nothing TSan detects; where setarch is missing or not permitted, run directly.
if setarch "$(uname -m)" -R true 2>/dev/null; then
  set -- setarch "$(uname -m)" -R "$wsspec"
else
  set -- "$wsspec"
fi

# Several areas, all three weights: light (1.1.*, 2.*, 5.1-5.9, 6.2.*, 7.1.*, 7.9.1, 9.1.1,
# handshake/*, framing/unmasked-*), heavy (9.1.3, 9.2.3, 9.5.6, 9.6.6), huge (9.1.5, 9.2.5).
selection="1.1.* 2.* 5.? 6.2.* 7.1.* 7.9.1 9.1.1 9.1.3 9.2.3 9.5.6 9.6.6 9.1.5 9.2.5
handshake/refuse-key-* handshake/accept-connection-* framing/unmasked-*"
[ "$mode" = complete ] || selection="$selection 9.*"

fail() {
  echo "FAIL ($mode): $*" >&2
  for f in "$out"/serve.err "$out"/run.err; do
    [ -s "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }
  done
  exit 1
}

rm -rf "$out"
mkdir -p "$out"
# Created here, not by the background redirections, so the polls below never miss a file.
: >"$out/serve.out"
: >"$out/serve.err"
: >"$out/run.out"
: >"$out/run.err"
server=""
run=""
cleanup() {
  [ -z "$run" ] || kill -s KILL "$run" 2>/dev/null || true
  [ -z "$server" ] || kill -s KILL "$server" 2>/dev/null || true
}
trap cleanup EXIT

# wait_bounded PID SECONDS: the PID's exit status, or 124 after killing it if it outlives SECONDS.
wait_bounded() {
  wb_i=0
  while kill -0 "$1" 2>/dev/null && [ $wb_i -lt $(($2 * 10)) ]; do
    sleep 0.1
    wb_i=$((wb_i + 1))
  done
  if kill -0 "$1" 2>/dev/null; then
    kill -s KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    return 124
  fi
  wb_status=0
  wait "$1" || wb_status=$?
  return $wb_status
}

no_tsan_report() { # no_tsan_report FILE WHO
  if grep -q 'ThreadSanitizer' "$1"; then
    fail "ThreadSanitizer reported in $2 (the report is below)"
  fi
}

"$@" serve --host 127.0.0.1 --port 0 >"$out/serve.out" 2>"$out/serve.err" &
server=$!
url=""
i=0
while [ $i -lt 150 ]; do
  url=$(sed -n 's|^listening on \(ws://127\.0\.0\.1:[0-9]*/\)$|\1|p' "$out/serve.out" || true)
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
  i=$((i + 1))
done
[ -n "$url" ] || fail "wsspec serve did not print its URL within 15 s"

# shellcheck disable=SC2086 # the selection is a list of patterns, split on purpose
"$@" run "$url" --jobs 8 --cases $selection --out "$out/report" >"$out/run.out" 2>"$out/run.err" &
run=$!

if [ "$mode" = interrupted ]; then
  sleep 1
  i=0
  while ! grep -Eq '^(pass|fail|info|non-strict|unimplemented|error) ' "$out/run.out" &&
    [ $i -lt 300 ]; do
    kill -0 "$run" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
  done
  kill -s INT "$run" 2>/dev/null || fail "the run had already ended before SIGINT; nothing to interrupt"
  want=130
else
  want=0
fi
status=0
wait_bounded "$run" 120 || status=$?
run=""
echo "tsan_run ($mode): wsspec run exited $status; $(tail -n 1 "$out/run.out")"
no_tsan_report "$out/run.err" "wsspec run"
[ "$status" -ne 124 ] || fail "wsspec run still ran after 120 s (killed)"
[ "$status" -eq "$want" ] || fail "wsspec run exited $status, expected $want (its output: $out/run.out)"
if [ "$mode" = interrupted ]; then
  grep -q '<property name="incomplete" value="true"/>' "$out/report/junit.xml" ||
    fail "junit.xml of the interrupted run is not marked incomplete"
  grep -Eq '"not_run": ?true' "$out/report/results.json" ||
    fail "results.json of the interrupted run has no case marked not_run"
fi

kill -s TERM "$server" 2>/dev/null || fail "wsspec serve had died during the run"
status=0
wait_bounded "$server" 20 || status=$?
server=""
no_tsan_report "$out/serve.err" "wsspec serve"
[ "$status" -eq 0 ] || fail "wsspec serve exited $status after SIGTERM, expected 0"
echo "tsan_run ($mode): ok, no ThreadSanitizer report from wsspec run or wsspec serve"
