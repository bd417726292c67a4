#!/bin/sh
# Runs the whole suite against a real third-party server, as a ctest test:
#   run_against_target.sh WSSPEC BASELINE OUT_DIR COMMAND...
# COMMAND is started with the port appended as its last argument; it must print a line
# starting with "listening" once it accepts connections. The server listens on 127.0.0.1 on a
# free port, is stopped by its PID, and the test passes when wsspec exits 0: every case passed
# or failed only as the baseline (with its RFC reasons) accepts.
set -eu
wsspec=$1
baseline=$2
out=$3
shift 3

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
"$@" "$port" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "$log"' EXIT INT TERM

# Wait (at most 30 s) for the server to say it listens.
i=0
until grep -q '^listening' "$log"; do
  i=$((i + 1))
  if [ "$i" -gt 300 ] || ! kill -0 "$server" 2>/dev/null; then
    echo "the target did not start:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done

status=0
"$wsspec" run "ws://127.0.0.1:$port/" --baseline "$baseline" --out "$out" || status=$?
if ! kill -0 "$server" 2>/dev/null; then
  echo "the target died during the run" >&2
  status=1
fi
exit "$status"
