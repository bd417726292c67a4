#!/bin/sh
# ci/wsspec-ci.sh must fail a CI job for the right reason, with the right exit code, in
# bounded time. One ctest test per way of failing:
#
#   recipe_failures.sh regression WSSPEC OUT_DIR BASELINE COMMAND...
#       A real server (COMMAND, port appended) and its baseline with one entry taken out: the
#       recipe must exit 1 (the failure the baseline no longer accepts is a regression), name
#       that case, still write the report and print wsspec's final line. Only the baseline's
#       own cases run, which keeps it to a second or two.
#   recipe_failures.sh never-listens WSSPEC OUT_DIR
#       A "server" that runs but never listens: exit 3 after --wait (3 s), not later than 10 s,
#       the process stopped.
#   recipe_failures.sh exits-early WSSPEC OUT_DIR
#       A server that exits at once: exit 3 well before --wait runs out, its output shown.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=recipe_checks.sh
. "$here/recipe_checks.sh"

mode=$1
wsspec=$2
out=$3
shift 3

port=$(free_port)
rm -rf "$out"
mkdir -p "$out"
log=$out/recipe.log
status=0

case $mode in
  regression)
    baseline=$1
    shift
    dropped=handshake/refuse-missing-host
    reduced=$out/reduced.baseline.json
    # The ids the baseline accepts (all run), and the baseline without $dropped.
    cases=$(/usr/bin/python3 - "$baseline" "$reduced" "$dropped" <<'EOF'
import json, sys
src, dst, dropped = sys.argv[1:4]
b = json.load(open(src))
ids = [e["id"] for e in b["accepted"]]
if dropped not in ids:
    sys.exit(f"{src} does not list {dropped}; pick another case for this test")
b["accepted"] = [e for e in b["accepted"] if e["id"] != dropped]
json.dump(b, open(dst, "w"), indent=2)
print(",".join(ids))
EOF
)
    WSSPEC=$wsspec WSSPEC_ARGS="--cases $cases" run_recipe "$log" --port "$port" \
      --out "$out/report" --baseline "$reduced" -- "$@" "$port" || status=$?
    expect_status "$log" 1 "$status"
    grep -Eq "^fail +$dropped " "$log" || fail "the output does not name $dropped as failing"
    grep -q "accepted by the baseline" "$log" || fail "the other baseline entries were not accepted"
    /usr/bin/python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
assert j["baseline"]["new_failures"] == [sys.argv[2]], j["baseline"]' \
      "$out/report/results.json" "$dropped" || fail "results.json does not list $dropped as new"
    expect_report "$out/report"
    expect_final_line "$log"
    expect_server_stopped "$log"
    ;;
  never-listens)
    start=$(date +%s)
    WSSPEC=$wsspec run_recipe "$log" --port "$port" --wait 3 --out "$out/report" \
      -- sleep 600 || status=$?
    took=$(($(date +%s) - start))
    expect_status "$log" 3 "$status"
    [ "$took" -le 10 ] || fail "the recipe took $took s to give up (--wait 3)"
    grep -q "nothing listened on 127.0.0.1:$port within 3 s" "$log" || fail "no clear message"
    expect_server_stopped "$log"
    echo "gave up after $took s"
    ;;
  exits-early)
    start=$(date +%s)
    WSSPEC=$wsspec run_recipe "$log" --port "$port" --wait 60 --out "$out/report" \
      -- sh -c 'echo "cannot bind: bad config" >&2; exit 4' || status=$?
    took=$(($(date +%s) - start))
    expect_status "$log" 3 "$status"
    [ "$took" -le 10 ] || fail "the recipe took $took s to see that the server exited"
    grep -q "the server exited (status 4)" "$log" || fail "no clear message"
    grep -q "cannot bind: bad config" "$log" || fail "the server's output is not shown"
    ;;
  *)
    fail "unknown mode '$mode'"
    ;;
esac
echo "recipe_failures $mode: ok (recipe exit $status)"
