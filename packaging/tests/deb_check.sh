#!/bin/sh
# ctest packaging_deb_*: the Debian package CPack makes from a build folder.
#   packaging/tests/deb_check.sh build   BUILD_DIR VERSION WORK_DIR   cpack -G DEB into WORK_DIR/out
#   packaging/tests/deb_check.sh control BUILD_DIR VERSION WORK_DIR   its fields, Depends, files
#   packaging/tests/deb_check.sh runs    BUILD_DIR VERSION WORK_DIR   unpacked, the program works
# control: Package/Version/Architecture/Maintainer/Section/Description are right; Depends
# names exactly the packages that own the libraries the program links (found here from its
# NEEDED entries with dpkg -S, not from dpkg-shlibdeps) and each is satisfiable by a Debian 12
# version apt knows (or, without apt lists, the installed one); the files are those of a
# staged `cmake --install` with the man page gzipped, plus a changelog.Debian.gz of this
# version; the program is stripped.
# runs: unpacked with dpkg-deb -x (this machine's /usr is not touched), its wsspec prints the
# version, lists the cases, and passes `run --cases 1.1.*` against its own `wsspec serve`.
# A fresh Debian 12 installing it with apt: packaging/deb_debian12_check.sh (needs the mirror).
set -eu
mode=$1
build=$(cd "$2" && pwd)
version=$3
work=$4
out="$work/out"
failures=0
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  failures=$((failures + 1))
}
finish() {
  if [ "$failures" -ne 0 ]; then
    echo "deb_check $mode: $failures failure(s)" >&2
    exit 1
  fi
  echo "deb_check $mode: $*"
  exit 0
}
the_deb() {
  set -- "$out"/wsspec_*.deb
  if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    echo "FAIL: expected one wsspec_*.deb in $out (ctest packaging_deb_build makes it)" >&2
    exit 1
  fi
  echo "$1"
}

case $mode in
  build)
    rm -rf "$out"
    mkdir -p "$out"
    (cd "$build" && cpack -G DEB -B "$out" --config "$build/CPackConfig.cmake") >"$work/cpack.log" 2>&1 || {
      cat "$work/cpack.log" >&2
      exit 1
    }
    deb=$(the_deb)
    finish "built $(basename "$deb"), $(wc -c <"$deb") bytes"
    ;;

  control)
    deb=$(the_deb)
    arch=$(dpkg --print-architecture)
    field() { dpkg-deb -f "$deb" "$1"; }
    [ "$(field Package)" = wsspec ] || fail "Package is '$(field Package)', not wsspec"
    [ "$(field Version)" = "$version-1" ] || fail "Version is '$(field Version)', not $version-1"
    [ "$(field Architecture)" = "$arch" ] || fail "Architecture is '$(field Architecture)', not $arch"
    [ "$(field Section)" = net ] || fail "Section is '$(field Section)', not net"
    field Maintainer | grep -qE '^[^<]+ <[^@>]+@[^>]+>$' || fail "Maintainer '$(field Maintainer)' is not 'name <email>'"
    field Description >"$work/description"
    [ "$(wc -l <"$work/description")" -ge 3 ] || fail "Description has no extended text"
    sed -n '2,$p' "$work/description" | grep -qv '^ ' && fail "Description lines after the first must start with a space"

    # Depends, as "name op version" lines (alternatives are not expected here).
    field Depends | tr ',' '\n' | sed 's/^ *//; s/ *$//; /^$/d' | sed -n 's/^\([^ (|]*\) *(\([<>=]*\) *\([^)]*\))$/\1 \2 \3/p; s/^\([^ (|]*\)$/\1 - -/p' |
      sort >"$work/depends"
    cut -d' ' -f1 "$work/depends" >"$work/depends-names"

    # What it must be: the package owning each library in the program's NEEDED entries.
    rm -rf "$work/unpacked"
    dpkg-deb -x "$deb" "$work/unpacked"
    multiarch=$(gcc -print-multiarch 2>/dev/null || dpkg-architecture -qDEB_HOST_MULTIARCH)
    objdump -p "$work/unpacked/usr/bin/wsspec" | awk '$1 == "NEEDED" { print $2 }' >"$work/needed"
    [ -s "$work/needed" ] || fail "the program has no NEEDED entries (not dynamically linked?)"
    # One dpkg -S for all (each call reads the whole file database), kept to this architecture.
    sed 's|^|*/|' "$work/needed" | xargs dpkg -S 2>/dev/null | grep "/$multiarch/" >"$work/owned" || true
    while read -r soname; do
      owner=$(grep "/$multiarch/$soname\$" "$work/owned" | sed 's/:.*//' | head -n 1)
      if [ -z "$owner" ]; then
        fail "no installed package owns $soname"
      else
        echo "$owner"
      fi
    done <"$work/needed" | sort -u >"$work/owners"
    if ! cmp -s "$work/owners" "$work/depends-names"; then
      fail "Depends names $(tr '\n' ' ' <"$work/depends-names")but the linked libraries belong to $(tr '\n' ' ' <"$work/owners")"
    fi
    for must in libc6 libssl3 libstdc++6 zlib1g; do
      grep -qx "$must" "$work/depends-names" || fail "Depends lacks $must"
    done

    # Satisfiable on Debian 12: some version apt knows (bookworm's lists) or, without lists,
    # the installed version, meets each constraint.
    # One apt-cache call for all of them: each reads every package list (over a second here).
    cut -d' ' -f1 "$work/depends" | xargs apt-cache madison 2>/dev/null |
      awk -F'|' '{ gsub(/ /, "", $1); gsub(/ /, "", $2); print $1, $2 }' >"$work/known-versions" || true
    source="apt lists"
    [ -s "$work/known-versions" ] || source="installed packages"
    while read -r name op want; do
      versions=$( (awk -v n="$name" '$1 == n { print $2 }' "$work/known-versions"
        dpkg-query -W -f='${Version}\n' "$name" 2>/dev/null) | sort -u)
      [ -n "$versions" ] || { fail "Depends on $name, which Debian 12's apt does not know"; continue; }
      [ "$op" = - ] && continue
      ok=""
      for v in $versions; do
        if dpkg --compare-versions "$v" "$op" "$want"; then ok=$v; break; fi
      done
      # shellcheck disable=SC2086 # one version a word
      [ -n "$ok" ] || fail "no known version of $name is $op $want (known: $(printf '%s ' $versions))"
    done <"$work/depends"

    # Files: those of a staged install (ctest packaging_staged_install checks that list), under
    # /usr, with the man page gzipped; modes 0755 for the program, 0644 for the rest.
    rm -rf "$work/stage"
    cmake --install "$build" --prefix "$work/stage" >/dev/null
    { (cd "$work/stage" && find . -type f | sed 's|^\./|./usr/|; s|/man1/wsspec\.1$|/man1/wsspec.1.gz|')
      echo ./usr/share/doc/wsspec/changelog.Debian.gz; } | sort >"$work/files-expected"
    dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $NF }' | sort >"$work/files-deb"
    if ! cmp -s "$work/files-expected" "$work/files-deb"; then
      fail "the package's files are not those of cmake --install:"
      diff "$work/files-expected" "$work/files-deb" | sed 's/^/    /' >&2 || true
    fi
    dpkg-deb -c "$deb" | awk '$1 !~ /^d/ && $2 != "root/root" { print "owner " $2 " of " $NF }
      $NF == "./usr/bin/wsspec" && $1 != "-rwxr-xr-x" { print "mode " $1 " of " $NF }
      $NF != "./usr/bin/wsspec" && $NF !~ /\.sh$/ && $1 ~ /^-/ && $1 != "-rw-r--r--" { print "mode " $1 " of " $NF }' \
      >"$work/bad-modes"
    while read -r l; do fail "$l"; done <"$work/bad-modes"
    gzip -t "$work/unpacked/usr/share/man/man1/wsspec.1.gz" || fail "the man page is not valid gzip"
    # The changelog's first line names this version; dpkg-parsechangelog reads it.
    gzip -dc "$work/unpacked/usr/share/doc/wsspec/changelog.Debian.gz" >"$work/changelog" ||
      fail "changelog.Debian.gz is not valid gzip"
    got=$(dpkg-parsechangelog -l "$work/changelog" -S Version 2>&1) || got="unreadable: $got"
    [ "$got" = "$version-1" ] || fail "changelog.Debian: version '$got', not $version-1"
    if readelf -S "$work/unpacked/usr/bin/wsspec" | grep -q '\.symtab'; then
      fail "usr/bin/wsspec is not stripped"
    fi
    finish "fields right; Depends $(tr '\n' ' ' <"$work/depends-names")= owners of the linked libraries, satisfiable ($source); $(wc -l <"$work/files-deb") files as installed"
    ;;

  runs)
    deb=$(the_deb)
    root="$work/root"
    rm -rf "$root" "$work/run"
    dpkg-deb -x "$deb" "$root"
    program="$root/usr/bin/wsspec"
    got=$("$program" --version) || fail "wsspec --version exits $?"
    [ "$got" = "$version" ] || fail "wsspec --version says '$got', not $version"
    listed=$("$program" list | tail -n 1)
    built=$("$build/harness/wsspec" list | tail -n 1)
    [ "$listed" = "$built" ] || fail "the packaged wsspec lists '$listed', the build '$built'"
    case $listed in
      *[1-9]*' cases') ;;
      *) fail "wsspec list ends with '$listed', not a case count" ;;
    esac

    "$program" serve --port 0 >"$work/serve.out" 2>"$work/serve.err" &
    serve_pid=$!
    trap 'kill "$serve_pid" 2>/dev/null || true' EXIT
    url=""
    i=0
    while [ $i -lt 100 ] && [ -z "$url" ]; do
      url=$(sed -n 's/^listening on \(ws:[^ ]*\)$/\1/p' "$work/serve.out")
      [ -n "$url" ] || kill -0 "$serve_pid" 2>/dev/null || break  # it exited
      [ -n "$url" ] || sleep 0.1
      i=$((i + 1))
    done
    [ -n "$url" ] || { cat "$work/serve.err" >&2; fail "the packaged wsspec serve did not listen (exited, or not within 10 s)"; finish; }
    rc=0
    "$program" run "$url" --cases '1.1.*' --out "$work/run" >"$work/run.log" 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || { cat "$work/run.log" >&2; fail "wsspec run --cases '1.1.*' against wsspec serve exits $rc"; }
    summary=$(python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))["summary"]; print(s["pass"], sum(s.values()))' \
      "$work/run/results.json" 2>/dev/null || echo "0 -1")
    passed=${summary% *}
    total=${summary#* }
    if [ "$passed" -lt 8 ] || [ "$passed" -ne "$total" ]; then
      fail "results.json: $passed of $total cases passed, expected all of at least 8"
    fi
    kill "$serve_pid"
    wait "$serve_pid" || true
    trap - EXIT
    finish "the unpacked wsspec $got lists $listed and passes $passed cases of 1.1.* against its own serve"
    ;;

  *)
    echo "usage: $0 build|control|runs BUILD_DIR VERSION WORK_DIR" >&2
    exit 2
    ;;
esac
