#!/bin/sh
# Installs what the browser test of the HTML report needs: Debian's Chromium and the npm
# playwright-core pinned in package.json (playwright-core downloads no browser of its own).
# Idempotent: does nothing when both are already there.
set -eu
cd "$(dirname "$0")"

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
missing=""
if [ ! -x /usr/bin/chromium ]; then missing="$missing chromium"; fi
if ! command -v node >/dev/null 2>&1; then missing="$missing nodejs"; fi
if ! command -v npm >/dev/null 2>&1; then missing="$missing npm"; fi
if [ -n "$missing" ]; then
  echo "reports/browser/setup: installing$missing" >&2
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

want=$(sed -n 's/.*"playwright-core": *"\([^"]*\)".*/\1/p' package.json)
if [ ! -f node_modules/playwright-core/package.json ] ||
   ! grep -q "\"version\": \"$want\"" node_modules/playwright-core/package.json; then
  echo "reports/browser/setup: npm ci in tests/reports/browser" >&2
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
