#!/bin/sh
# The compression cases against the reference server, as a ctest test:
#   compression_area_check.sh WSSPEC PATTERNS OUT_DIR [EXCLUDE]
# starts `WSSPEC serve --port 0`, runs `WSSPEC run URL --cases PATTERNS --strict --out OUT_DIR`
# (and --exclude EXCLUDE when given) and checks that every case `WSSPEC list` selects with the
# same patterns ran and passed or is info (serve negotiates
# permessage-deflate, so none may be unimplemented), that the run exited 0, and that
# results.json records a compression ratio for each case that sent compressed messages. The
# optimised build runs the whole area, the sanitizer builds a subset (tests/CMakeLists.txt).
set -eu

if [ $# -ne 3 ] && [ $# -ne 4 ]; then
  echo "usage: $0 WSSPEC PATTERNS OUT_DIR [EXCLUDE]" >&2
  exit 2
fi
wsspec=$1
patterns=$2
out=$3
exclude=${4:-}
python=/usr/bin/python3

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

rm -rf "$out"
mkdir -p "$out"
count=$("$wsspec" list --json --cases "$patterns" ${exclude:+--exclude "$exclude"} |
  "$python" -c 'import json, sys; print(len(json.load(sys.stdin)["cases"]))')
[ "$count" -gt 0 ] || fail "no case matches $patterns"
log=$out/server.log
: >"$log"  # created first: the background job opens it only once it runs
"$wsspec" serve --host 127.0.0.1 --port 0 >"$log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap cleanup EXIT

url=""
i=0
while [ $i -lt 100 ]; do
  url=$(sed -n 's|^listening on \(ws://[^ ]*\).*|\1|p' "$log" | head -n 1)
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
  i=$((i + 1))
done
[ -n "$url" ] || fail "wsspec serve did not print its URL within 10 s: $(cat "$log")"

status=0
"$wsspec" run "$url" --cases "$patterns" ${exclude:+--exclude "$exclude"} --strict \
  --out "$out/report" >"$out/run.log" 2>&1 ||
  status=$?
tail -n 3 "$out/run.log"
[ "$status" -eq 0 ] || fail "wsspec run exited $status (log: $out/run.log)"
last=$(tail -n 1 "$out/run.log")
[ "$last" = "$count passed, 0 failed" ] || fail "expected '$count passed, 0 failed', got '$last'"

"$python" - "$out/report/results.json" "$count" <<'EOF'
import json
import sys

results = json.load(open(sys.argv[1]))
cases = results["cases"]
assert len(cases) == int(sys.argv[2]), "%d cases in results.json" % len(cases)
# info: payloads no sender's rules produce, which serve refuses (the cases say why).
bad = [(c["id"], c["verdict"]) for c in cases if c["verdict"] not in ("pass", "info")]
assert not bad, "neither pass nor info: %s" % bad
# Every case that sent compressed messages states its ratio; an echo case states both ways.
def ratio_missing(c):
    z = c.get("compression")
    if z is None:
        return False
    if z["sent_bytes"] and not isinstance(z["sent_ratio"], float):
        return True
    return c["id"].startswith("compression/1000x") and not isinstance(z["received_ratio"], float)
missing = [c["id"] for c in cases if ratio_missing(c)]
assert not missing, "no compression ratio: %s" % missing
echoed = sum(1 for c in cases if c.get("compression", {}).get("received_ratio"))
assert echoed > 0, "no case recorded the ratio of compressed echoes"
print("compression_area_check: %d cases passed against wsspec serve" % len(cases))
EOF
