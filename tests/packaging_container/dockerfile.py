"""Reads the repository's Dockerfile: the subset of the syntax it uses, nothing more.

Shared by dockerfile_static_check.py (every ctest run) and dockerfile_replay.py (runs the
steps in a Debian 12 root). Instructions: FROM IMAGE [AS NAME], ARG, ENV, LABEL, WORKDIR,
COPY [--from=STAGE] SRC... DEST, RUN (shell form), USER, ENTRYPOINT and CMD (exec form,
a JSON array). Lines end in a backslash to continue; # starts a comment line. Anything else
(heredocs, RUN --mount, ADD, parser directives other than syntax=) is an error, so the
checks never pass over something they do not understand.
"""
import fnmatch
import json
import os
import re
import shlex

KNOWN = {"FROM", "ARG", "ENV", "LABEL", "WORKDIR", "COPY", "RUN", "USER", "ENTRYPOINT", "CMD"}


class DockerfileError(Exception):
    pass


class Instruction:
    def __init__(self, line, keyword, args):
        self.line, self.keyword, self.args = line, keyword, args

    def __repr__(self):
        return f"{self.line}: {self.keyword} {self.args}"


class Stage:
    def __init__(self, image, name):
        self.image, self.name, self.steps = image, name, []


def logical_lines(text):
    """(first line number, text) of each instruction, continuations joined."""
    out, buf, start = [], "", None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not buf and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if buf and line.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction is dropped, as docker does
        if start is None:
            start = n
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        out.append((start, buf + line))
        buf, start = "", None
    if buf:
        raise DockerfileError(f"line {start}: the last instruction ends in a backslash")
    return out


def parse(path):
    """The stages of PATH, in order; each holds its instructions after FROM."""
    stages = []
    for n, line in logical_lines(open(path, encoding="utf-8").read()):
        keyword, _, rest = line.strip().partition(" ")
        keyword = keyword.upper()
        rest = rest.strip()
        if keyword not in KNOWN:
            raise DockerfileError(f"line {n}: {keyword} is not in the subset this check reads")
        if keyword == "FROM":
            words = rest.split()
            if len(words) == 3 and words[1].upper() == "AS":
                stages.append(Stage(words[0], words[2]))
            elif len(words) == 1:
                stages.append(Stage(words[0], None))
            else:
                raise DockerfileError(f"line {n}: FROM IMAGE [AS NAME] expected")
            continue
        if not stages:
            raise DockerfileError(f"line {n}: {keyword} before the first FROM")
        if keyword in ("ENTRYPOINT", "CMD"):
            try:
                args = json.loads(rest)
            except ValueError:
                raise DockerfileError(f"line {n}: {keyword} must be a JSON array (exec form)")
            if not (isinstance(args, list) and all(isinstance(a, str) for a in args)):
                raise DockerfileError(f"line {n}: {keyword} must be an array of strings")
        elif keyword == "COPY":
            words = shlex.split(rest)
            opts = [w for w in words if w.startswith("--")]
            paths = [w for w in words if not w.startswith("--")]
            if any(not o.startswith("--from=") for o in opts) or len(paths) < 2:
                raise DockerfileError(f"line {n}: COPY [--from=STAGE] SRC... DEST expected")
            frm = opts[0][len("--from="):] if opts else None
            args = {"from": frm, "sources": paths[:-1], "dest": paths[-1]}
        elif keyword == "RUN":
            if rest.startswith("[") or rest.startswith("--"):
                raise DockerfileError(f"line {n}: only the shell form of RUN is read")
            args = rest
        elif keyword == "ENV":
            m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)=(\S*)", rest)
            if not m:
                raise DockerfileError(f"line {n}: ENV NAME=VALUE (one, no spaces) expected")
            args = (m.group(1), m.group(2))
        else:
            args = rest
        stages[-1].steps.append(Instruction(n, keyword, args))
    if not stages:
        raise DockerfileError("no FROM")
    return stages


def dockerignore(src):
    """The patterns of SRC/.dockerignore (docker's rules for the forms used: a name or
    path, ** for any folders)."""
    path = os.path.join(src, ".dockerignore")
    if not os.path.exists(path):
        return []
    pats = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#"):
            if line.startswith("!"):
                raise DockerfileError(".dockerignore: exceptions (!) are not read by this check")
            pats.append(line.strip("/"))
    return pats


def ignored(rel, patterns):
    """Whether the path REL (relative to the context) or a folder above it is excluded."""
    parts = rel.split("/")
    for i in range(1, len(parts) + 1):
        prefix = "/".join(parts[:i])
        for p in patterns:
            if fnmatch.fnmatchcase(prefix, p):
                return True
            if p.startswith("**/") and fnmatch.fnmatchcase(parts[i - 1], p[3:]):
                return True
    return False


def apt_packages(run):
    """The packages an `apt-get install` in the RUN text installs (options dropped)."""
    pkgs = []
    for part in re.split(r"&&|;|\|\|", run):
        words = shlex.split(part)
        while words and "=" in words[0] and not words[0].startswith("-"):
            words = words[1:]  # VAR=value prefixes
        if len(words) >= 2 and words[0] == "apt-get" and "install" in words:
            after = words[words.index("install") + 1:]
            pkgs += [w for w in after if not w.startswith("-")]
    return pkgs
