#!/bin/sh
# wsspec-ci.sh: run wsspec against your WebSocket server in CI. Copy this file into your
# repository; it needs only a POSIX shell, the wsspec binary and one port probe (see below).
#
#   wsspec-ci.sh [OPTIONS] [-- SERVER_COMMAND [ARG...]]
#
# It starts SERVER_COMMAND in the background, waits (bounded) until something accepts TCP
# connections on the port, runs `wsspec run URL --out DIR [--baseline FILE]`, stops the server
# by its PID whatever happened, and exits with wsspec's exit code:
#
#   0  every case passed, or failed only as the baseline accepts
#   1  a regression: a case failed that the baseline does not accept (or the server died)
#   2  bad usage: a bad option, case or baseline file, no wsspec, or the port was already taken
#   3  the server never came up (exited, or did not listen within --wait seconds), or wsspec
#      could not reach it
#
# Without SERVER_COMMAND it only waits for the port and runs wsspec: use that when the server
# is started by another step (a service container, docker compose, ...).
#
# Options (each has an environment variable; an option wins over its variable):
#   --url URL          WSSPEC_URL         the server's WebSocket URL; default ws://HOST:PORT/
#   --host HOST        WSSPEC_HOST        where to wait for the port; default: the URL's host,
#                                         else 127.0.0.1
#   --port PORT        WSSPEC_PORT        the port to wait for; default: the URL's port
#   --out DIR          WSSPEC_OUT         report folder (index.html, results.json, junit.xml,
#                                         server.log); default wsspec-report
#   --baseline FILE    WSSPEC_BASELINE    accepted non-pass verdicts (docs/baseline.md)
#   --wait SECONDS     WSSPEC_WAIT        how long the server may take to listen; default 60
#   --server-log FILE  WSSPEC_SERVER_LOG  the server's stdout and stderr; default DIR/server.log
#   --wsspec PATH      WSSPEC             the wsspec program; default: wsspec on PATH
#                      WSSPEC_ARGS        more arguments for `wsspec run`, split at blanks,
#                                         not glob-expanded: "--cases 1.*,handshake/* --jobs 2"
#                      WSSPEC_PROBE       force the port probe: bash, python3 or nc
#
# Example:
#   WSSPEC_BASELINE=ci/wsspec.baseline.json ci/wsspec-ci.sh --port 9001 -- node server.js 9001
#
# The port probe: a TCP connect to HOST:PORT, tried every 0.2 s until --wait runs out. POSIX sh
# cannot open a socket itself, so the first of these found is used: bash (its /dev/tcp
# redirection; bash is on every GitHub, GitLab and Debian/Ubuntu image), python3, nc -z.
# A port that accepts TCP means the server is listening; wsspec then checks the WebSocket
# handshake itself and exits 3 if the server does not speak it.
set -u

me="wsspec-ci"
say() { printf '%s: %s\n' "$me" "$*"; }
die() { # die CODE MESSAGE
  code=$1
  shift
  printf '%s: %s\n' "$me" "$*" >&2
  exit "$code"
}

url=${WSSPEC_URL:-}
host=${WSSPEC_HOST:-}
port=${WSSPEC_PORT:-}
out=${WSSPEC_OUT:-wsspec-report}
baseline=${WSSPEC_BASELINE:-}
wait_s=${WSSPEC_WAIT:-60}
server_log=${WSSPEC_SERVER_LOG:-}
wsspec=${WSSPEC:-wsspec}
extra_args=${WSSPEC_ARGS:-}
probe_tool=${WSSPEC_PROBE:-}

usage() {
  sed -n '2,/^set -u/p' "$0" | sed -e '/^set -u/d' -e 's/^# \{0,1\}//'
}

need_value() { # need_value OPTION "$#": an option that takes a value must have one
  [ "$2" -ge 2 ] || die 2 "$1 needs a value (see --help)"
}

while [ $# -gt 0 ]; do
  case $1 in
    --url) need_value "$1" $#; url=$2; shift 2 ;;
    --host) need_value "$1" $#; host=$2; shift 2 ;;
    --port) need_value "$1" $#; port=$2; shift 2 ;;
    --out) need_value "$1" $#; out=$2; shift 2 ;;
    --baseline) need_value "$1" $#; baseline=$2; shift 2 ;;
    --wait) need_value "$1" $#; wait_s=$2; shift 2 ;;
    --server-log) need_value "$1" $#; server_log=$2; shift 2 ;;
    --wsspec) need_value "$1" $#; wsspec=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    *) die 2 "unknown option '$1' (the server command goes after --; see --help)" ;;
  esac
done
# What is left in "$@" is the server command (possibly empty).

# --- Where to connect: the URL gives host and port unless they are given apart. -----------
if [ -n "$url" ]; then
  case $url in
    ws://*) scheme_port=80; rest=${url#ws://} ;;
    wss://*) scheme_port=443; rest=${url#wss://} ;;
    *) die 2 "--url must start with ws:// or wss:// (got '$url')" ;;
  esac
  authority=${rest%%/*}
  authority=${authority%%\?*}
  case $authority in
    \[*\]:*) url_host=${authority%%]*}; url_host=${url_host#\[}; url_port=${authority##*]:} ;;
    \[*\]) url_host=${authority#\[}; url_host=${url_host%]}; url_port=$scheme_port ;;
    *:*) url_host=${authority%:*}; url_port=${authority##*:} ;;
    *) url_host=$authority; url_port=$scheme_port ;;
  esac
  [ -n "$host" ] || host=$url_host
  [ -n "$port" ] || port=$url_port
else
  [ -n "$port" ] || die 2 "give --url URL or --port PORT (see --help)"
  [ -n "$host" ] || host=127.0.0.1
  case $host in
    *:*) url="ws://[$host]:$port/" ;;  # an IPv6 address needs brackets in a URL
    *) url="ws://$host:$port/" ;;
  esac
fi
case $port in
  '' | *[!0-9]*) die 2 "the port must be a number (got '$port')" ;;
esac
case $wait_s in
  '' | *[!0-9]*) die 2 "--wait must be a whole number of seconds (got '$wait_s')" ;;
esac
[ -n "$server_log" ] || server_log=$out/server.log

# Resolve wsspec before starting anything, so a missing binary is a usage error, not a
# server that was started for nothing.
command -v "$wsspec" >/dev/null 2>&1 || die 2 "wsspec not found: '$wsspec' (set WSSPEC or --wsspec)"
if [ -n "$baseline" ] && [ ! -r "$baseline" ]; then
  die 2 "cannot read the baseline '$baseline'"
fi

# --- The port probe. ------------------------------------------------------------------------
if [ -z "$probe_tool" ]; then
  for t in bash python3 nc; do
    if command -v "$t" >/dev/null 2>&1; then probe_tool=$t; break; fi
  done
  [ -n "$probe_tool" ] || die 2 "no port probe found: install bash, python3 or nc"
fi
# A connect to a closed local port fails at once; a remote host that drops packets would hang
# a probe, so each attempt gets its own 2 s limit (coreutils' timeout when present).
has_timeout=no
if command -v timeout >/dev/null 2>&1; then has_timeout=yes; fi
limited() { if [ "$has_timeout" = yes ]; then timeout 2 "$@"; else "$@"; fi; }
# In the bash script, $1 and $2 are bash's own arguments (host, port), not expanded here.
# shellcheck disable=SC2016
probe() {
  case $probe_tool in
    bash) limited bash -c 'exec 3<>"/dev/tcp/$1/$2"' probe "$host" "$port" 2>/dev/null ;;
    python3)
      python3 -c 'import socket, sys
socket.create_connection((sys.argv[1], int(sys.argv[2])), 2).close()' "$host" "$port" 2>/dev/null ;;
    nc) nc -z -w 2 "$host" "$port" 2>/dev/null ;;
    *) die 2 "unknown WSSPEC_PROBE '$probe_tool' (bash, python3 or nc)" ;;
  esac
}
nap() { sleep 0.2 2>/dev/null || sleep 1; }  # fractional sleep is common, not POSIX

# --- The server: started in its own process group, stopped by its PID on every exit. -------
server_pid=""
group_kill=no
# Called by the EXIT trap (shellcheck cannot see that).
# shellcheck disable=SC2317
stop_server() {
  [ -n "$server_pid" ] || return 0
  pid=$server_pid
  server_pid=""
  if kill -0 "$pid" 2>/dev/null; then
    # The whole group when setsid made one (a wrapper such as `npm start` leaves its real
    # server as a child), else the process; KILL after 10 s of being ignored.
    if [ "$group_kill" = yes ]; then kill -s TERM -- "-$pid" 2>/dev/null || kill -s TERM "$pid" 2>/dev/null
    else kill -s TERM "$pid" 2>/dev/null; fi
    i=0
    while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do
      nap
      i=$((i + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "the server (PID $pid) ignored SIGTERM for 10 s: sending SIGKILL"
      if [ "$group_kill" = yes ]; then kill -s KILL -- "-$pid" 2>/dev/null; fi
      kill -s KILL "$pid" 2>/dev/null
    fi
  fi
  wait "$pid" 2>/dev/null
  say "stopped the server (PID $pid)"
}
trap 'stop_server' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

elapsed_since() { # seconds since $1 (date +%s, in GNU, BusyBox and BSD date)
  now=$(date +%s)
  echo $((now - $1))
}

mkdir -p "$out" || die 2 "cannot create the report folder '$out'"

if [ $# -gt 0 ]; then
  # Something already on the port would be tested instead of the server about to start.
  if probe; then
    die 2 "something already accepts connections on $host:$port; stop it or use another port"
  fi
  if command -v setsid >/dev/null 2>&1; then
    setsid "$@" >"$server_log" 2>&1 </dev/null &
    group_kill=yes
  else
    "$@" >"$server_log" 2>&1 </dev/null &
  fi
  server_pid=$!
  say "started the server (PID $server_pid): $*"
  say "its output goes to $server_log"
fi

# --- Wait for the port: bounded, polling, failing early when the server exits. -------------
say "waiting up to $wait_s s for $host:$port (probe: $probe_tool)"
start=$(date +%s)
until probe; do
  if [ -n "$server_pid" ] && ! kill -0 "$server_pid" 2>/dev/null; then
    wait "$server_pid" 2>/dev/null
    code=$?
    server_pid=""
    printf '%s: the server exited (status %s) before listening on %s:%s; its output:\n' \
      "$me" "$code" "$host" "$port" >&2
    tail -n 50 "$server_log" >&2
    exit 3
  fi
  if [ "$(elapsed_since "$start")" -gt "$wait_s" ]; then
    printf '%s: nothing listened on %s:%s within %s s\n' "$me" "$host" "$port" "$wait_s" >&2
    if [ -n "$server_pid" ]; then
      echo "$me: the server's output so far:" >&2
      tail -n 50 "$server_log" >&2
    fi
    exit 3
  fi
  nap
done
say "$host:$port is listening after $(elapsed_since "$start") s"

# --- Run wsspec. It prints one line per case and, last, "N passed, N failed". ---------------
set -- run "$url" --out "$out"
if [ -n "$baseline" ]; then set -- "$@" --baseline "$baseline"; fi
set -f  # WSSPEC_ARGS holds case patterns such as 1.*: split it, never glob it
# shellcheck disable=SC2086
set -- "$@" $extra_args
set +f
say "running: $wsspec $*"
"$wsspec" "$@"
status=$?

if [ -n "$server_pid" ] && ! kill -0 "$server_pid" 2>/dev/null; then
  wait "$server_pid" 2>/dev/null
  echo "$me: the server died during the run (exit status $?); the end of its output:" >&2
  tail -n 50 "$server_log" >&2
  server_pid=""
  [ "$status" -ne 0 ] || status=1
fi

case $status in
  0) say "no regressions" ;;
  1) say "regression: a case failed that the baseline does not accept (lines above)" ;;
  2) say "wsspec refused its arguments, a case file or the baseline (message above)" ;;
  3) say "wsspec could not reach $url" ;;
  *) say "wsspec ended with status $status" ;;
esac
if [ -f "$out/index.html" ]; then
  say "report: $out/index.html (results.json and junit.xml beside it)"
fi
exit "$status"
