#!/usr/bin/env bash
# The GitHub Action's build step (action.yml): builds wsspec's container image from the
# action's own checkout (the repository's Dockerfile: Debian 12, the same system wsspec's own
# CI builds and tests on) and gives the run step a command that runs it like a program.
#
#   build-image.sh [IMAGE]     IMAGE defaults to wsspec-action:local
#
# Writes wsspec=<path of wsspec-docker.sh> to $GITHUB_OUTPUT (or prints it), and exports
# WSSPEC_IMAGE through $GITHUB_ENV so that wrapper finds the image.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
image=${1:-wsspec-action:local}

command -v docker >/dev/null 2>&1 || {
  echo "wsspec-action: docker is not installed; give the input 'wsspec' (a wsspec program) instead" >&2
  exit 2
}
start=$(date +%s)
docker build --tag "$image" "$src"
echo "wsspec-action: built $image in $(($(date +%s) - start)) s"

if [ -n "${GITHUB_ENV:-}" ]; then echo "WSSPEC_IMAGE=$image" >>"$GITHUB_ENV"; fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "wsspec=$here/wsspec-docker.sh" >>"$GITHUB_OUTPUT"
else
  echo "wsspec=$here/wsspec-docker.sh"
fi
