#!/bin/sh
# Installs the third-party WebSocket servers wsspec's own tests run the suite against:
# python3-websockets (Debian), the npm `ws` package pinned in tests/targets/package.json, and
# the newest `ws` 8.x in tests/targets/ws-latest (`npm install` of "ws": "^8", no lock file).
# Idempotent: does nothing when all are already there (an existing ws-latest install is kept
# even if a newer 8.x has come out since: delete tests/targets/ws-latest/node_modules to update).
set -eu
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
missing=""
if ! dpkg-query -W -f='${Status}' python3-websockets 2>/dev/null | grep -q "install ok installed"; then
  missing="$missing python3-websockets"
fi
# Any Node.js will do for `ws` 8 (it needs >= 10); use Debian's when the machine has none.
if ! command -v node >/dev/null 2>&1; then missing="$missing nodejs"; fi
if ! command -v npm >/dev/null 2>&1; then missing="$missing npm"; fi
if [ -n "$missing" ]; then
  echo "setup-targets: installing$missing" >&2
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -f tests/targets/node_modules/ws/package.json ] ||
   ! grep -q '"version": "8.18.3"' tests/targets/node_modules/ws/package.json; then
  echo "setup-targets: npm ci in tests/targets" >&2
  (cd tests/targets && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

if [ ! -f tests/targets/ws-latest/node_modules/ws/package.json ]; then
  echo "setup-targets: npm install (newest ws 8.x) in tests/targets/ws-latest" >&2
  (cd tests/targets/ws-latest && npm install --no-audit --no-fund --no-package-lock --loglevel=error >/dev/null)
fi
