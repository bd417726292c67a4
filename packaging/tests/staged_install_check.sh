#!/bin/sh
# ctest packaging_staged_install: `cmake --install BUILD --prefix STAGE` installs exactly what
# docs/install.md says and nothing else (no test, benchmark or fuzz program, no library or
# header), the installed wsspec runs and reports the project's version, the completion is
# valid bash, and the README's links to other shipped files resolve where it is installed.
#   packaging/tests/staged_install_check.sh BUILD_DIR SOURCE_DIR VERSION WORK_DIR
set -eu
build=$1
source=$2
version=$3
work=$4
stage="$work/stage"
rm -rf "$work"
mkdir -p "$work"
failures=0
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  failures=$((failures + 1))
}

cmake --install "$build" --prefix "$stage" >"$work/install.log"

doc=share/doc/wsspec
{
  echo bin/wsspec
  echo share/man/man1/wsspec.1
  echo share/bash-completion/completions/wsspec
  echo share/wsspec/schema.json
  echo "$doc/README.md"
  echo "$doc/cases/README.md"
  echo "$doc/cases/requirements.json"
  echo "$doc/ci/wsspec-ci.sh"
  echo "$doc/ci/github/wsspec.yml"
  echo "$doc/ci/gitlab/wsspec.gitlab-ci.yml"
  # Every guide and picture under docs/, whoever added it.
  (cd "$source/docs" && find . -maxdepth 1 -type f \( -name '*.md' -o -name '*.png' \)) |
    sed "s|^\./|$doc/docs/|"
} | sort >"$work/expected"
(cd "$stage" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort) >"$work/installed"

comm -13 "$work/expected" "$work/installed" >"$work/unexpected"
comm -23 "$work/expected" "$work/installed" >"$work/missing"
while read -r f; do fail "installed but not meant to be: $f"; done <"$work/unexpected"
while read -r f; do fail "not installed: $f"; done <"$work/missing"

# The files that must be identical to the repository's.
same() {
  cmp -s "$source/$1" "$stage/$2" || fail "$2 differs from the repository's $1"
}
same cases/schema.json share/wsspec/schema.json
same README.md "$doc/README.md"
same ci/wsspec-ci.sh "$doc/ci/wsspec-ci.sh"
[ -x "$stage/$doc/ci/wsspec-ci.sh" ] || fail "$doc/ci/wsspec-ci.sh is not executable"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$stage/share/wsspec/schema.json" ||
  fail "share/wsspec/schema.json is not JSON"

got=$("$stage/bin/wsspec" --version 2>&1) || fail "installed wsspec --version exits $?"
[ "$got" = "$version" ] || fail "installed wsspec --version says '$got', the project is $version"
bash -n "$stage/share/bash-completion/completions/wsspec" || fail "the completion is not valid bash"
grep -q '^\.TH WSSPEC 1 ' "$stage/share/man/man1/wsspec.1" || fail "the man page has no .TH WSSPEC 1"

# README links (path part of ](target)) that stay inside the repository must resolve.
grep -o '](\([^)#]*\)' "$stage/$doc/README.md" | sed 's/^](//' | sort -u |
  while read -r target; do
    case $target in
      '' | http://* | https://* | mailto:* | ../*) continue ;;
    esac
    [ -e "$stage/$doc/$target" ] || echo "$target"
  done >"$work/dead-links"
while read -r l; do fail "README.md links to $l, which is not installed beside it"; done <"$work/dead-links"

if [ "$failures" -ne 0 ]; then
  echo "staged_install_check: $failures failure(s); installed files in $work/installed" >&2
  exit 1
fi
echo "staged_install_check: $(wc -l <"$work/installed") files, exactly the expected ones; wsspec $got runs"
