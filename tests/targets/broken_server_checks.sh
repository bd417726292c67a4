#!/bin/sh
# Proves wsspec's judge catches a planted defect (a ctest test, one per defect):
#   broken_server_checks.sh WSSPEC DEFECT OUT_DIR [EXTRA wsspec run ARGS...]
# starts tests/targets/broken_server.py --defect DEFECT --port 0, runs
#   wsspec run URL --cases 'framing/unmasked-*,fragmentation/fragmented-ping*,handshake/response-crlf,compression/must-decline-*' --out OUT_DIR
# and checks OUT_DIR/results.json:
#   accepts-unmasked       every framing/unmasked-* case (text, binary, ping, close, each also
#                          -in-1-byte-writes and -in-3-byte-writes) is fail, the
#                          fragmentation/fragmented-ping* cases pass;
#   pongs-fragmented-ping  fragmentation/fragmented-ping and its two chop variants are fail,
#                          the framing/unmasked-* cases pass;
#   accepts-any-deflate    every compression/must-decline-* case is fail (the server accepts an
#                          offer RFC 7692 7 says it MUST decline), every other case passes;
#                          without the defect the server declines them all and they pass;
#   none, odd-101          all of them pass (odd-101: a 101 with the reason phrase "OK" and
#                          header names in odd case, which RFC 9112/9110 allow);
#   bare-lf-101            handshake/response-crlf (also run) is fail, every other case passes:
#                          wsspec reads a 101 with bare LF line ends and judges only that;
#   hangs-after-20         the target stops answering after 20 connections (with a wider
#                          selection, 1.*,2.*,5.*): wsspec says so early in its output ("no byte
#                          has moved ..."), stops the run within 60 s, names the case after
#                          which the target stopped answering in results.json's "stopped", and
#                          marks the cases it did not reach error and not run; exit 1;
#   tutorial-server        a bare-LF 101 and four frame-level defects (with its own selection,
#                          1.1.1,1.1.3,1.2.1,7.3.1,handshake/response-crlf): each case is fail
#                          and its reason names its defect: a non-minimal length (5.2), a frame
#                          one byte short of its length field, binary echoed as text, a close
#                          answered by dropping TCP, the bare LF;
#   garbage-handshake      the target answers no opening request with a 101: wsspec still
#                          writes results.json, index.html and junit.xml, every case is fail
#                          and marked not run, results.json says why the run stopped.
# and that wsspec's exit code says the same (1 when a case failed, else 0). The server is
# stopped by its PID whatever happens; the run is bounded by `timeout`. EXTRA arguments go to
# `wsspec run` (e.g. --case-dir DIR to try cases that are not built in yet).
set -eu

if [ $# -lt 3 ]; then
  echo "usage: $0 WSSPEC DEFECT OUT_DIR [wsspec run ARGS...]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
wsspec=$1
defect=$2
out=$3
shift 3
python=/usr/bin/python3
cases='framing/unmasked-*,fragmentation/fragmented-ping*,handshake/response-crlf,compression/must-decline-*'

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

case $defect in
  none | odd-101 | accepts-unmasked | pongs-fragmented-ping | bare-lf-101 | garbage-handshake) ;;
  accepts-any-deflate) ;;
  hangs-after-20) cases='1.*,2.*,5.*' ;;
  tutorial-server) cases='1.1.1,1.1.3,1.2.1,7.3.1,handshake/response-crlf' ;;
  *) fail "unknown defect $defect" ;;
esac

rm -rf "$out"
mkdir -p "$out"
log=$out/server.log
: >"$log"
"$python" "$here/broken_server.py" --defect "$defect" --port 0 >"$log" 2>&1 &
server=$!
stop_server() {
  if kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
}
trap stop_server EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# Bounded wait (10 s) for "listening on ws://127.0.0.1:PORT/".
url=""
i=0
while [ $i -lt 100 ]; do
  url=$(sed -n 's|^listening on \(ws://[^ ]*\)$|\1|p' "$log")
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; fail "broken_server.py exited before listening"; }
  sleep 0.1
  i=$((i + 1))
done
[ -n "$url" ] || fail "broken_server.py did not print its URL within 10 s"
echo "broken_server_checks: defect $defect, server PID $server at $url"

status=0
started=$(date +%s)
timeout 150 "$wsspec" run "$url" --cases "$cases" --out "$out" "$@" >"$out/wsspec.log" || status=$?
took=$(($(date +%s) - started))
cat "$out/wsspec.log"
echo "broken_server_checks: wsspec exited $status after $took s"
case $status in
  0 | 1) ;;
  2) fail "wsspec refused the run (exit 2): a pattern of --cases '$cases' may match no case yet" ;;
  124) fail "wsspec did not finish within 150 s" ;;
  *) fail "wsspec exited $status" ;;
esac
[ -s "$out/results.json" ] || fail "no $out/results.json"
[ -s "$out/index.html" ] || fail "no $out/index.html"
[ -s "$out/junit.xml" ] || fail "no $out/junit.xml"

"$python" - "$out/results.json" "$defect" "$status" "$out/wsspec.log" "$took" <<'EOF'
import json
import sys

path, defect, status, log, took = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], \
    int(sys.argv[5])
results = json.load(open(path))
verdicts = {c["id"]: c["verdict"] for c in results["cases"]}
if defect == "tutorial-server":
    wanted = {
        "framing/text-length-0": "not encoded in the minimal number of bytes (RFC 6455 5.2)",
        "framing/text-length-126":
            "inside a frame whose header announced 126 payload bytes, of which 125 came",
        "framing/binary-length-0": "got a text message of 0 bytes",
        "close/empty-body": "got the TCP connection closed by the target",
        "handshake/response-crlf": "the 101 ends lines with a bare LF",
    }
    problems = []
    reasons = {c["id"]: c["reason"] for c in results["cases"]}
    for case_id, said in wanted.items():
        if verdicts.get(case_id) != "fail":
            problems.append("%s is %s, expected fail" % (case_id, verdicts.get(case_id)))
        elif said not in reasons[case_id]:
            problems.append("%s: the reason %r does not say %r" % (case_id, reasons[case_id], said))
    if status != 1:
        problems.append("wsspec exited %d, expected 1" % status)
    for p in problems:
        print("FAIL: defect %s: %s" % (defect, p), file=sys.stderr)
    if problems:
        sys.exit(1)
    print("broken_server_checks: ok, defect %s: each of %d defects found by its case"
          % (defect, len(wanted)))
    sys.exit(0)
if defect == "hangs-after-20":
    problems = []
    output = open(log).read()
    stopped = results.get("stopped", "")
    not_run = [c for c in results["cases"] if c.get("not_run")]
    if status != 1:
        problems.append("wsspec exited %d, expected 1 (the target stopped answering)" % status)
    if took > 60:
        problems.append("the run took %d s, expected at most 60" % took)
    if "no byte has moved to or from the target for" not in output:
        problems.append("the output never said the target went quiet")
    if not stopped.startswith("the target stopped answering after "):
        problems.append("results.json does not say the target stopped answering: %r" % stopped)
    elif stopped[len("the target stopped answering after "):].split(":")[0] not in verdicts:
        problems.append("'stopped' names no case of the run: %r" % stopped)
    if not not_run or any(c["verdict"] != "error" for c in not_run):
        problems.append("expected cases marked error and not run, got %d not run: %r"
                        % (len(not_run), sorted({c["verdict"] for c in not_run})))
    if results.get("incomplete"):
        problems.append("marked incomplete: a target that stopped answering is no interruption")
    ran = [c for c in results["cases"] if not c.get("not_run")]
    if not any(c["verdict"] == "pass" for c in ran):
        problems.append("no case passed before the target stopped answering")
    for p in problems:
        print("FAIL: defect %s: %s" % (defect, p), file=sys.stderr)
    if problems:
        sys.exit(1)
    print("broken_server_checks: ok, defect %s: %d ran, %d not run, %d s; stopped: %s"
          % (defect, len(ran), len(not_run), took, stopped))
    sys.exit(0)
if defect == "garbage-handshake":
    problems = []
    if status != 1:
        problems.append("wsspec exited %d, expected 1 (reachable, broken handshake)" % status)
    if "got a malformed HTTP response" not in results.get("stopped", ""):
        problems.append("results.json does not say why the run stopped: %r"
                        % results.get("stopped"))
    for c in results["cases"]:
        if c["verdict"] != "fail" or not c.get("not_run"):
            problems.append("%s is %s (not_run %r), expected fail, not run"
                            % (c["id"], c["verdict"], c.get("not_run")))
    if len(results["cases"]) != 34:
        problems.append("%d cases in results.json, expected the 34 selected"
                        % len(results["cases"]))
    for p in problems:
        print("FAIL: defect %s: %s" % (defect, p), file=sys.stderr)
    if problems:
        sys.exit(1)
    print("broken_server_checks: ok, defect %s: %d cases fail, not run; stopped: %s"
          % (defect, len(verdicts), results["stopped"]))
    sys.exit(0)
chops = ("", "-in-1-byte-writes", "-in-3-byte-writes")
groups = {
    "accepts-unmasked": ["framing/unmasked-" + kind + chop
                         for kind in ("text", "binary", "ping", "close") for chop in chops],
    "pongs-fragmented-ping": ["fragmentation/fragmented-ping" + chop for chop in chops],
    "bare-lf-101": ["handshake/response-crlf"],
    "accepts-any-deflate": [i for i in verdicts if i.startswith("compression/must-decline-")],
}
problems = []
if not groups["accepts-any-deflate"]:
    problems.append("no compression/must-decline-* case ran")
for group, ids in groups.items():
    wanted = "fail" if group == defect else "pass"
    for case_id in ids:
        got = verdicts.get(case_id)
        if got is None:
            problems.append("%s did not run (no such case?)" % case_id)
        elif got != wanted:
            problems.append("%s is %s, expected %s" % (case_id, got, wanted))
expected_ids = {i for ids in groups.values() for i in ids}
for case_id in sorted(set(verdicts) - expected_ids):
    wanted = "fail" if case_id.startswith("framing/unmasked-") and defect == "accepts-unmasked" \
        else "pass"
    if verdicts[case_id] != wanted:
        problems.append("%s (not in the list) is %s, expected %s"
                        % (case_id, verdicts[case_id], wanted))
wanted_status = 0 if defect in ("none", "odd-101") else 1
if status != wanted_status:
    problems.append("wsspec exited %d, expected %d" % (status, wanted_status))
for p in problems:
    print("FAIL: defect %s: %s" % (defect, p), file=sys.stderr)
if problems:
    sys.exit(1)
print("broken_server_checks: ok, defect %s: %d cases as expected" % (defect, len(verdicts)))
EOF
