#!/usr/bin/env python3
"""The GitHub Action's job summary: Markdown made from wsspec's results.json.

Usage: summary.py --exit-code N [--results FILE] [--strict] [--log FILE] [--outputs FILE]

Prints the summary on stdout (run.sh appends it to $GITHUB_STEP_SUMMARY): the verdict of the
job (from wsspec's exit code), the counts per verdict, and a table of the failing cases, new
failures first, each marked new or accepted by the baseline. Without results (wsspec refused
its arguments or never reached the server) it says so and shows the end of --log.
--outputs FILE appends the counts as step outputs (name=value lines, $GITHUB_OUTPUT).

Everything in results.json that came from the server (reasons quote its close reasons and
headers) is untrusted, and GitHub renders HTML in a summary: every text is escaped and cut.
Standard library only (python3 is on every GitHub runner and on Debian).
"""
import argparse
import json
import os
import sys

VERDICTS = ["pass", "non-strict", "info", "unimplemented", "fail", "error"]
MAX_ROWS = 100  # a summary is at most 1 MiB; the report artifact has every case
MAX_REASON = 300
EXIT_MEANING = {
    0: "every case passed, or failed only as the baseline accepts",
    1: "a case failed that the baseline does not accept",
    2: "bad usage: an option, a case file or the baseline was refused",
    3: "the server could not be reached (it never listened, or wsspec could not connect)",
}


def html(value, limit):
    """One line of inert text: no HTML, no newline."""
    s = " ".join(str(value).split())
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def text(value, limit=MAX_REASON):
    """One table-safe line: inert HTML, and no pipe, emphasis or link that would break it."""
    s = html(value, limit)
    s = s.replace("|", "\\|").replace("`", "&#96;").replace("*", "\\*").replace("_", "\\_")
    s = s.replace("[", "\\[").replace("]", "\\]")
    return s


def code(value):
    """A case id in code style; ids are the project's own, but a --case-dir is the user's."""
    return "`" + str(value).replace("`", "'").replace("|", "/") + "`"


def failing_verdicts(strict):
    return {"fail", "error", "non-strict"} if strict else {"fail", "error"}


def summary(results, exit_code, strict):
    out = []
    state = "passed" if exit_code == 0 else "failed"
    out.append(f"### wsspec: {state}")
    out.append("")
    target = results.get("target", {})
    tool = results.get("tool", {})
    facts = f"Target `{text(target.get('url', '?'), 200)}`"
    if target.get("server"):
        facts += f" (Server: {text(target['server'], 100)})"
    facts += f", wsspec {text(tool.get('version', '?'), 40)}"
    facts += f". Exit code {exit_code}: {EXIT_MEANING.get(exit_code, 'unexpected')}."
    out.append(facts)
    if results.get("incomplete"):
        out.append("")
        out.append("**The run is incomplete**: " + text(results.get("stopped", "interrupted")))
    elif results.get("stopped"):
        out.append("")
        out.append("**The run stopped early**: " + text(results["stopped"]))
    out.append("")

    counts = results.get("summary", {})
    out.append("| " + " | ".join(VERDICTS) + " |")
    out.append("|" + "---:|" * len(VERDICTS))
    out.append("| " + " | ".join(str(counts.get(v, 0)) for v in VERDICTS) + " |")
    out.append("")

    baseline = results.get("baseline") or {}
    accepted = set(baseline.get("accepted", []))
    bad = failing_verdicts(strict)
    failing = [c for c in results.get("cases", []) if c.get("verdict") in bad]
    # New failures first: they are what failed the job.
    failing.sort(key=lambda c: (c.get("id") in accepted, c.get("id", "")))
    if not failing:
        out.append("No failing cases.")
    else:
        n_accepted = sum(1 for c in failing if c.get("id") in accepted)
        head = f"#### Failing cases ({len(failing)}"
        if baseline:
            head += f", {n_accepted} accepted by the baseline {code(baseline.get('file', ''))}"
        out.append(head + ")")
        out.append("")
        out.append("| case | Autobahn | verdict | baseline | reason |")
        out.append("|---|---|---|---|---|")
        for c in failing[:MAX_ROWS]:
            if not baseline:
                status = "–"
            elif c.get("id") in accepted:
                status = "accepted"
            else:
                status = "**new**"
            autobahn = c.get("autobahn") or "–"
            out.append(
                f"| {code(c.get('id', '?'))} | {text(autobahn, 20)} | {text(c.get('verdict'))}"
                f" | {status} | {text(c.get('reason', ''))} |"
            )
        if len(failing) > MAX_ROWS:
            out.append("")
            out.append(f"… and {len(failing) - MAX_ROWS} more: every case is in the report artifact.")
    now_passing = baseline.get("now_passing", [])
    if now_passing:
        out.append("")
        out.append(
            f"Baseline entries whose case now passes (remove them): "
            + ", ".join(code(i) for i in now_passing[:MAX_ROWS])
        )
    return out


def no_results(exit_code, log):
    out = ["### wsspec: failed", ""]
    out.append(
        f"No results: exit code {exit_code}: {EXIT_MEANING.get(exit_code, 'unexpected')}."
    )
    if log and os.path.isfile(log):
        with open(log, encoding="utf-8", errors="replace") as f:
            tail = f.read().splitlines()[-30:]
        out.append("")
        out.append("<details><summary>The end of the output</summary>")
        out.append("")
        out.append("<pre>")
        out.extend(html(line, 400) for line in tail)
        out.append("</pre>")
        out.append("</details>")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exit-code", type=int, required=True)
    ap.add_argument("--results")
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--log")
    ap.add_argument("--outputs")
    a = ap.parse_args()

    results = None
    if a.results and os.path.isfile(a.results):
        try:
            with open(a.results, encoding="utf-8") as f:
                results = json.load(f)
        except (OSError, ValueError) as e:
            print(f"summary: cannot read {a.results}: {e}", file=sys.stderr)
    lines = summary(results, a.exit_code, a.strict) if results else no_results(a.exit_code, a.log)
    sys.stdout.write("\n".join(lines) + "\n")

    if a.outputs:
        counts = (results or {}).get("summary", {})
        new = (results or {}).get("baseline", {}).get("new_failures")
        with open(a.outputs, "a", encoding="utf-8") as f:
            for v in VERDICTS:
                f.write(f"{v.replace('-', '_')}={counts.get(v, 0)}\n")
            if new is not None:
                f.write(f"new_failures={len(new)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
