#!/bin/sh
# Drives Debian's headless Chromium through browser_driver.html (the browser's own WebSocket
# client, the Autobahn-style loop) against `wsspec serve-cases`:
#
#   chromium_driver.sh [--agent NAME] URL
#
# The page is opened from file://: Chromium lets a file: page open ws:// connections (Origin:
# null), so no web server is needed. Chromium keeps running after the page is done; the caller
# (run_client.sh) stops this script's process group once serve-cases has exited. The page's
# progress lines come out on stderr (--enable-logging=stderr, "browser_driver: ..."). Exit 77
# when Chromium is not installed (tests/reports/browser/setup.sh installs it).
set -eu

CHROMIUM=${WSSPEC_CHROMIUM:-/usr/bin/chromium}
agent=chromium
if [ "${1:-}" = "--agent" ]; then
  agent=$2
  shift 2
fi
[ $# -eq 1 ] || { echo "usage: chromium_driver.sh [--agent NAME] URL" >&2; exit 2; }
if [ ! -x "$CHROMIUM" ]; then
  echo "SKIP: $CHROMIUM is missing; run tests/reports/browser/setup.sh" >&2
  exit 77
fi

page=$(cd "$(dirname "$0")" && pwd)/browser_driver.html
profile=$(mktemp -d "${TMPDIR:-/tmp}/wsspec-chromium-XXXXXX")
chromium_pid=""
cleanup() {
  if [ -n "$chromium_pid" ]; then
    kill -TERM "$chromium_pid" 2>/dev/null || true
    wait "$chromium_pid" 2>/dev/null || true
  fi
  rm -rf "$profile"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# The flags tests/reports/browser uses (root in CI needs --no-sandbox; nothing networked
# beyond the page's own connections), plus the console on stderr.
"$CHROMIUM" --headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --enable-logging=stderr --v=0 --user-data-dir="$profile" \
  "file://$page?url=$1&agent=$agent" &
chromium_pid=$!
wait "$chromium_pid"
