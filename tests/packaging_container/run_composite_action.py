#!/usr/bin/python3
"""Runs a composite GitHub Action (action.yml) here, as a runner would, for the tests.

Usage: run_composite_action.py ACTION_DIR WORKSPACE [--input NAME=VALUE]...

Only what wsspec's action.yml uses is understood, and anything else is an error rather than
a guess: `shell: bash` steps (their `env:` and `run:`), `uses: actions/upload-artifact@v4`
(simulated: the path is copied to $RUNNER_TEMP/artifacts/NAME), `if:`, `id:`, and these
expressions: inputs.X, steps.ID.outputs.X, 'strings', ==, !=, &&, ||, !, (), always(),
success(), failure(). Inputs not given take their defaults; an unknown input is an error.

The environment is a runner's: GITHUB_WORKSPACE (the steps' working folder), RUNNER_TEMP,
GITHUB_ACTION_PATH, and per step a fresh GITHUB_OUTPUT and GITHUB_ENV (read back after the
step, as the runner does) and GITHUB_STEP_SUMMARY, which all steps append to
($RUNNER_TEMP/step_summary.md). Exits with the status of the first failed step (0 if none).
"""
import os
import re
import shutil
import subprocess
import sys

import yaml


class Expr:
    """A recursive-descent evaluator of the expression subset above. Values are strings or
    booleans; truthiness is GitHub's (empty string false)."""

    TOKEN = re.compile(r"\s*(\|\||&&|==|!=|!|\(|\)|'(?:[^']|'')*'|[A-Za-z_][\w.-]*(?:\(\))?)")

    def __init__(self, text, ctx):
        self.tokens = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = self.TOKEN.match(text, pos)
            if not m:
                raise ValueError(f"cannot read the expression at: {text[pos:]!r}")
            self.tokens.append(m.group(1))
            pos = m.end()
            while pos < len(text) and text[pos].isspace():
                pos += 1
        self.i = 0
        self.ctx = ctx

    def value(self):
        v = self.or_()
        if self.i != len(self.tokens):
            raise ValueError(f"unexpected {self.tokens[self.i]!r}")
        return v

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self):
        t = self.tokens[self.i]
        self.i += 1
        return t

    def or_(self):
        v = self.and_()
        while self.peek() == "||":
            self.take()
            rhs = self.and_()
            v = v if v else rhs
        return v

    def and_(self):
        v = self.cmp()
        while self.peek() == "&&":
            self.take()
            rhs = self.cmp()
            v = rhs if v else v
        return v

    def cmp(self):
        v = self.unary()
        while self.peek() in ("==", "!="):
            op = self.take()
            rhs = self.unary()
            v = (str(v) == str(rhs)) if op == "==" else (str(v) != str(rhs))
        return v

    def unary(self):
        if self.peek() == "!":
            self.take()
            return not self.unary()
        if self.peek() == "(":
            self.take()
            v = self.or_()
            if self.take() != ")":
                raise ValueError("missing )")
            return v
        return self.atom(self.take())

    def atom(self, t):
        if t.startswith("'"):
            return t[1:-1].replace("''", "'")
        if t == "always()":
            return True
        if t == "success()":
            return not self.ctx["failed"]
        if t == "failure()":
            return self.ctx["failed"]
        parts = t.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return self.ctx["inputs"][parts[1]]
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return self.ctx["steps"].get(parts[1], {}).get(parts[3], "")
        raise ValueError(f"unsupported expression term {t!r}")


def substitute(text, ctx):
    """${{ expr }} inside a string, each replaced by its value as text."""

    def one(m):
        v = Expr(m.group(1), ctx).value()
        return ("true" if v else "false") if isinstance(v, bool) else str(v)

    return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))


def condition(text, ctx):
    if text is None:
        return not ctx["failed"]  # GitHub's default: success()
    text = str(text).strip()
    m = re.fullmatch(r"\$\{\{(.*)\}\}", text)
    v = Expr(m.group(1) if m else text, ctx).value()
    return bool(v)


def read_pairs(path):
    """name=value lines (and name<<EOF heredocs) of GITHUB_OUTPUT / GITHUB_ENV."""
    pairs = {}
    if not os.path.exists(path):
        return pairs
    lines = open(path, encoding="utf-8").read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            body = []
            i += 1
            while i < len(lines) and lines[i] != delim:
                body.append(lines[i])
                i += 1
            pairs[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            pairs[name] = value
        i += 1
    return pairs


def main():
    action_dir, workspace = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    given = {}
    args = sys.argv[3:]
    while args:
        if args[0] != "--input" or len(args) < 2 or "=" not in args[1]:
            sys.exit("usage: run_composite_action.py ACTION_DIR WORKSPACE [--input NAME=VALUE]...")
        name, value = args[1].split("=", 1)
        given[name] = value
        args = args[2:]

    action = yaml.safe_load(open(os.path.join(action_dir, "action.yml"), encoding="utf-8"))
    declared = action.get("inputs", {})
    unknown = set(given) - set(declared)
    if unknown:
        sys.exit(f"unknown input(s): {', '.join(sorted(unknown))}")
    inputs = {n: str(given.get(n, spec.get("default", ""))) for n, spec in declared.items()}
    if action["runs"]["using"] != "composite":
        sys.exit("not a composite action")

    temp = os.environ.get("RUNNER_TEMP") or os.path.join(workspace, ".runner-temp")
    os.makedirs(temp, exist_ok=True)
    summary = os.path.join(temp, "step_summary.md")
    open(summary, "a").close()
    job_env = dict(os.environ)
    job_env.update(GITHUB_WORKSPACE=workspace, RUNNER_TEMP=temp, GITHUB_ACTION_PATH=action_dir,
                   GITHUB_STEP_SUMMARY=summary, GITHUB_ACTIONS="true")
    ctx = {"inputs": inputs, "steps": {}, "failed": False}
    status = 0
    for n, step in enumerate(action["runs"]["steps"]):
        label = step.get("name", step.get("id", f"step {n}"))
        if not condition(step.get("if"), ctx):
            print(f"--- skipped: {label}", flush=True)
            continue
        print(f"--- {label}", flush=True)
        if "uses" in step:
            uses = step["uses"]
            if not uses.startswith("actions/upload-artifact@"):
                sys.exit(f"{label}: cannot simulate uses: {uses}")
            w = {k: substitute(v, ctx) for k, v in step.get("with", {}).items()}
            src = os.path.join(workspace, w["path"])
            dst = os.path.join(temp, "artifacts", w["name"])
            if os.path.isdir(src):
                shutil.rmtree(dst, ignore_errors=True)
                shutil.copytree(src, dst)
                print(f"uploaded {w['path']} as artifact {w['name']}")
            elif w.get("if-no-files-found", "warn") == "error":
                print(f"no files at {w['path']}")
                status, ctx["failed"] = status or 1, True
            else:
                print(f"warning: no files at {w['path']}")
            continue
        if step.get("shell") != "bash":
            sys.exit(f"{label}: only shell: bash steps are supported")
        out_file = os.path.join(temp, f"output-{n}")
        env_file = os.path.join(temp, f"env-{n}")
        for f in (out_file, env_file):
            open(f, "w").close()
        env = dict(job_env)
        env.update({k: substitute(v, ctx) for k, v in step.get("env", {}).items()})
        env.update(GITHUB_OUTPUT=out_file, GITHUB_ENV=env_file)
        script = substitute(step["run"], ctx)
        # GitHub runs `bash --noprofile --norc -eo pipefail {0}` on a file holding the script.
        script_file = os.path.join(temp, f"step-{n}.sh")
        with open(script_file, "w", encoding="utf-8") as f:
            f.write(script)
        rc = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", script_file],
                             cwd=workspace, env=env)
        if "id" in step:
            ctx["steps"][step["id"]] = read_pairs(out_file)
        job_env.update(read_pairs(env_file))
        if rc != 0:
            print(f"--- failed: {label} (exit {rc})", flush=True)
            status = status or rc
            ctx["failed"] = True
    return status


if __name__ == "__main__":
    sys.exit(main())
