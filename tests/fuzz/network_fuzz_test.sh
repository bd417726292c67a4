#!/bin/sh
# `wsspec fuzz` as its users run it, as ctest tests (tests/CMakeLists.txt):
#
#   network_fuzz_test.sh WSSPEC finds-crash OUT_DIR
#     Against tests/targets/fragile_server.py --crash-on-long-control-length, which dies on one
#     frame shape no catalogue case sends (a control frame whose length uses the 16- or 64-bit
#     form), started and restarted by wsspec itself (--server-cmd): with --seed 1 the fuzzer
#     finds the crash within 100 inputs, minimises it, and writes a reproducer that
#     `wsspec run --case-dir` replays: the case fails against a fresh fragile server ("the
#     target died") and passes against `wsspec serve`, which is correct.
#
#   network_fuzz_test.sh WSSPEC finds-hang OUT_DIR
#     The same with --hang-on-long-control-length: after that frame the server accepts
#     connections but answers nothing. The finding is a hang, and its reproducer says so.
#
#   network_fuzz_test.sh WSSPEC finds-deflate-crash OUT_DIR
#     Against fragile_server.py --crash-on-rsv1-continuation, which agrees to permessage-deflate
#     and dies on a continuation frame with RSV1 set once it is agreed: with --seed 1 the
#     fuzzer's compressed inputs find the crash within 300 inputs, the minimised reproducer
#     keeps the offer and a continuation frame with RSV1, replays from its file, fails a fresh
#     fragile server and passes `wsspec serve`.
#
#   network_fuzz_test.sh WSSPEC serve-survives OUT_DIR
#     A bounded run against `wsspec serve` (5000 inputs or 20 s) ends with no finding, having
#     sent compressed inputs (serve agrees to permessage-deflate: at least 100, every one
#     agreed); against `wsspec serve --no-deflate` a short run says the target does not agree
#     and sends none.
#
#   network_fuzz_test.sh WSSPEC wss OUT_DIR
#     Over TLS: python3-websockets behind a self-signed certificate made here (openssl req).
#     With --ca naming that certificate, a bounded run (1000 inputs or 30 s) reaches the target
#     and finds nothing, as over ws:// (a mature server; any finding would be false); without
#     it, certificate verification fails and wsspec fuzz exits 3 saying so, having sent nothing.
#
#   network_fuzz_test.sh WSSPEC usage OUT_DIR
#     Exit codes: a bad URL is 2, a target that cannot be reached is 3, a --server-cmd that
#     exits at once is 3.
#
# Every server started here listens on 127.0.0.1 and is stopped by its PID.
set -eu
wsspec=$1
what=$2
out=$3
here=$(cd "$(dirname "$0")" && pwd)
fragile="$here/../targets/fragile_server.py"
python=/usr/bin/python3

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
free_port() {
  "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# Runs "$@" with its output in $out/$1.log (and shown), sets $status.
logged() {
  name=$1
  shift
  status=0
  "$@" >"$out/$name.log" 2>&1 || status=$?
  cat "$out/$name.log"
}

servers=""
cleanup() {
  for pid in $servers; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

# start_serve: `wsspec serve` on a free port; sets $serve_url.
start_serve() {
  # Created first: the background job opens it only when it gets to run.
  : >"$out/serve.out"
  "$wsspec" serve --host 127.0.0.1 --port 0 "$@" >>"$out/serve.out" 2>&1 &
  servers="$servers $!"
  serve_url=""
  for _ in $(seq 100); do
    serve_url=$(sed -n 's/^listening on //p' "$out/serve.out" | tail -n 1)
    [ -n "$serve_url" ] && return 0
    sleep 0.05
  done
  fail "wsspec serve did not start"
}

# start_fragile PORT FLAG: the fragile server with --FLAG; returns once it listens.
start_fragile() {
  : >"$out/fragile-$1.out"
  "$python" "$fragile" "$1" "--$2" >>"$out/fragile-$1.out" 2>&1 &
  servers="$servers $!"
  for _ in $(seq 100); do
    grep -q '^listening' "$out/fragile-$1.out" && return 0
    sleep 0.05
  done
  fail "fragile_server.py did not start"
}

rm -rf "$out"
mkdir -p "$out"

case $what in
finds-crash | finds-hang)
  kind=${what#finds-}
  port=$(free_port)
  findings="$out/findings"
  logged fuzz "$wsspec" fuzz "ws://127.0.0.1:$port/" --seed 1 --max-cases 100 --duration 90 \
    --out "$findings" \
    --server-cmd "$python $fragile $port --$kind-on-long-control-length"
  [ "$status" -eq 1 ] || fail "wsspec fuzz exited $status, expected 1 (findings)"
  crash=$(ls "$findings"/"$kind"-s1-i*.json 2>/dev/null | head -n 1)
  [ -n "$crash" ] || fail "no $kind-s1-i*.json in $findings"
  grep -q '"check_alive": true' "$crash" || fail "$crash does not check liveness"
  grep -Eq '"length_form": "(16|64)"' "$crash" ||
    fail "the minimised $kind has no non-minimal length form: $(cat "$crash")"
  grep -A8 "^$kind at input" "$findings/fuzz-run.txt" | grep -q 'reproduced from the file: yes' ||
    fail "fuzz-run.txt does not say the $kind reproduced from its file"
  grep -q '^fuzz: [0-9]* inputs in .* finding(s)' "$out/fuzz.log" || fail "no final fuzz: line"
  # The process wsspec started for the target must be gone.
  if "$python" -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $port)))"; then
    fail "something still listens on $port after wsspec fuzz returned"
  fi

  id=$(sed -n 's/^  "id": "\(.*\)",$/\1/p' "$crash")
  port2=$(free_port)
  start_fragile "$port2" "$kind-on-long-control-length"
  logged replay-fragile "$wsspec" run "ws://127.0.0.1:$port2/" --case-dir "$findings" --cases "$id"
  [ "$status" -eq 1 ] || fail "the reproducer exited $status against the fragile server, expected 1"
  said="the target died"
  [ "$kind" = hang ] && said="the target hangs"
  grep -q "$said" "$out/replay-fragile.log" || fail "the reproducer did not say $said"

  start_serve
  logged replay-serve "$wsspec" run "$serve_url" --case-dir "$findings" --cases "$id"
  [ "$status" -eq 0 ] || fail "the reproducer failed wsspec serve (exit $status): a false finding"
  echo "network_fuzz_test $what: ok ($crash)"
  ;;
finds-deflate-crash)
  port=$(free_port)
  findings="$out/findings"
  logged fuzz "$wsspec" fuzz "ws://127.0.0.1:$port/" --seed 1 --max-cases 300 --duration 90 \
    --out "$findings" --server-cmd "$python $fragile $port --crash-on-rsv1-continuation"
  [ "$status" -eq 1 ] || fail "wsspec fuzz exited $status, expected 1 (findings)"
  grep -q '^fuzz: the target agrees to permessage-deflate' "$out/fuzz.log" ||
    fail "the fuzzer did not find that the fragile server agrees to permessage-deflate"
  crash=$(ls "$findings"/crash-s1-i*.json 2>/dev/null | head -n 1)
  [ -n "$crash" ] || fail "no crash-s1-i*.json in $findings"
  grep -q '"deflate": "permessage-deflate' "$crash" ||
    fail "the minimised crash lost its permessage-deflate offer: $(cat "$crash")"
  # The bug's frame, whatever else the minimiser left: a continuation frame with RSV1.
  "$python" - "$crash" <<'PY' || fail "no continuation frame with RSV1 in $crash: $(cat "$crash")"
import json, sys
steps = json.load(open(sys.argv[1]))["steps"]
frames = [s["send_frame"] for s in steps if "send_frame" in s]
sys.exit(0 if any(f["opcode"] in ("continuation", 0) and f.get("rsv", 0) & 4 for f in frames) else 1)
PY
  grep -A8 "^crash at input" "$findings/fuzz-run.txt" | grep -q 'reproduced from the file: yes' ||
    fail "fuzz-run.txt does not say the crash reproduced from its file"

  id=$(sed -n 's/^  "id": "\(.*\)",$/\1/p' "$crash")
  port2=$(free_port)
  start_fragile "$port2" crash-on-rsv1-continuation
  logged replay-fragile "$wsspec" run "ws://127.0.0.1:$port2/" --case-dir "$findings" --cases "$id"
  [ "$status" -eq 1 ] || fail "the reproducer exited $status against the fragile server, expected 1"
  grep -q "the target died" "$out/replay-fragile.log" || fail "the reproducer did not say the target died"
  start_serve
  logged replay-serve "$wsspec" run "$serve_url" --case-dir "$findings" --cases "$id"
  [ "$status" -eq 0 ] || fail "the reproducer failed wsspec serve (exit $status): a false finding"
  echo "network_fuzz_test $what: ok ($crash)"
  ;;
serve-survives)
  start_serve
  logged fuzz "$wsspec" fuzz "$serve_url" --seed 1 --max-cases 5000 --duration 20 --out "$out/findings"
  [ "$status" -eq 0 ] || fail "wsspec fuzz found something in wsspec serve (exit $status)"
  grep -q ': 0 finding(s)$' "$out/fuzz.log" || fail "the final line does not say 0 findings"
  if ls "$out/findings"/*.json >/dev/null 2>&1; then fail "finding files were written"; fi
  grep -q '^fuzz: the target agrees to permessage-deflate' "$out/fuzz.log" ||
    fail "the fuzzer did not find that wsspec serve agrees to permessage-deflate"
  counts=$(sed -n 's/^fuzz: permessage-deflate: \([0-9]*\) compressed input(s), agreed in \([0-9]*\)$/\1 \2/p' \
    "$out/fuzz.log")
  [ -n "$counts" ] || fail "no permessage-deflate line"
  set -- $counts
  [ "$1" -ge 100 ] || fail "only $1 compressed inputs"
  [ "$1" -eq "$2" ] || fail "wsspec serve agreed to permessage-deflate in $2 of $1 compressed inputs"
  grep -q "^$(sed -n 's/^fuzz: permessage-deflate: .*/&/p' "$out/fuzz.log")\$" \
    "$out/findings/fuzz-run.txt" || fail "fuzz-run.txt does not have the permessage-deflate line"
  compressed=$1

  # A target that declines: no compressed input at all.
  kill "${servers##* }" 2>/dev/null || true
  start_serve --no-deflate
  logged fuzz-no-deflate "$wsspec" fuzz "$serve_url" --seed 1 --max-cases 300 --duration 5 \
    --out "$out/no-deflate"
  [ "$status" -eq 0 ] || fail "wsspec fuzz found something in wsspec serve --no-deflate (exit $status)"
  grep -q '^fuzz: the target does not agree to permessage-deflate' "$out/fuzz-no-deflate.log" ||
    fail "the fuzzer did not say that serve --no-deflate declines"
  grep -q '^fuzz: permessage-deflate: 0 compressed input(s), agreed in 0 (the target did not agree when asked)$' \
    "$out/fuzz-no-deflate.log" || fail "compressed inputs sent to a target that declines"
  echo "network_fuzz_test serve-survives: ok ($compressed compressed inputs)"
  ;;
wss)
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$out/key.pem" -out "$out/cert.pem" >"$out/openssl.log" 2>&1 ||
    fail "openssl could not make a certificate: $(cat "$out/openssl.log")"
  port=$(free_port)
  : >"$out/echo.out"
  "$python" "$here/../targets/python_websockets_echo.py" "$port" "$out/cert.pem" "$out/key.pem" \
    >>"$out/echo.out" 2>&1 &
  servers="$servers $!"
  for _ in $(seq 100); do
    grep -q '^listening' "$out/echo.out" && break
    sleep 0.05
  done
  grep -q '^listening' "$out/echo.out" || fail "the TLS echo server did not start: $(cat "$out/echo.out")"
  logged fuzz "$wsspec" fuzz "wss://127.0.0.1:$port/" --ca "$out/cert.pem" --seed 1 \
    --max-cases 1000 --duration 30 --out "$out/findings"
  [ "$status" -eq 0 ] || fail "wsspec fuzz over wss:// exited $status, expected 0 (no finding)"
  inputs=$(sed -n 's/^fuzz: \([0-9]*\) inputs in .*: 0 finding(s)$/\1/p' "$out/fuzz.log")
  [ -n "$inputs" ] || fail "the final line does not say how many inputs and 0 findings"
  # The duration bounds the run on a loaded machine; a few hundred inputs still prove that TLS
  # carried the fuzzer's traffic, a failing handshake would have stopped it at the first.
  [ "$inputs" -ge 100 ] || fail "only $inputs inputs over wss:// in 30 s"
  logged unverified "$wsspec" fuzz "wss://127.0.0.1:$port/" --seed 1 --max-cases 10 --duration 5 \
    --out "$out/unverified"
  [ "$status" -eq 3 ] || fail "an unverifiable certificate exited $status, expected 3"
  grep -q 'certificate verification failed' "$out/unverified.log" ||
    fail "no reason given for the refused certificate"
  echo "network_fuzz_test wss: ok ($inputs inputs)"
  ;;
usage)
  logged bad-url "$wsspec" fuzz "http://127.0.0.1:1/" --duration 1
  [ "$status" -eq 2 ] || fail "a bad URL exited $status, expected 2"
  port=$(free_port)
  logged unreachable "$wsspec" fuzz "ws://127.0.0.1:$port/" --duration 1
  [ "$status" -eq 3 ] || fail "an unreachable target exited $status, expected 3"
  logged exits "$wsspec" fuzz "ws://127.0.0.1:$port/" --duration 1 --out "$out/x" --server-cmd "exit 4"
  [ "$status" -eq 3 ] || fail "a --server-cmd that exits exited $status, expected 3"
  grep -q 'exited before it served' "$out/exits.log" || fail "no reason given for the dead server"
  echo "network_fuzz_test usage: ok"
  ;;
*)
  fail "unknown test $what"
  ;;
esac
