#!/usr/bin/python3
"""Runs wsspec against one attack of hostile_server.py and checks that the run ends, bounded,
with a complete report (DESIGN.md, "Robustness of wsspec itself"). A ctest test per attack:

  hostile_checks.py WSSPEC ATTACK OUT_DIR [--sanitized]

Starts tests/targets/hostile_server.py --attack ATTACK --port 0, runs

  WSSPEC run ws://127.0.0.1:PORT/ --cases CASES... --timeout 1 --out OUT_DIR

as a child (its output in OUT_DIR/wsspec.log, the server's in OUT_DIR/server.log), reaps it
with os.wait4 for the kernel's figure of its peak RSS, and checks, one line each (ok/FAIL):

  exit      wsspec exited 0 or 1: no signal, not 2 (usage) and not 3 (the target is
            reachable: it accepts every connection);
  time      it ended within the wall bound below (at the bound it gets SIGTERM, 3 s later
            SIGKILL, and the check fails);
  files     OUT_DIR has results.json, index.html and junit.xml; junit.xml parses;
  results   results.json parses, has exactly one entry per selected case (the ids `WSSPEC
            list --json --cases CASES...` gives), each with a verdict, a summary that counts
            them all, and is not marked "incomplete"; against a target that answers every
            new connection (markup-everywhere, close-storm, endless-frames) no case is left
            unrun as if it had died (wsspec runs with --jobs 1, the selection in order);
  memory    peak RSS <= 64 MiB + the largest message wsspec accepts (results.json
            limits.message_bytes, 64 MiB by default: 128 MiB); the figure is printed;
            with --sanitized (an ASan build) only printed: ASan's shadow memory and the
            quarantine of freed blocks are in the RSS (loading the case catalogue alone
            leaves 128 MiB resident under ASan, 16 MiB in the optimised build, which checks
            the bound);
  bomb      (deflate-bomb, deflate-bomb-fragments) the compression case that received the
            bomb is `error` with a reason naming --max-message: a target beyond wsspec's
            limit is not judged (README, "Limits"), never `fail`;
  markup    tests/reports/browser/markup_check.mjs opens OUT_DIR/index.html in headless
            Chromium: no injected markup runs or renders (for markup-everywhere it also
            checks that the markup is shown, as text). Skipped (not failed) when Chromium
            or playwright-core is missing; then markup-everywhere exits 77 (ctest: skipped)
            if nothing else failed.

The wall bound, from the selection: every case is bounded by 4 x its time-out + 2 s
(harness/run/interpreter.hpp, total_bound); the pre-flight probe counts as one more case;
wsspec runs them one after another (--jobs 1). A case after which the
target failed the connection or went quiet is followed by a liveness check of at most 3 s
of idleness, and a target found hung gets one 10 s confirmation (after which the run stops):

  bound = (N + 1) x (4 T + 2) + 3 N + 10 + 5 s (start-up and writing the reports)

with T = 1 s and N = 7 cases: 48 + 21 + 15 = 84 s. A correct wsspec needs a few seconds.

Exit status: 0 every check passed, 1 a check failed, 2 bad usage, 77 skipped (above).
Loopback only; the server is stopped by its PID whatever happens.
"""
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "hostile_server.py")
MARKUP_CHECK = os.path.join(HERE, "..", "reports", "browser", "markup_check.mjs")
PYTHON = "/usr/bin/python3"

# Small and varied: an echo, a ping, a failed connection (fragmented ping), a message then a
# close, a close with a reason, an unmasked frame, and a compressed echo (the one case that
# offers permessage-deflate, so the deflate bombs reach wsspec's inflater). Full ids, so a
# renamed case is noticed.
COMPRESSION_CASE = "compression/text-echo"
CASES = ["framing/text-length-0", "pingpong/ping-0-bytes", "fragmentation/fragmented-ping",
         "close/message-then-close", "close/code-and-reason", "framing/unmasked-text",
         COMPRESSION_CASE]
TIMEOUT_S = 1.0
CASE_BOUND_S = 4 * TIMEOUT_S + 2
WALL_BOUND_S = (len(CASES) + 1) * CASE_BOUND_S + 3 * len(CASES) + 10 + 5
VERDICTS = ("pass", "non-strict", "info", "unimplemented", "fail", "error")
MIB = 1024 * 1024
BASE_RSS = 64 * MIB
DEFAULT_MESSAGE_BYTES = 64 * MIB
ATTACKS = ("garbage-101", "endless-head", "trickled-101", "html-403", "huge-frame-trickle",
           "endless-frames", "reset-mid-frame", "close-storm", "markup-everywhere",
           "deflate-bomb", "deflate-bomb-fragments")
# Attacks that answer a permessage-deflate offer with a message inflating past --max-message.
BOMBS = ("deflate-bomb", "deflate-bomb-fragments")
# Attacks whose server answers every new connection with a message or a close frame.
KEEPS_SERVING = ("markup-everywhere", "close-storm", "endless-frames")
EXPECT_TEXT = {"markup-everywhere": "<script>window.__pwned=1</script>"}

failures = []
skipped = []


def check(ok, what, detail=""):
    line = ("ok   " if ok else "FAIL ") + what + (": " + detail if detail else "")
    print(line, flush=True)
    if not ok:
        failures.append(what)
    return ok


def start_server(attack, log_path):
    server = subprocess.Popen([PYTHON, SERVER, "--attack", attack, "--port", "0"],
                              stdout=subprocess.PIPE, stderr=open(log_path, "wb"))
    end = time.monotonic() + 10
    line = b""
    while time.monotonic() < end and not line.endswith(b"\n"):
        readable, _, _ = select.select([server.stdout], [], [], max(0.0, end - time.monotonic()))
        if not readable:
            break
        byte = os.read(server.stdout.fileno(), 1)
        if not byte:
            break
        line += byte
    text = line.decode("utf-8", "replace").strip()
    prefix = "listening on "
    url = text[len(prefix):] if text.startswith(prefix) else None
    return server, url


def stop_server(server):
    if server is None or server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(5)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(5)


def expected_ids(wsspec):
    out = subprocess.run([wsspec, "list", "--json", "--cases"] + CASES, capture_output=True,
                         timeout=30)
    listed = [c["id"] for c in json.loads(out.stdout)["cases"]]
    missing = sorted(set(CASES) - set(listed))
    if missing:
        print("hostile_checks: these cases are unknown to wsspec: " + ", ".join(missing),
              file=sys.stderr)
        sys.exit(2)
    return listed


def run_wsspec(wsspec, url, out_dir, log_path):
    """Runs wsspec; returns (wait status, peak RSS in bytes, wall seconds, killed_at_bound)."""
    # --jobs 1: the cases in the selection's order, each after the last, so what the target
    # did to one case's liveness check cannot depend on a neighbour (and the wall bound
    # below is the serial worst case anyway).
    argv = [wsspec, "run", url, "--cases"] + CASES + ["--timeout", "%g" % TIMEOUT_S,
                                                      "--jobs", "1", "--out", out_dir]
    print("hostile_checks: " + " ".join(argv), flush=True)
    with open(log_path, "wb") as log:
        child = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL)
    start = time.monotonic()
    killed = None
    status = rusage = None
    try:
        while True:
            pid, status, rusage = os.wait4(child.pid, os.WNOHANG)
            if pid == child.pid:
                break
            took = time.monotonic() - start
            if killed is None and took > WALL_BOUND_S:
                killed = "SIGTERM"
                os.kill(child.pid, signal.SIGTERM)
            elif killed == "SIGTERM" and took > WALL_BOUND_S + 3:
                killed = "SIGKILL"
                os.kill(child.pid, signal.SIGKILL)
            time.sleep(0.02)
    finally:
        child.returncode = status if status is not None else -1  # reaped here, not by Popen
        if status is None:
            os.kill(child.pid, signal.SIGKILL)
            os.wait4(child.pid, 0)
    wall = time.monotonic() - start
    return status, rusage.ru_maxrss * 1024, wall, killed  # Linux: ru_maxrss is in KiB


def describe_status(status):
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return "killed by signal %d (%s)" % (sig, signal.Signals(sig).name)
    if os.WIFEXITED(status):
        return "exit %d" % os.WEXITSTATUS(status)
    return "wait status %d" % status


def check_results(attack, out_dir, ids):
    """The files, results.json's cases, summary and completeness; returns results or None."""
    files = ("results.json", "index.html", "junit.xml")
    present = [f for f in files if os.path.isfile(os.path.join(out_dir, f))
               and os.path.getsize(os.path.join(out_dir, f)) > 0]
    check(len(present) == len(files), "files: results.json, index.html and junit.xml written",
          "missing " + ", ".join(f for f in files if f not in present) if len(present) < 3 else "")
    if "junit.xml" in present:
        try:
            root = ET.parse(os.path.join(out_dir, "junit.xml")).getroot()
            n = len(root.findall(".//testcase"))
            check(n == len(ids), "files: junit.xml parses, one testcase per case",
                  "%d testcases for %d cases" % (n, len(ids)))
        except ET.ParseError as e:
            check(False, "files: junit.xml parses", str(e))
    if "results.json" not in present:
        check(False, "results: results.json parses", "no results.json")
        return None
    try:
        with open(os.path.join(out_dir, "results.json"), encoding="utf-8") as f:
            results = json.load(f)
    except (ValueError, UnicodeDecodeError) as e:
        check(False, "results: results.json parses", str(e))
        return None
    check(True, "results: results.json parses")
    cases = results.get("cases")
    if not isinstance(cases, list):
        check(False, "results: has a cases list")
        return results
    got = [c.get("id") for c in cases]
    check(sorted(got) == sorted(ids), "results: one entry per selected case",
          "%d entries; missing %s, unexpected or repeated %s" % (
              len(got), sorted(set(ids) - set(got)),
              sorted(i for i in set(got) if got.count(i) != ids.count(i))))
    bad = ["%s: %r" % (c.get("id"), c.get("verdict")) for c in cases
           if c.get("verdict") not in VERDICTS]
    check(not bad, "results: every case has a verdict", "; ".join(bad))
    summary = results.get("summary", {})
    counted = sum(summary.get(v, 0) for v in VERDICTS) if isinstance(summary, dict) else -1
    check(counted == len(cases), "results: the summary counts every case",
          "summary %s for %d cases" % (json.dumps(summary), len(cases)))
    check(results.get("incomplete") is not True, "results: not marked incomplete",
          "incomplete: %r, stopped: %r" % (results.get("incomplete"), results.get("stopped")))
    if attack in KEEPS_SERVING:
        # It answers every new connection with a message or a close frame: up, however wrong
        # its answers, so no case may be left unrun as if it had died.
        unrun = [c.get("id") for c in cases if c.get("not_run")]
        check(not unrun, "results: a target that keeps serving is never called dead",
              "not run: %s; stopped: %r" % (unrun, results.get("stopped")))
    if attack in BOMBS:
        bombed = next((c for c in cases if c.get("id") == COMPRESSION_CASE), {})
        reason = str(bombed.get("reason", ""))
        check(bombed.get("verdict") == "error" and "--max-message" in reason,
              "bomb: %s is error, not judged beyond --max-message" % COMPRESSION_CASE,
              "%r: %s" % (bombed.get("verdict"), reason[:300]))
    tally = {}
    for c in cases:
        key = str(c.get("verdict")) + (" (not run)" if c.get("not_run") else "")
        tally[key] = tally.get(key, 0) + 1
    print("hostile_checks: verdicts %s%s" % (
        json.dumps(tally, sort_keys=True),
        "; stopped: " + str(results["stopped"]) if results.get("stopped") else ""), flush=True)
    return results


def markup_check(attack, out_dir):
    node = shutil.which("node")
    if node is None:
        print("skip markup: node is not installed", flush=True)
        skipped.append("markup")
        return
    argv = [node, MARKUP_CHECK, out_dir]
    if attack in EXPECT_TEXT:
        argv += ["--expect-text", EXPECT_TEXT[attack]]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=90)
    except subprocess.TimeoutExpired:
        check(False, "markup: markup_check.mjs ended within 90 s")
        return
    for line in done.stdout.splitlines():
        if line.startswith("FAIL"):
            failures.append(line)
        print(line, flush=True)
    if done.returncode == 77:
        print("skip markup: the browser check is skipped", flush=True)
        skipped.append("markup")
    elif done.returncode != 0:
        check(False, "markup: markup_check.mjs", "exit %d %s" % (done.returncode, done.stderr[-400:]))


def main():
    sanitized = sys.argv[4:] == ["--sanitized"]
    if len(sys.argv) not in (4, 5) or sys.argv[2] not in ATTACKS \
            or (len(sys.argv) == 5 and not sanitized):
        print("usage: hostile_checks.py WSSPEC {" + ",".join(ATTACKS) + "} OUT_DIR [--sanitized]",
              file=sys.stderr)
        return 2
    wsspec, attack, out_dir = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    ids = expected_ids(wsspec)
    print("hostile_checks: attack %s, %d cases, --timeout %g s, wall bound %g s" % (
        attack, len(ids), TIMEOUT_S, WALL_BOUND_S), flush=True)
    server = None
    try:
        server, url = start_server(attack, os.path.join(out_dir, "server.log"))
        if not url:
            check(False, "hostile_server.py printed its URL within 10 s")
            return 1
        status, rss, wall, killed = run_wsspec(wsspec, url, out_dir,
                                               os.path.join(out_dir, "wsspec.log"))
    finally:
        stop_server(server)
    with open(os.path.join(out_dir, "wsspec.log"), "rb") as f:
        tail = f.read()[-1500:].decode("utf-8", "replace")
    print("hostile_checks: wsspec output (tail):\n    " + "\n    ".join(tail.splitlines()),
          flush=True)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    check(code in (0, 1), "exit: wsspec exited 0 or 1", describe_status(status) +
          (" after %s at the wall bound" % killed if killed else ""))
    check(killed is None and wall <= WALL_BOUND_S, "time: ended within the wall bound",
          "%.1f s (bound %g s)%s" % (wall, WALL_BOUND_S,
                                      "; sent " + killed if killed else ""))
    results = check_results(attack, out_dir, ids)
    message_bytes = DEFAULT_MESSAGE_BYTES
    if results and isinstance(results.get("limits"), dict) \
            and isinstance(results["limits"].get("message_bytes"), int):
        message_bytes = results["limits"]["message_bytes"]
    rss_bound = BASE_RSS + message_bytes
    if sanitized:
        print("skip memory: peak RSS %.1f MiB, not held to %.0f MiB in a sanitizer build" % (
            rss / MIB, rss_bound / MIB), flush=True)
    else:
        check(rss <= rss_bound, "memory: peak RSS within 64 MiB + the largest message",
              "%.1f MiB (bound %.0f MiB)" % (rss / MIB, rss_bound / MIB))
    if os.path.isfile(os.path.join(out_dir, "index.html")):
        markup_check(attack, out_dir)
    print("hostile_checks: %s: %s; wsspec took %.1f s, peak RSS %.1f MiB" % (
        attack, "FAILED (%d)" % len(failures) if failures else "all checks passed", wall,
        rss / MIB), flush=True)
    if failures:
        return 1
    if skipped and attack in EXPECT_TEXT:
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
