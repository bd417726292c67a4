#!/usr/bin/python3
"""Checks the CI files users copy from ci/ and the GitHub Action (run by ctest as
ci_workflow_files): the YAML parses, and each file still does what the docs promise. GitLab:
run ci/wsspec-ci.sh, keep the report whatever the outcome, hand junit.xml to GitLab. GitHub:
the workflow uses the action (action.yml) with a server command and a port; the action is
composite, every input it uses is declared and every declared input used, no input is spliced
into a script (only passed through env:), its scripts exist, and the report is uploaded with
if: always() before the step that fails the job.

Usage: check_ci_files.py SOURCE_DIR   (exit 77, "skipped", without python3-yaml)
"""
import os
import re
import sys

try:
    import yaml
except ImportError:
    print("python3-yaml is not installed: skipped")
    sys.exit(77)

src = sys.argv[1]
problems = []


def load(rel):
    with open(os.path.join(src, rel), encoding="utf-8") as f:
        return yaml.safe_load(f)


def check(ok, what):
    if not ok:
        problems.append(what)


# GitHub Actions. PyYAML reads the key `on` as the boolean true (YAML 1.1); GitHub does not.
gh = load("ci/github/wsspec.yml")
check(isinstance(gh, dict) and ("on" in gh or True in gh), "github: no `on:` triggers")
jobs = gh.get("jobs", {}) if isinstance(gh, dict) else {}
steps = [s for j in jobs.values() for s in j.get("steps", [])]
uses_action = [s for s in steps if re.fullmatch(r"[^/@\s]+/wsspec@\S+", str(s.get("uses", "")))]
check(len(uses_action) == 1, "github: the workflow does not use the wsspec action (OWNER/wsspec@REF)")
if uses_action:
    w = uses_action[0].get("with", {})
    check(w.get("server-command") and w.get("port"), "github: the action gets no server-command and port")
    check(any(str(s.get("uses", "")).startswith("actions/checkout@") for s in steps),
          "github: the server's repository is not checked out")

# The action itself.
action = load("action.yml")
runs = action.get("runs", {}) if isinstance(action, dict) else {}
check(runs.get("using") == "composite", "action.yml: not a composite action")
declared = set((action.get("inputs") or {}).keys())
a_steps = runs.get("steps", [])
text = yaml.safe_dump(a_steps)
used = set(re.findall(r"inputs\.([A-Za-z0-9_-]+)", text))
check(used <= declared, f"action.yml: undeclared inputs used: {sorted(used - declared)}")
check(declared <= used, f"action.yml: inputs declared but never used: {sorted(declared - used)}")
if uses_action:
    given = set(uses_action[0].get("with", {}).keys())
    check(given <= declared, f"github: the workflow gives unknown inputs {sorted(given - declared)}")
for st in a_steps:
    run = st.get("run", "")
    check("${{" not in run, f"action.yml: step '{st.get('name')}' splices an expression into its "
          "script (pass it through env: instead)")
    for script in re.findall(r"\$GITHUB_ACTION_PATH/(\S+?)\"", run):
        check(os.path.isfile(os.path.join(src, script)), f"action.yml: {script} does not exist")
    if "run" in st:
        check(st.get("shell") == "bash", f"action.yml: step '{st.get('name')}' has no shell: bash")
names = [str(st.get("uses", "")) for st in a_steps]
upload = [i for i, u in enumerate(names) if u.startswith("actions/upload-artifact@")]
check(len(upload) == 1 and "always()" in str(a_steps[upload[0]].get("if", "")),
      "action.yml: the report must be uploaded with if: always()")
if upload:
    check(upload[0] < len(a_steps) - 1 and "exit" in a_steps[-1].get("run", ""),
          "action.yml: the job must fail after the upload, in the last step")

# GitLab CI.
gl = load("ci/gitlab/wsspec.gitlab-ci.yml")
job = gl.get("wsspec", {}) if isinstance(gl, dict) else {}
check(any("wsspec-ci.sh" in line for line in job.get("script", [])),
      "gitlab: the script does not run wsspec-ci.sh")
art = job.get("artifacts", {})
check(art.get("when") == "always", "gitlab: artifacts must be kept `when: always`")
check(str(art.get("reports", {}).get("junit", "")).endswith("junit.xml"),
      "gitlab: no artifacts:reports:junit")

for p in problems:
    print("FAIL:", p)
if not problems:
    print("ci/github/wsspec.yml, action.yml and ci/gitlab/wsspec.gitlab-ci.yml: ok")
sys.exit(1 if problems else 0)
