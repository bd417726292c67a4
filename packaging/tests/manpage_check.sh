#!/bin/sh
# ctest packaging_manpage: the built man page documents every command `wsspec --help` lists
# and, in that command's section, every flag `wsspec COMMAND --help` prints, and wsspec's own
# options; it carries the program's version; groff and man render it without a warning; its
# NAME line is what whatis/apropos index.
#   packaging/tests/manpage_check.sh WSSPEC PAGE
# The commands and flags are read from the help here with grep/sed, not with the generator's
# parser, so a parser that drops something fails this test.
set -eu
wsspec=$1
page=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  failures=$((failures + 1))
}

[ -s "$page" ] || { echo "FAIL: no man page at $page" >&2; exit 1; }

# Rendering: groff with every warning on, and man-db's own pipeline (tbl, preconv, ...).
if ! groff -man -Tutf8 -ww -z "$page" 2>"$work/groff.err" || [ -s "$work/groff.err" ]; then
  fail "groff -man -ww warns:"
  cat "$work/groff.err" >&2
fi
if command -v man >/dev/null 2>&1; then
  if ! MANWIDTH=80 man --warnings -l "$page" >/dev/null 2>"$work/man.err" || [ -s "$work/man.err" ]; then
    fail "man --warnings -l warns:"
    cat "$work/man.err" >&2
  fi
fi
if command -v lexgrog >/dev/null 2>&1; then
  whatis=$(lexgrog "$page" 2>&1 || true)
  case $whatis in
    *': "wsspec - '*) ;;
    *) fail "lexgrog cannot read the NAME section: $whatis" ;;
  esac
fi

# Plain text, one page section per line block; headings of commands are "   wsspec CMD ...".
groff -man -Tascii -P-c -P-b -P-o -P-u -rLL=200n "$page" 2>/dev/null >"$work/page.txt"

version=$("$wsspec" --version)
grep -q "wsspec $version" "$work/page.txt" || fail "the page does not carry version $version"

# The flags in a help text: each entry line that starts with "-" ("  -j,--jobs UINT ...").
help_flags() {
  grep -E '^  -' | awk '{ print $1 }' | tr ',' '\n'
}
# The lines of the page's section of one command, or of a top-level section (NAME, OPTIONS).
command_section() {
  awk -v cmd="$1" '
    $0 ~ "^   wsspec " cmd "( |$)" { inside = 1; next }
    inside && (/^   wsspec / || /^[A-Z]/) { inside = 0 }
    inside' "$work/page.txt"
}
top_section() {
  awk -v name="$1" '$0 == name { inside = 1; next } inside && /^[A-Z]/ { inside = 0 } inside' \
    "$work/page.txt"
}
has_flag() {
  grep -qE -- "(^|[ ,])$1([ ,]|$)" "$2"
}
# In the roff source an option's every hyphen must be \- (a minus sign): a plain "-" renders
# as a typographic hyphen in UTF-8, and the option copied from the page would not work.
has_roff_flag() {
  grep -qF -- "\\fB$(printf '%s' "$1" | sed 's/-/\\-/g')\\fR" "$page"
}

# "FLAG<TAB>first words of its description" for each option of a help text; the description
# is on the entry's line or, after a wide name, on the next one.
help_descriptions() {
  awk '/^  -/ { if (flag != "") print flag "\t" desc; n = split($0, parts, /  +/); flag = $1; desc = parts[3]; next }
       /^      / && flag != "" && desc == "" { desc = $0; sub(/^ +/, "", desc); next }
       { if (flag != "") print flag "\t" desc; flag = "" }
       END { if (flag != "") print flag "\t" desc }' | cut -c1-60 | sed 's/ [^ ]*$//'
}
# A section's text on one line, spaces collapsed, so wrapped descriptions can be searched.
flatten() { tr '\n' ' ' <"$1" | tr -s ' \t' '  '; }

commands=$("$wsspec" --help | sed -n '/^Subcommands:$/,/^$/p' | awk '/^  [^ ]/ { print $1 }')
[ -n "$commands" ] || fail "wsspec --help lists no commands"
checked=0
for c in $commands; do
  command_section "$c" >"$work/section-$c"
  if [ ! -s "$work/section-$c" ]; then
    fail "no section for 'wsspec $c'"
    continue
  fi
  grep -q "wsspec $c" "$work/page.txt" || fail "SYNOPSIS lacks wsspec $c"
  grep -qF -- "\\fBwsspec $(printf '%s' "$c" | sed 's/-/\\-/g')\\fR" "$page" ||
    fail "wsspec $c: not in the source in bold with each hyphen a minus sign (\\-)"
  for flag in $("$wsspec" "$c" --help | help_flags); do
    has_flag "$flag" "$work/section-$c" || fail "wsspec $c $flag is not in its section of the page"
    has_roff_flag "$flag" || fail "wsspec $c $flag: not in the source in bold with each hyphen a minus sign (\\-)"
    checked=$((checked + 1))
  done
  flatten "$work/section-$c" >"$work/flat-$c"
  "$wsspec" "$c" --help | help_descriptions | while IFS="$(printf '\t')" read -r flag words; do
    [ -n "$words" ] || { echo "wsspec $c $flag has no description in its help"; continue; }
    grep -qF -- "$words" "$work/flat-$c" || echo "wsspec $c $flag: its description ('$words') is not in the page"
  done >"$work/missing-descriptions"
  while read -r l; do fail "$l"; done <"$work/missing-descriptions"
done
top_section OPTIONS >"$work/options"
for flag in $("$wsspec" --help | help_flags); do
  has_flag "$flag" "$work/options" || fail "wsspec $flag is not in OPTIONS"
  checked=$((checked + 1))
done
for section in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" EXAMPLES FILES "SEE ALSO"; do
  grep -qx "$section" "$work/page.txt" || fail "no $section section"
done

if [ "$failures" -ne 0 ]; then
  echo "manpage_check: $failures failure(s)" >&2
  exit 1
fi
echo "manpage_check: $(echo "$commands" | wc -w) commands and $checked flags documented; renders without warnings"
