#!/bin/sh
# ctest packaging_completion: the generated bash completion, sourced in a clean bash
# (bash --norc) and called as bash calls it (COMP_WORDS, COMP_CWORD), offers exactly wsspec's
# commands, exactly each command's flags as `wsspec COMMAND --help` prints them, case ids and
# Autobahn ids of `wsspec list` for --cases (also after a comma and as --cases=), file and
# folder names where an option takes one, and nothing for a number.
#   packaging/tests/completion_check.sh WSSPEC COMPLETION_FILE
# The expected words come from the help and the list here (grep/sed), not from the generator.
set -eu
wsspec=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
completion=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  failures=$((failures + 1))
}

# Candidates for a command line whose last word is being completed: one per line, sorted.
complete_words() {
  bash --norc --noprofile -c '
    source "$1" || exit 3
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _wsspec wsspec "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}"' complete_words "$completion" "$@" </dev/null | sed '/^$/d' | sort
}
# expect NAME EXPECTED_FILE WORDS...: the candidates must be exactly the lines of the file.
expect() {
  name=$1
  want=$2
  shift 2
  complete_words "$@" >"$work/got"
  sort "$want" | sed '/^$/d' >"$work/want"
  if ! cmp -s "$work/got" "$work/want"; then
    fail "$name: completing '$*'"
    diff "$work/want" "$work/got" | sed 's/^/    /' | head -n 20 >&2
  fi
}
lines() { printf '%s\n' "$@" >"$work/lines"; }

bash --norc -c 'source "$1" && complete -p wsspec' _ "$completion" >"$work/registered" ||
  fail "sourcing the file does not register a completion for wsspec"
grep -q -- '-F _wsspec wsspec' "$work/registered" || fail "completion is not '-F _wsspec'"

# The commands, and for each its flags, from the help itself.
"$wsspec" --help | sed -n '/^Subcommands:$/,/^$/p' | awk '/^  [^ ]/ { print $1 }' >"$work/commands"
[ -s "$work/commands" ] || fail "wsspec --help lists no commands"
expect "all commands" "$work/commands" wsspec ""
grep '^r' "$work/commands" >"$work/r-commands" || true
expect "commands starting with r" "$work/r-commands" wsspec r
help_flags() { grep -E '^  -' | awk '{ print $1 }' | tr ',' '\n'; }
"$wsspec" --help | help_flags >"$work/top-flags"
expect "wsspec's own flags" "$work/top-flags" wsspec -
while read -r c; do
  "$wsspec" "$c" --help </dev/null | help_flags >"$work/flags-$c"
  expect "flags of $c" "$work/flags-$c" wsspec "$c" -
  grep -- '^--' "$work/flags-$c" >"$work/long-flags-$c"
  # Options before the command's own words must not hide the command.
  expect "long flags of $c after another option" "$work/long-flags-$c" wsspec "$c" --help -- </dev/null
done <"$work/commands"

# Case ids and Autobahn ids of `wsspec list` ("ID  [AUTOBAHN]  TITLE", then a count).
"$wsspec" list | awk 'NF > 1 && !/^[0-9]+ cases$/ { print $1; if ($2 ~ /^\[/) print substr($2, 2, length($2) - 2) }' \
  >"$work/case-words"
grep '^1\.1\.' "$work/case-words" >"$work/autobahn-1.1" || true
[ "$(wc -l <"$work/autobahn-1.1")" -ge 8 ] || fail "wsspec list has fewer than 8 cases with Autobahn ids 1.1.*"
expect "--cases Autobahn ids" "$work/autobahn-1.1" "$wsspec" run --cases 1.1.
expect "--exclude Autobahn ids" "$work/autobahn-1.1" "$wsspec" fuzz --exclude 1.1.
expect "--cases= Autobahn ids" "$work/autobahn-1.1" "$wsspec" list --cases = 1.1.
grep '^handshake/' "$work/case-words" | sed 's|^|2.1,|' >"$work/after-comma"
[ -s "$work/after-comma" ] || fail "wsspec list has no handshake/ case"
expect "--cases after a comma" "$work/after-comma" "$wsspec" run --cases 2.1,handshake/
sort -u "$work/case-words" >"$work/all-case-words"
expect "--cases with nothing typed" "$work/all-case-words" "$wsspec" run --cases ""
expect "--cases= with nothing typed" "$work/all-case-words" "$wsspec" run --cases =

# Files and folders where the option takes one; nothing for numbers or a URL.
mkdir -p "$work/tree/reports-dir" "$work/tree/reports-dir2"
: >"$work/tree/results.json"
: >"$work/tree/reports.txt"
lines "$work/tree/reports-dir" "$work/tree/reports-dir2" "$work/tree/reports.txt"
expect "--baseline: files" "$work/lines" wsspec run --baseline "$work/tree/rep"
lines "$work/tree/reports-dir" "$work/tree/reports-dir2"
expect "--out: folders only" "$work/lines" wsspec run ws://x/ --out "$work/tree/rep"
expect "--case-dir: folders only" "$work/lines" wsspec list --case-dir "$work/tree/rep"
lines "$work/tree/results.json"
expect "report's positional: files" "$work/lines" wsspec report "$work/tree/res"
: >"$work/empty"
expect "--jobs: nothing" "$work/empty" wsspec run --jobs ""
expect "--port: nothing" "$work/empty" wsspec serve --port 9
expect "a URL: nothing" "$work/empty" wsspec run ""

if [ "$failures" -ne 0 ]; then
  echo "completion_check: $failures failure(s)" >&2
  exit 1
fi
echo "completion_check: $(wc -l <"$work/commands") commands, their flags, case ids, files and folders complete as expected"
