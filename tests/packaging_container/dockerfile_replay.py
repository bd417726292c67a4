#!/usr/bin/python3
"""Builds the image the Dockerfile describes without docker, and runs it against a server.

Usage: dockerfile_replay.py SOURCE_DIR WSSPEC WORK_DIR [--fresh] [--dockerfile FILE]
  (--dockerfile, as docker build -f: another Dockerfile with SOURCE_DIR as the context)

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
docs/container.md. Like docker's layer cache, a stage whose instructions, base and copied
files are unchanged since the last replay is reused from WORK_DIR (its key is in
ROOT/.replay-key), so changing only the runtime stage costs seconds; --fresh replays all.
Needs root (chroot, mount). Exit 0 ok, 1 a check failed, 77 cannot run here.
"""
import hashlib
import json
import os
import shutil
import signal
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


def unmount_below(root):
    """Unmount whatever an interrupted replay left mounted in ROOT: deleting a root with the
    host's /dev bound into it would delete the host's device nodes."""
    root = os.path.realpath(root)
    for _ in range(2):
        points = [line.split()[1] for line in open("/proc/self/mounts")]
        below = [m for m in points if m == root or m.startswith(root + "/")]
        if not below:
            return
        for m in sorted(below, reverse=True):
            subprocess.run(["umount", "-l", m])
    fail(f"cannot unmount what is mounted below {root}; not deleting it")


def remove_root(root):
    unmount_below(root)
    shutil.rmtree(root, ignore_errors=True)


def run_in_group(cmd, **kw):
    """subprocess.run in a process group of its own, all of it killed if this process is
    interrupted: a chroot's apt-get or ninja must not outlive the replay."""
    timeout = kw.pop("timeout", None)
    p = subprocess.Popen(cmd, start_new_session=True, **kw)
    try:
        out, err = p.communicate(timeout=timeout)
    except BaseException:
        try:
            os.killpg(p.pid, 9)
        except ProcessLookupError:
            pass
        p.wait()
        raise
    return subprocess.CompletedProcess(cmd, p.returncode, out, err)


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


def context_files(src, rel_sources, patterns):
    """(path in the context, path relative to the COPY destination) of each file a COPY of
    REL_SOURCES takes: files as files, folders by their contents, minus .dockerignore."""
    out = []
    for s in rel_sources:
        rel = os.path.normpath(s)
        path = os.path.join(src, rel)
        if not os.path.isdir(path):
            out.append((rel, None))
            continue
        for dirpath, dirnames, filenames in os.walk(path):
            drel = os.path.relpath(dirpath, src)
            dirnames[:] = sorted(d for d in dirnames
                                 if not dockerfile.ignored(os.path.normpath(os.path.join(drel, d)), patterns))
            for f in sorted(filenames):
                r = os.path.normpath(os.path.join(drel, f))
                if not dockerfile.ignored(r, patterns):
                    out.append((r, os.path.relpath(os.path.join(src, r), path)))
    return out


def copy_context(src, rel_sources, dest_abs, patterns):
    """COPY from the build context, as docker does."""
    for r, below in context_files(src, rel_sources, patterns):
        if below is None:
            out = os.path.join(dest_abs, os.path.basename(r)) if dest_abs.endswith("/") else dest_abs
        else:
            out = os.path.join(dest_abs, below)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        shutil.copy2(os.path.join(src, r), out, follow_symlinks=False)


def stage_key(src, stage, patterns, keys):
    """What a stage's result depends on: its base, its instructions, the files it copies from
    the context and the keys of the stages it copies from."""
    h = hashlib.sha256(f"{stage.image}\n".encode())
    for step in stage.steps:
        h.update(repr(step.args).encode() + step.keyword.encode())
        if step.keyword == "COPY":
            if step.args["from"]:
                h.update(keys.get(step.args["from"], "").encode())
                continue
            for r, _ in context_files(src, step.args["sources"], patterns):
                h.update(r.encode())
                full = os.path.join(src, r)
                h.update(os.readlink(full).encode() if os.path.islink(full)
                         else open(full, "rb").read())
    return h.hexdigest()


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


def replay(src, stages, patterns, base, work, fresh):
    roots, keys = {}, {}
    final = None
    for n, stage in enumerate(stages):
        root = os.path.join(work, f"stage-{n}-{stage.name or 'final'}")
        key = stage_key(src, stage, patterns, keys)
        key_file = os.path.join(root, ".replay-key")
        reuse = not fresh and os.path.exists(key_file) and open(key_file).read() == key
        log(f"stage {n} ({stage.image}{' AS ' + stage.name if stage.name else ''}): {root}"
            + (" (unchanged since the last replay: reused)" if reuse else ""))
        if not reuse:
            remove_root(root)
            subprocess.run(["cp", "-a", base, root], check=True)
            shutil.copy2("/etc/resolv.conf", inside(root, "/etc/resolv.conf"))
        env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}
        state = {"user": "", "workdir": "/", "entrypoint": [], "cmd": []}
        with Mounts(root):
            for step in stage.steps:
                if reuse and step.keyword in ("COPY", "RUN"):
                    continue
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
                    r = run_in_group(cmd)
                    if r.returncode != 0:
                        fail(f"line {step.line}: RUN exited {r.returncode}: {a}")
                log(f"  line {step.line}: {k} done in {time.monotonic() - started:.1f} s")
        if not reuse:
            with open(key_file, "w") as f:
                f.write(key)
        if stage.name:
            roots[stage.name] = root
            keys[stage.name] = key
        final = (root, env, state)
    return final


def run_image(final, wsspec, work):
    root, env, state = final
    env = dict(env, HOME=state["workdir"])
    entry = state["entrypoint"]
    if not entry:
        fail("the image has no ENTRYPOINT")
    report = inside(root, "/report")
    # A reused runtime root still holds the last replay's reports: they must not count.
    for f in os.listdir(report) if os.path.isdir(report) else []:
        os.remove(os.path.join(report, f))

    # The default command first: `docker run wsspec` prints the help.
    with Mounts(root):
        r = run_in_group(chroot_cmd(root, state["user"], env, state["workdir"], entry + state["cmd"]),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
            r = run_in_group(chroot_cmd(root, state["user"], env, state["workdir"], entry + args))
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
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # unmount and stop children
    if len(sys.argv) < 4:
        sys.exit("usage: dockerfile_replay.py SOURCE_DIR WSSPEC WORK_DIR [--fresh] [--dockerfile FILE]")
    src, wsspec, work = (os.path.abspath(a) for a in sys.argv[1:4])
    options = sys.argv[4:]
    fresh = "--fresh" in options
    path = os.path.join(src, "Dockerfile")
    if "--dockerfile" in options:
        path = os.path.abspath(options[options.index("--dockerfile") + 1])
    if os.geteuid() != 0:
        print("replay: needs root (chroot, mount): skipped")
        return 77
    os.makedirs(work, exist_ok=True)
    stages = dockerfile.parse(path)
    patterns = dockerfile.dockerignore(src)
    started = time.monotonic()
    base = base_root(src, work)
    log(f"base root ready in {time.monotonic() - started:.0f} s: {base}")
    final = replay(src, stages, patterns, base, work, fresh)
    run_image(final, wsspec, work)
    log(f"ok in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
