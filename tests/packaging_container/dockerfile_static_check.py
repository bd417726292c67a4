#!/usr/bin/python3
"""The Dockerfile, checked without docker (ctest packaging_container_static, seconds):

- it parses (the subset dockerfile.py reads) into a build stage on debian:12 and a runtime
  stage on debian:12-slim;
- every COPY source exists in the repository and is not excluded by .dockerignore, which
  keeps build/, .git and node_modules out of the context;
- the build stage installs its packages with ci/setup-debian.sh --build-only, configures into
  the folder the runtime stage copies the program from, and builds the wsspec target;
- the runtime stage installs packages that exist in Debian 12 (apt-cache show) and that
  provide every shared library the built program needs (ldd WSSPEC, dpkg -S), apart from
  the ones debian:12-slim already has (libc6, libstdc++6, libgcc-s1);
- a non-root user is created with a fixed uid, USER names it, /report is made writable, and
  ENTRYPOINT is the wsspec program the runtime stage copied.

Usage: dockerfile_static_check.py SOURCE_DIR WSSPEC
"""
import os
import re
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dockerfile  # noqa: E402

# In debian:12-slim already (apt needs them): no need to install, and the image has them.
IN_SLIM = {"libc6", "libstdc++6", "libgcc-s1"}

src, wsspec = sys.argv[1], sys.argv[2]
problems = []


def check(ok, what):
    if not ok:
        problems.append(what)
    return ok


try:
    stages = dockerfile.parse(os.path.join(src, "Dockerfile"))
except dockerfile.DockerfileError as e:
    print("FAIL: Dockerfile:", e)
    sys.exit(1)
patterns = dockerfile.dockerignore(src)

check(len(stages) == 2, f"expected two stages (build, runtime), found {len(stages)}")
build, runtime = stages[0], stages[-1]
check(build.image == "debian:12" and build.name, "the build stage must be `FROM debian:12 AS name`")
check(runtime.image == "debian:12-slim", "the runtime stage must be FROM debian:12-slim")

for p in ("build", ".git", "**/node_modules"):
    check(p in patterns, f".dockerignore does not exclude {p}")

# COPY sources: in the repository, not excluded (else docker fails, or copies nothing).
for stage in stages:
    for step in stage.steps:
        if step.keyword != "COPY" or step.args["from"]:
            continue
        for s in step.args["sources"]:
            rel = os.path.normpath(s)
            if rel == ".":
                continue
            check(os.path.exists(os.path.join(src, rel)), f"line {step.line}: COPY {s}: no such file")
            check(not dockerfile.ignored(rel, patterns),
                  f"line {step.line}: COPY {s} is excluded by .dockerignore")

# The build stage: setup-debian.sh --build-only, then cmake into the folder copied later.
runs = " && ".join(s.args for s in build.steps if s.keyword == "RUN")
check(re.search(r"ci/setup-debian\.sh --build-only\b", runs) is not None,
      "the build stage does not install its packages with ci/setup-debian.sh --build-only")
m = re.search(r"cmake -S \S+ -B (\S+)", runs)
check(m is not None, "the build stage does not configure with cmake -S ... -B DIR")
check("--target wsspec" in runs, "the build stage does not build the wsspec target")
copies_from_build = [s for s in runtime.steps if s.keyword == "COPY" and s.args["from"] == build.name]
check(len(copies_from_build) == 1, "the runtime stage must COPY the program from the build stage once")
program = None
if copies_from_build and m:
    c = copies_from_build[0].args
    check(c["sources"] == [m.group(1) + "/harness/wsspec"],
          f"the runtime stage copies {c['sources']}, not {m.group(1)}/harness/wsspec")
    program = c["dest"]

# The runtime packages: they exist in Debian 12 and cover the program's shared libraries.
installed = [p for s in runtime.steps if s.keyword == "RUN" for p in dockerfile.apt_packages(s.args)]
check(installed, "the runtime stage installs no packages")
shown = subprocess.run(["apt-cache", "show", "--no-all-versions", *installed], capture_output=True,
                       text=True).stdout
for p in installed:
    check(f"Package: {p}\n" in shown, f"{p} is not a Debian 12 package here (apt-cache show)")
ldd = subprocess.run(["ldd", wsspec], capture_output=True, text=True, check=True).stdout
libs = re.findall(r"=> (/\S+)", ldd)
check("not found" not in ldd, f"ldd {wsspec}: a library is not found")
# One dpkg -S for all (it takes a second per call). /lib is a symlink to /usr/lib: dpkg knows
# a file by the path its package shipped, so ask for both.
paths = sorted({os.path.realpath(lib) for lib in libs} | {os.path.realpath(lib).replace("/usr/lib/", "/lib/", 1) for lib in libs})
owners = subprocess.run(["dpkg", "-S", *paths], capture_output=True, text=True).stdout
needed = set()
for lib in libs:
    real = os.path.realpath(lib)
    alt = real.replace("/usr/lib/", "/lib/", 1)
    pkgs = [line.split(":")[0] for line in owners.splitlines()
            if line.endswith(": " + real) or line.endswith(": " + alt)]
    if check(pkgs, f"no Debian package owns {lib}"):
        needed.add(pkgs[0])
# A sanitizer build (the asan preset runs this test too) links the sanitizer runtimes, which
# no release build does.
needed = {p for p in needed if not re.fullmatch(r"lib(asan|ubsan|tsan|lsan)\d+", p)}
missing = needed - IN_SLIM - set(installed)
check(not missing, f"the runtime stage does not install {sorted(missing)}, which wsspec links")
print(f"wsspec links libraries of {sorted(needed)}; the runtime stage installs {installed}")

# The user: created with a fixed uid, not root; USER names it; /report writable.
user_steps = [s for s in runtime.steps if s.keyword == "USER"]
check(len(user_steps) == 1, "the runtime stage must have one USER")
user = user_steps[0].args if user_steps else ""
check(user not in ("", "root", "0") and not user.startswith("0:"), f"USER {user!r} is root")
runtime_runs = " && ".join(s.args for s in runtime.steps if s.keyword == "RUN")
m_user = re.search(r"useradd ([^&;]*)", runtime_runs)
if check(m_user is not None, "the runtime stage creates no user (useradd)"):
    words = shlex.split(m_user.group(1))
    check(words and words[-1] == user, f"useradd creates {words[-1:]} but USER is {user!r}")
    check("--uid" in words and words[words.index("--uid") + 1].isdigit()
          and int(words[words.index("--uid") + 1]) >= 1000, "the user needs a fixed uid >= 1000")
check(re.search(r"chmod 1777 /report\b", runtime_runs) is not None, "/report is not made writable (chmod 1777)")
order = [s.keyword for s in runtime.steps]
if "USER" in order and "RUN" in order:
    check(max(i for i, k in enumerate(order) if k == "RUN") < order.index("USER"),
          "a RUN comes after USER: it would run as the unprivileged user")

# The entrypoint is the program copied in.
entry = [s for s in runtime.steps if s.keyword == "ENTRYPOINT"]
check(len(entry) == 1, "the runtime stage must have one ENTRYPOINT")
if entry and program:
    check(entry[0].args == [program], f"ENTRYPOINT {entry[0].args} is not [{program!r}]")
check(os.path.basename(program or "") == "wsspec", "the program is not installed as wsspec")

for p in problems:
    print("FAIL:", p)
if not problems:
    print(f"Dockerfile: ok ({sum(len(s.steps) for s in stages)} instructions in {len(stages)} stages)")
sys.exit(1 if problems else 0)
