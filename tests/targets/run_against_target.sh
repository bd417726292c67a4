#!/bin/sh
# Runs the whole suite against a real third-party server through ci/wsspec-ci.sh, the recipe
# users copy into their CI, as a ctest test:
#   run_against_target.sh WSSPEC BASELINE OUT_DIR COMMAND...
# COMMAND is started by the recipe with a free port appended as its last argument and must
# listen on 127.0.0.1 there. The test passes when the recipe behaves as its users rely on:
# it exits 0 (every case passed or failed only as the baseline, with its RFC reasons,
# accepts), OUT_DIR holds index.html, results.json and junit.xml, wsspec's final
# "N passed, N failed" line was printed, and the server was stopped.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=recipe_checks.sh
. "$here/recipe_checks.sh"

wsspec=$1
baseline=$2
out=$3
shift 3

port=$(free_port)
rm -rf "$out"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# The Autobahn 12.x/13.x counterparts (compression/1000x*) move gigabytes through zlib: they
# have their own benchmark, not a place in every target run.
status=0
WSSPEC=$wsspec WSSPEC_ARGS="--exclude compression/1000x* ${WSSPEC_ARGS:-}" run_recipe "$log" --port "$port" --out "$out" --baseline "$baseline" \
  -- "$@" "$port" || status=$?

expect_status "$log" 0 "$status"
expect_report "$out"
expect_final_line "$log"
expect_server_stopped "$log"
echo "run_against_target: ok (recipe exit 0, report in $out)"
