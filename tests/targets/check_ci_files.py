#!/usr/bin/python3
"""Checks the CI files users copy from ci/ (run by ctest as ci_workflow_files):
the YAML parses, and each file still does what the README promises: run ci/wsspec-ci.sh,
keep the report whatever the outcome, and hand junit.xml to the CI system.

Usage: check_ci_files.py SOURCE_DIR   (exit 77, "skipped", without python3-yaml)
"""
import os
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
check(any("wsspec-ci.sh" in s.get("run", "") for s in steps),
      "github: no step runs wsspec-ci.sh")
uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")
           and s.get("with", {}).get("path", "").startswith("wsspec-report")]
check(len(uploads) == 1 and uploads[0].get("if") == "always()",
      "github: the report must be uploaded with if: always()")
check(any("setup-debian.sh" in s.get("run", "") and "cmake --preset default" in s.get("run", "")
          for s in steps), "github: wsspec is not built with setup-debian.sh and the default preset")
check("WSSPEC_GIT_URL" in gh.get("env", {}), "github: no WSSPEC_GIT_URL variable")

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
    print("ci/github/wsspec.yml and ci/gitlab/wsspec.gitlab-ci.yml: ok")
sys.exit(1 if problems else 0)
