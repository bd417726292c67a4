#!/bin/sh
# Installs everything wsspec needs to build and test, from Debian 12 packages.
# Idempotent: packages already present are skipped, and apt is not touched at all
# when nothing is missing, so calling it before every build costs a few ms.
#
#   ci/setup-debian.sh                everything: the build of wsspec, its tests, benchmarks,
#                                     fuzz targets and sanitizer builds
#   ci/setup-debian.sh --build-only   only what `cmake --build ... --target wsspec` needs (with
#                                     WSSPEC_BUILD_TESTS/BENCH off): the Dockerfile's build stage
#                                     and the GitHub Action (action.yml) use it; the same names
#                                     exist on Ubuntu 24.04
set -eu

# Each package and why it is here (README.md, "Dependencies", says the same to users).
# The build of the wsspec program itself:
BUILD_PACKAGES="
build-essential
cmake
ninja-build
pkg-config
libssl-dev
zlib1g-dev
libisal-dev
libasio-dev
nlohmann-json3-dev
libcli11-dev
"
# The tests, benchmarks, fuzz targets and sanitizer builds, on top of those:
PACKAGES="
clang
libclang-rt-14-dev
llvm
libgtest-dev
libgmock-dev
libbenchmark-dev
libsimdjson-dev
libxml2-utils
python3-yaml
openssl
groff-base
debootstrap
"

case ${1:-} in
  --build-only) PACKAGES=$BUILD_PACKAGES ;;
  '') PACKAGES="$BUILD_PACKAGES $PACKAGES" ;;
  *)
    echo "usage: $0 [--build-only]" >&2
    exit 2
    ;;
esac

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -n "$missing" ]; then
  echo "setup: installing$missing" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
