#!/usr/bin/env bash
# Backquotes in single quotes in this file are Markdown, not command substitution:
# shellcheck disable=SC2016
# The GitHub Action (action.yml + ci/action/) run here as a runner would run it
# (run_composite_action.py: the steps, their env, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, the
# artifact upload simulated), with the build skipped by the input `wsspec` (the wsspec built
# by this tree). One ctest test per mode:
#
#   action_check.sh passes WSSPEC OUT     wsspec serve, --strict: the job passes (exit 0), the
#                                         summary's counts row is exact, no failing case, the
#                                         outputs and the uploaded report are complete
#   action_check.sh fails WSSPEC OUT      broken_server.py --defect accepts-unmasked: the job
#                                         fails with 1, the summary's table has exactly the
#                                         failing cases, its header and a row byte for byte
#   action_check.sh baseline WSSPEC OUT   the same server with a baseline accepting every
#                                         failure: exit 0, rows marked accepted; with one entry
#                                         taken out: exit 1, that case first, marked new
#   action_check.sh no-server WSSPEC OUT  a server that never listens: exit 3 within --wait, a
#                                         summary that says so; a bad input: exit 2
#   action_check.sh escaping WSSPEC OUT   summary.py on a results.json full of markup: the
#                                         whole summary byte for byte (nothing the server sent
#                                         can add HTML, links or table cells)
set -euo pipefail

mode=$1
wsspec=$(realpath "$2")
out=$3
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
targets="$src/tests/targets"
python=/usr/bin/python3

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

free_port() {
  $python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

rm -rf "$out"
mkdir -p "$out/.runner-temp"
out=$(cd "$out" && pwd)
summary="$out/.runner-temp/step_summary.md"

# run_action LOG INPUT=VALUE...: the action in workspace $out; returns the job's status.
run_action() {
  local log=$1
  shift
  local args=() status=0
  for kv in "$@"; do args+=(--input "$kv"); done
  : >"$summary"
  RUNNER_TEMP="$out/.runner-temp" timeout 120 $python "$here/run_composite_action.py" "$src" "$out" \
    --input "wsspec=$wsspec" "${args[@]}" >"$log" 2>&1 || status=$?
  cat "$log"
  echo "--- job summary:"
  cat "$summary"
  return "$status"
}

expect_status() { # expect_status WANTED GOT
  [ "$2" -eq "$1" ] || fail "the job ended with $2, expected $1 (its output is above)"
}

has_line() { # has_line FILE LINE: LINE is one whole line of FILE, byte for byte
  grep -Fxq -- "$2" "$1" || fail "no line '$2' in $1"
}

output_of() { # output_of NAME: the run step's output NAME
  sed -n "s/^$1=//p" "$out/.runner-temp/output-1" | tail -n 1
}

table_header='| case | Autobahn | verdict | baseline | reason |'

# The summary's rows of the failing-cases table, the case ids in order.
table_ids() {
  sed -n 's/^| `\([^`]*\)` | .*/\1/p' "$summary"
}

# A row as summary.py must write it, with the reason read from results.json: the test does
# not restate the judge's wording, only how a row is made of it.
expected_row() { # expected_row ID BASELINE_COLUMN
  $python - "$out/wsspec-report/results.json" "$1" "$2" <<'EOF'
import json, sys
results, wanted, column = sys.argv[1:4]
case = next(c for c in json.load(open(results))["cases"] if c["id"] == wanted)
reason = " ".join(case["reason"].split())
if len(reason) > 300:  # summary.py cuts a reason at 300 characters
    reason = reason[:299] + "…"
reason = reason.replace("|", "\\|")
print(f"| `{wanted}` | {case['autobahn'] or '–'} | {case['verdict']} | {column} | {reason} |")
EOF
}

broken_server_inputs() { # the accepts-unmasked server and its cases, for port $1
  echo "server-command=$python $targets/broken_server.py --defect accepts-unmasked --port $1"
  echo "port=$1"
  echo "cases=framing/unmasked-*,1.1.1"
}

case $mode in
  passes)
    port=$(free_port)
    # Every case here passes against serve; the one left out is info (recorded, not judged).
    cases='1.1.*,handshake/*'
    exclude='handshake/frame-with-request'
    n=$("$wsspec" list --json --cases "$cases" --exclude "$exclude" |
      $python -c 'import json,sys; print(len(json.load(sys.stdin)["cases"]))')
    [ "$n" -gt 20 ] || fail "only $n cases in $cases"
    status=0
    run_action "$out/job.log" "server-command=$wsspec serve --port $port" "port=$port" \
      "cases=$cases" "exclude=$exclude" strict=true || status=$?
    expect_status 0 "$status"
    has_line "$summary" "### wsspec: passed"
    has_line "$summary" "| pass | non-strict | info | unimplemented | fail | error |"
    has_line "$summary" "| $n | 0 | 0 | 0 | 0 | 0 |"
    has_line "$summary" "No failing cases."
    grep -q -- "--strict" "$out/wsspec-report/wsspec-run.log" || fail "strict: true did not pass --strict"
    [ "$(output_of exit-code)" = 0 ] || fail "output exit-code is not 0"
    [ "$(output_of pass)" = "$n" ] || fail "output pass is not $n"
    [ "$(output_of fail)" = 0 ] || fail "output fail is not 0"
    [ "$(output_of report-dir)" = "$out/wsspec-report" ] || fail "output report-dir is wrong"
    for f in index.html results.json junit.xml server.log wsspec-run.log; do
      [ -s "$out/.runner-temp/artifacts/wsspec-report/$f" ] || fail "the artifact has no $f"
    done
    grep -q "listening on ws://127.0.0.1:$port/" "$out/wsspec-report/server.log" ||
      fail "server.log does not hold the server's output"
    ;;
  fails)
    port=$(free_port)
    status=0
    mapfile -t inputs < <(broken_server_inputs "$port")
    run_action "$out/job.log" "${inputs[@]}" || status=$?
    expect_status 1 "$status"
    has_line "$summary" "### wsspec: failed"
    has_line "$summary" "#### Failing cases (12)"
    has_line "$summary" "$table_header"
    has_line "$summary" "$(expected_row framing/unmasked-text –)"
    # Exactly the failing cases, each once: every framing/unmasked-* case, not the passing 1.1.1.
    want=$("$wsspec" list --json --cases 'framing/unmasked-*' |
      $python -c 'import json,sys; print("\n".join(sorted(c["id"] for c in json.load(sys.stdin)["cases"])))')
    [ "$(table_ids | sort)" = "$want" ] || fail "the table's cases are not the 12 failing ones"
    [ "$(output_of exit-code)" = 1 ] || fail "output exit-code is not 1"
    [ "$(output_of fail)" = 12 ] || fail "output fail is not 12"
    grep -q "^::error title=wsspec::wsspec exited 1" "$out/job.log" || fail "no error annotation"
    [ -s "$out/.runner-temp/artifacts/wsspec-report/index.html" ] ||
      fail "the report was not uploaded when the job failed"
    ;;
  baseline)
    # A first run, to learn the failures; then a baseline accepting all of them.
    port=$(free_port)
    mapfile -t inputs < <(broken_server_inputs "$port")
    status=0
    run_action "$out/first.log" "${inputs[@]}" || status=$?
    expect_status 1 "$status"
    dropped=framing/unmasked-text
    $python - "$out/wsspec-report/results.json" "$out/all.baseline.json" "$out/reduced.baseline.json" \
      "$dropped" <<'EOF'
import json, sys
results, all_path, reduced_path, dropped = sys.argv[1:5]
accepted = [{"id": c["id"], "verdict": c["verdict"],
             "reason": "planted defect: processes unmasked frames (RFC 6455 5.1)"}
            for c in json.load(open(results))["cases"] if c["verdict"] == "fail"]
assert len(accepted) == 12, accepted
json.dump({"target": "broken_server.py accepts-unmasked", "accepted": accepted}, open(all_path, "w"))
json.dump({"accepted": [e for e in accepted if e["id"] != dropped]}, open(reduced_path, "w"))
EOF
    port=$(free_port)
    mapfile -t inputs < <(broken_server_inputs "$port")
    status=0
    run_action "$out/accepted.log" "${inputs[@]}" baseline=all.baseline.json || status=$?
    expect_status 0 "$status"
    has_line "$summary" "### wsspec: passed"
    has_line "$summary" '#### Failing cases (12, 12 accepted by the baseline `all.baseline.json`)'
    has_line "$summary" "$table_header"
    has_line "$summary" "$(expected_row framing/unmasked-text accepted)"
    [ "$(output_of new_failures)" = 0 ] || fail "output new_failures is not 0"

    port=$(free_port)
    mapfile -t inputs < <(broken_server_inputs "$port")
    status=0
    run_action "$out/reduced.log" "${inputs[@]}" baseline=reduced.baseline.json || status=$?
    expect_status 1 "$status"
    has_line "$summary" '#### Failing cases (12, 11 accepted by the baseline `reduced.baseline.json`)'
    has_line "$summary" "$(expected_row "$dropped" '**new**')"
    [ "$(table_ids | head -n 1)" = "$dropped" ] || fail "the new failure is not the first row"
    [ "$(output_of new_failures)" = 1 ] || fail "output new_failures is not 1"
    ;;
  no-server)
    port=$(free_port)
    start=$(date +%s)
    status=0
    run_action "$out/job.log" "server-command=sleep 600" "port=$port" wait=2 || status=$?
    took=$(($(date +%s) - start))
    expect_status 3 "$status"
    [ "$took" -le 15 ] || fail "the job took $took s with wait: 2"
    has_line "$summary" "### wsspec: failed"
    has_line "$summary" "No results: exit code 3: the server could not be reached (it never listened, or wsspec could not connect)."
    grep -q "nothing listened on 127.0.0.1:$port within 2 s" "$summary" ||
      fail "the summary does not show the end of the output"
    [ "$(output_of exit-code)" = 3 ] || fail "output exit-code is not 3"

    status=0
    run_action "$out/usage.log" "port=$port" strict=yes || status=$?
    expect_status 2 "$status"
    grep -q "the input 'strict' must be true or false" "$out/usage.log" || fail "no clear message"
    ;;
  escaping)
    cat >"$out/results.json" <<'EOF'
{"tool": {"name": "wsspec", "version": "0.1.0"},
 "target": {"url": "ws://127.0.0.1:9001/", "server": "<img src=x onerror=alert(1)>"},
 "summary": {"pass": 1, "non-strict": 1, "info": 0, "unimplemented": 0, "fail": 2, "error": 0},
 "cases": [
  {"id": "framing/a", "autobahn": "1.1.1", "verdict": "pass", "reason": ""},
  {"id": "framing/b", "autobahn": null, "verdict": "non-strict", "reason": "close 1006"},
  {"id": "framing/c", "autobahn": "5.1", "verdict": "fail",
   "reason": "got |a|b| <script>alert(1)</script>\nline two [x](http://evil) **bold** `code` _u_ &amp;"},
  {"id": "my`cases|d", "autobahn": null, "verdict": "fail", "reason": "plain"}
 ],
 "baseline": {"file": "b.json", "accepted": ["framing/c"], "new_failures": ["my`cases|d"], "now_passing": ["framing/a"]}}
EOF
    $python "$src/ci/action/summary.py" --exit-code 1 --results "$out/results.json" --strict >"$out/summary.md"
    cat >"$out/expected.md" <<'EOF'
### wsspec: failed

Target `ws://127.0.0.1:9001/` (Server: &lt;img src=x onerror=alert(1)&gt;), wsspec 0.1.0. Exit code 1: a case failed that the baseline does not accept.

| pass | non-strict | info | unimplemented | fail | error |
|---:|---:|---:|---:|---:|---:|
| 1 | 1 | 0 | 0 | 2 | 0 |

#### Failing cases (3, 1 accepted by the baseline `b.json`)

| case | Autobahn | verdict | baseline | reason |
|---|---|---|---|---|
| `framing/b` | – | non-strict | **new** | close 1006 |
| `my'cases/d` | – | fail | **new** | plain |
| `framing/c` | 5.1 | fail | accepted | got \|a\|b\| &lt;script&gt;alert(1)&lt;/script&gt; line two \[x\](http://evil) \*\*bold\*\* &#96;code&#96; \_u\_ &amp;amp; |

Baseline entries whose case now passes (remove them): `framing/a`
EOF
    diff -u "$out/expected.md" "$out/summary.md" || fail "the summary differs from the expected one (diff above)"
    ;;
  *)
    fail "unknown mode '$mode'"
    ;;
esac
echo "action_check $mode: ok"
