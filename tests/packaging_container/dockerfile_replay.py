#!/usr/bin/python3
"""Builds the image the Dockerfile describes without docker, and runs it against a server.

Usage: dockerfile_replay.py SOURCE_DIR WSSPEC WORK_DIR [--keep]

Where no docker daemon runs (this project's CI), this is how the Dockerfile's steps are
checked for real: each stage starts from a copy of a minimal Debian 12 root (debootstrap
--variant=minbase bookworm, made once by packaging/debian12_root.sh and cached in
WORK_DIR/debian12-root; it stands in for both debian:12 and debian:12-slim), and its
instructions run in order: COPY from the build context (minus .dockerignore) or from an
earlier stage's root, RUN as `chroot ROOT /bin/sh -c` with the stage's ENV, WORKDIR and USER.
Then the entrypoint runs as the image's user, in the runtime root, against `wsspec serve` (the
host's WSSPEC) on the shared loopback:
  ENTRYPOINT run ws://127.0.0.1:PORT/ --out /report --autobahn-json /report/index.json
and the check is that it exits 0 and /report holds results.json, index.html, junit.xml and an
Autobahn-shaped index.json, written by the image's user; that the default CMD (--help) works;
and that the runtime root has no compiler.

Takes minutes (the build stage compiles wsspec): not in the default ctest run; see
docs/container.md. Needs root (chroot, mount). Exit 0 ok, 1 a check failed, 77 cannot run here.
"""
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dockerfile  # noqa: E402

CASES = "1.*,handshake/*"  # enough to prove the program runs and writes every report


def log(msg):
    print(f"replay: {msg}", flush=True)


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


def base_root(src, work):
    """The cached Debian 12 root (the install helper's script makes it, once)."""
    root = os.path.join(work, "debian12-root")
    script = os.path.join(src, "packaging", "debian12_root.sh")
    if os.path.exists(script):
        r = subprocess.run(["sh", script, root])
        if r.returncode == 77:
            sys.exit(77)
        if r.returncode != 0:
            fail(f"{script} failed ({r.returncode})")
        return root
    # Without it: the same debootstrap call, and a marker so a half-made root is not reused.
    marker = os.path.join(root, ".debian12-root-complete")
    if not os.path.exists(marker):
        if os.geteuid() != 0 or not shutil.which("debootstrap"):
            print("replay: needs root and debootstrap: skipped")
            sys.exit(77)
        shutil.rmtree(root + ".partial", ignore_errors=True)
        subprocess.run(["debootstrap", "--variant=minbase", "bookworm", root + ".partial",
                        "http://deb.debian.org/debian"], check=True)
        os.rename(root + ".partial", root)
        open(marker, "w").close()
    return root


class Mounts:
    """/proc and /dev inside a root, for as long as its steps run; always unmounted."""

    def __init__(self, root):
        self.root, self.done = root, []

    def __enter__(self):
        for what, args in (("proc", ["-t", "proc", "proc"]), ("dev", ["--bind", "/dev"])):
            target = os.path.join(self.root, what)
            os.makedirs(target, exist_ok=True)
            subprocess.run(["mount", *args, target], check=True)
            self.done.append(target)
        return self

    def __exit__(self, *exc):
        for target in reversed(self.done):
            subprocess.run(["umount", "-l", target])


def copy_context(src, rel_sources, dest_abs, patterns):
    """COPY from the build context: files as files, folders by their contents, as docker."""
    for s in rel_sources:
        rel = os.path.normpath(s)
        path = os.path.join(src, rel)
        if os.path.isdir(path):
            os.makedirs(dest_abs, exist_ok=True)
            for dirpath, dirnames, filenames in os.walk(path):
                drel = os.path.relpath(dirpath, src)
                keep = []
                for d in dirnames:
                    r = os.path.normpath(os.path.join(drel, d))
                    if not dockerfile.ignored(r, patterns):
                        keep.append(d)
                dirnames[:] = keep
                for f in filenames:
                    r = os.path.normpath(os.path.join(drel, f))
                    if dockerfile.ignored(r, patterns):
                        continue
                    out = os.path.join(dest_abs, os.path.relpath(os.path.join(src, r), path))
                    os.makedirs(os.path.dirname(out), exist_ok=True)
                    shutil.copy2(os.path.join(src, r), out, follow_symlinks=False)
        else:
            out = os.path.join(dest_abs, os.path.basename(rel)) if dest_abs.endswith("/") else dest_abs
            os.makedirs(os.path.dirname(out), exist_ok=True)
            shutil.copy2(path, out)


def inside(root, path):
    return os.path.join(root, path.lstrip("/"))


def user_ids(root, user):
    """uid:gid of USER (a name or uid[:gid]) from the root's own /etc/passwd."""
    name, _, group = user.partition(":")
    for line in open(inside(root, "/etc/passwd"), encoding="utf-8"):
        f = line.split(":")
        if f[0] == name or f[2] == name:
            return int(f[2]), int(group) if group.isdigit() else int(f[3])
    fail(f"USER {user}: not in the image's /etc/passwd")


def chroot_cmd(root, user, env, workdir, argv):
    userspec = []
    if user and user not in ("root", "0"):
        uid, gid = user_ids(root, user)
        userspec = [f"--userspec={uid}:{gid}"]
    shell = f'cd "$1" && shift && exec "$@"'
    return (["env", "-i", *[f"{k}={v}" for k, v in env.items()], "chroot", *userspec, root,
             "/bin/sh", "-c", shell, "sh", workdir, *argv])


def replay(src, stages, patterns, base, work):
    roots = {}
    final = None
    for n, stage in enumerate(stages):
        root = os.path.join(work, f"stage-{n}-{stage.name or 'final'}")
        log(f"stage {n} ({stage.image}{' AS ' + stage.name if stage.name else ''}): {root}")
        shutil.rmtree(root, ignore_errors=True)
        subprocess.run(["cp", "-a", base, root], check=True)
        shutil.copy2("/etc/resolv.conf", inside(root, "/etc/resolv.conf"))
        env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}
        state = {"user": "", "workdir": "/", "entrypoint": [], "cmd": []}
        with Mounts(root):
            for step in stage.steps:
                started = time.monotonic()
                k, a = step.keyword, step.args
                if k == "ENV":
                    env[a[0]] = a[1]
                elif k == "WORKDIR":
                    state["workdir"] = a
                    os.makedirs(inside(root, a), exist_ok=True)
                elif k == "USER":
                    state["user"] = a
                elif k in ("ENTRYPOINT", "CMD"):
                    state[k.lower()] = a
                elif k == "COPY":
                    dest = inside(root, a["dest"]) + ("/" if a["dest"].endswith("/") else "")
                    if a["from"]:
                        if a["from"] not in roots:
                            fail(f"line {step.line}: no stage {a['from']}")
                        for s in a["sources"]:
                            os.makedirs(os.path.dirname(dest), exist_ok=True)
                            shutil.copy2(inside(roots[a["from"]], s), dest)
                    else:
                        copy_context(src, a["sources"], dest, patterns)
                elif k == "RUN":
                    cmd = chroot_cmd(root, state["user"], env, state["workdir"], ["/bin/sh", "-c", a])
                    r = subprocess.run(cmd)
                    if r.returncode != 0:
                        fail(f"line {step.line}: RUN exited {r.returncode}: {a}")
                log(f"  line {step.line}: {k} done in {time.monotonic() - started:.1f} s")
        if stage.name:
            roots[stage.name] = root
        final = (root, env, state)
    return final


def run_image(final, wsspec, work):
    root, env, state = final
    env = dict(env, HOME=state["workdir"])
    entry = state["entrypoint"]
    if not entry:
        fail("the image has no ENTRYPOINT")
    report = inside(root, "/report")

    # The default command first: `docker run wsspec` prints the help.
    with Mounts(root):
        r = subprocess.run(chroot_cmd(root, state["user"], env, state["workdir"], entry + state["cmd"]),
                           capture_output=True, text=True)
    if r.returncode != 0 or "Usage" not in r.stdout:
        fail(f"the default command {entry + state['cmd']} exited {r.returncode}: {r.stdout}{r.stderr}")

    server = subprocess.Popen([wsspec, "serve", "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline().strip()
        if not line.startswith("listening on "):
            fail(f"wsspec serve said {line!r}")
        url = line[len("listening on "):]
        args = ["run", url, "--out", "/report", "--autobahn-json", "/report/index.json", "--cases", CASES]
        log(f"running the image: {' '.join(entry + args)} as {state['user']}")
        with Mounts(root):
            r = subprocess.run(chroot_cmd(root, state["user"], env, state["workdir"], entry + args),
                               timeout=300)
    finally:
        server.terminate()
        server.wait(timeout=10)
    if r.returncode != 0:
        fail(f"the image's wsspec run exited {r.returncode}")
    uid, _ = user_ids(root, state["user"])
    for f in ("results.json", "index.html", "junit.xml", "index.json"):
        p = os.path.join(report, f)
        if not os.path.isfile(p) or os.path.getsize(p) == 0:
            fail(f"/report/{f} was not written")
        if os.stat(p).st_uid != uid:
            fail(f"/report/{f} belongs to uid {os.stat(p).st_uid}, not the image's user {uid}")
    ab = json.load(open(os.path.join(report, "index.json")))
    agent = next(iter(ab.values()), {})
    one = agent.get("1.1.1", {})
    if one.get("behavior") != "OK" or "behaviorClose" not in one:
        fail(f"index.json is not Autobahn's shape: 1.1.1 is {one}")
    results = json.load(open(os.path.join(report, "results.json")))
    log(f"the image's run: {results['summary']}")
    for compiler in ("/usr/bin/g++", "/usr/bin/cc", "/usr/bin/cmake"):
        if os.path.exists(inside(root, compiler)):
            fail(f"the runtime image has {compiler}: build tools leaked into it")
    if os.geteuid() == 0 and shutil.which("du"):
        size = subprocess.run(["du", "-sm", root], capture_output=True, text=True).stdout.split()[0]
        log(f"runtime root: {size} MiB (a minbase root standing in for debian:12-slim)")


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: dockerfile_replay.py SOURCE_DIR WSSPEC WORK_DIR [--keep]")
    src, wsspec, work = (os.path.abspath(a) for a in sys.argv[1:4])
    keep = "--keep" in sys.argv[4:]
    if os.geteuid() != 0:
        print("replay: needs root (chroot, mount): skipped")
        return 77
    os.makedirs(work, exist_ok=True)
    stages = dockerfile.parse(os.path.join(src, "Dockerfile"))
    patterns = dockerfile.dockerignore(src)
    started = time.monotonic()
    base = base_root(src, work)
    log(f"base root ready in {time.monotonic() - started:.0f} s: {base}")
    final = replay(src, stages, patterns, base, work)
    run_image(final, wsspec, work)
    if not keep:
        for n, stage in enumerate(stages):
            shutil.rmtree(os.path.join(work, f"stage-{n}-{stage.name or 'final'}"), ignore_errors=True)
    log(f"ok in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
