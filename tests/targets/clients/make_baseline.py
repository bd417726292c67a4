#!/usr/bin/python3
"""Writes a client's baseline (tests/targets/clients/NAME.baseline.json) from a run's
results.json, with each accepted verdict's RFC reason taken from the reviewed table below.

    make_baseline.py RESULTS.json TARGET-DESCRIPTION [EXCLUDED-ID...] > NAME.baseline.json

EXCLUDED-ID: cases the ctest runs with --exclude (a verdict of wsspec's that is reported, not
accepted), left out here too.

Every fail, error and non-strict verdict of the run must match a rule: one that does not is
printed and the exit code is 1, so a new kind of deviation is read and judged (RFC text in
hand) before it can enter a baseline. info and unimplemented verdicts never fail a run, so
they are not listed."""
import json
import re
import sys

# (case id pattern, verdict, pattern of wsspec's reason, the reason we accept it, with its RFC).
RULES = [
    (r"framing/length-64-bit-msb-set(-in-\d+-byte-writes)?", "non-strict", r"code 1009 where code 1002",
     "fails the connection with 1009 (too big) on a 64-bit length whose most significant bit is "
     "set; RFC 6455 5.2 makes that bit a MUST be 0, so 1002 (protocol error, 7.4.1) fits better"),
    (r"utf8/fail-fast-.*", "non-strict", r"did not fail the connection as soon as",
     "fails the connection on invalid UTF-8 only once the text message is complete, not at the "
     "first invalid byte; RFC 6455 8.1 allows that (failing fast is not required), graded "
     "non-strict as Autobahn 6.4.x does"),
    (r"limits/fragment-flood-100000", "non-strict", r"code 1008 where code 1009",
     "ends a message of 100 000 fragments with 1008 (policy violation) where RFC 6455 7.4.1 "
     "names 1009 for a message too big to process (1008 is for when no more suitable code "
     "exists)"),
    (r"(utf8|close)/.*", "non-strict", r"code 1002 and reason .*Invalid UTF-8.* where code 1007",
     "fails the connection on invalid UTF-8 with close code 1002 (protocol error); RFC 6455 "
     "7.4.1 and 8.1 name 1007 for text data that is not UTF-8"),
    (r"close/invalid-code-(0|999|1004|1016|1100|2000|2999)(-in-\d+-byte-writes)?",
     "fail", r"status code that must not be sent on the wire",
     "echoes the received close code, which RFC 6455 7.4.1/7.4.2 does not allow on the wire (0-999 "
     "are not used, 1004 is reserved, 1016-2999 are reserved for the protocol), instead of failing the connection with 1002; Autobahn 7.9.x fails it too"),
    (r"close/out-of-range-code-(5000|65535)", "non-strict", r"carrying no code RFC 6455 7.4.1 defines",
     "echoes a received close code outside every range of RFC 6455 7.4.2 instead of answering "
     "1002 (protocol error)"),
    (r"client/server-initiated-close", "non-strict", r"closed TCP right after the close exchange",
     "closes TCP itself right after the closing handshake; RFC 6455 5.5.1 and 7.1.1: the client "
     "SHOULD wait for the server to close the TCP connection first (it MAY close it itself)"),
    (r"limits/frame-length-2-60", "non-strict", r"dropped the TCP connection without a close frame",
     "drops TCP without a close frame when a frame announces 2^60 bytes; RFC 6455 7.1.7 says it "
     "SHOULD send a close frame (1009) before failing the connection"),
]


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        results = json.load(f)
    accepted, unmatched = [], []
    for case in results["cases"]:
        if case["verdict"] not in ("fail", "error", "non-strict") or case["id"] in sys.argv[3:]:
            continue
        for id_pattern, verdict, reason_pattern, reason in RULES:
            if (re.fullmatch(id_pattern, case["id"]) and case["verdict"] == verdict
                    and re.search(reason_pattern, case["reason"])):
                accepted.append({"id": case["id"], "verdict": verdict, "reason": reason})
                break
        else:
            unmatched.append(case)
    for case in unmatched:
        print(f"no rule for {case['verdict']} {case['id']}: {case['reason'][:300]}", file=sys.stderr)
    if unmatched:
        return 1
    accepted.sort(key=lambda e: e["id"])
    json.dump({"target": sys.argv[2],
               "comment": "Written by tests/targets/clients/make_baseline.py from a run of "
                          "tests/targets/clients/run_client.sh; every entry's reason is a "
                          "reviewed rule of that script.",
               "accepted": accepted}, sys.stdout, indent=2)
    print()
    return 0


sys.exit(main())
