#!/bin/sh
# Runs the wsspec image (build-image.sh) as if it were the wsspec program: the same arguments,
# the same working directory and paths (the current folder is mounted at its own path, so
# --out and --baseline given relative to it, or absolute inside it, mean the same file), the
# host's network (the server listens on the runner's loopback), and the caller's uid and gid,
# so the reports belong to the caller.
#   WSSPEC_IMAGE   the image; default wsspec-action:local
set -eu
here=$(pwd)
exec docker run --rm --network host --user "$(id -u):$(id -g)" \
  --volume "$here:$here" --workdir "$here" "${WSSPEC_IMAGE:-wsspec-action:local}" "$@"
