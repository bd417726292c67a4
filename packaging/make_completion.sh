#!/bin/sh
# Writes wsspec's bash completion from the program's own help, like make_manpage.sh: the
# commands of `wsspec --help`, the options of each `wsspec COMMAND --help` and what kind of
# value each takes (CLI11's FILE and DIR validators, a number, text) become case statements
# in completion.bash.in, so a new command or flag completes as soon as the program has it.
#   packaging/make_completion.sh WSSPEC OUTPUT VERSION
# Run by the build (cmake/install.cmake) after wsspec is linked.
set -eu

if [ $# -ne 3 ]; then
  echo "usage: $0 WSSPEC OUTPUT VERSION" >&2
  exit 2
fi
wsspec=$1
output=$2
version=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp="$output.tmp"
records="$output.records"
trap 'rm -f "$tmp" "$records" "$tmp.options" "$tmp.values" "$tmp.positionals"' EXIT

{
  printf 'command\t\n'
  "$wsspec" --help | awk -f "$here/cli_help.awk"
} >"$records"
commands=$(awk -F '\t' '$1 == "sub" { print $2 }' "$records")
if [ -z "$commands" ]; then
  echo "make_completion: '$wsspec --help' lists no commands" >&2
  exit 1
fi
for c in $commands; do
  printf 'command\t%s\n' "$c" >>"$records"
  "$wsspec" "$c" --help | awk -f "$here/cli_help.awk" >>"$records"
done

# Three case statements' arms, from the records:
#   options:     COMMAND) printf '%s\n' '-h --help ...' ;;
#   values:      'COMMAND --opt') printf '%s\n' KIND ;;   KIND: file, dir, cases, host, command, none
#   positionals: COMMAND) printf '%s\n' KIND ;;           what follows the options
# Names come from CLI11 (letters, digits, '-', '_'), so single quotes need no escaping.
awk -F '\t' -v out_options="$tmp.options" -v out_values="$tmp.values" \
  -v out_positionals="$tmp.positionals" '
  function kind(flag, arg) {
    if (flag == "--cases" || flag == "--exclude") return "cases"
    if (flag == "--host") return "host"
    if (flag == "--agent") return "none"  # a name
    if (flag ~ /-cmd$/) return "command"
    if (flag == "--out") return "dir"
    if (arg ~ /^DIR/) return "dir"
    if (arg ~ /^(FILE|PATH|TEXT)/) return "file"
    return "none"  # numbers, sizes
  }
  $1 == "command" { cmd = $2; order[++n] = cmd; next }
  $1 == "opt" {
    m = split($2, f, ",")
    for (i = 1; i <= m; i++) {
      options[cmd] = options[cmd] (options[cmd] == "" ? "" : " ") f[i]
      if ($3 != "") values = values "    '\''" cmd " " f[i] "'\'') printf \"%s\\n\" " kind(f[m], $3) " ;;\n"
    }
    next
  }
  $1 == "pos" && !(cmd in positional) { positional[cmd] = ($2 == "url" ? "none" : "file"); next }
  END {
    for (i = 1; i <= n; i++) {
      c = order[i]
      printf "    '\''%s'\'') printf \"%%s\\n\" '\''%s'\'' ;;\n", c, options[c] > out_options
      if (c in positional) printf "    '\''%s'\'') printf \"%%s\\n\" %s ;;\n", c, positional[c] > out_positionals
    }
    printf "%s", values > out_values
  }' "$records"

# The template's @COMMANDS@, @VERSION@ and @OPTIONS@/@VALUES@/@POSITIONALS@ lines.
commands_line=$(printf '%s\n' "$commands" | tr '\n' ' ' | sed 's/ $//')
awk -v commands="$commands_line" -v version="$version" -v options="$tmp.options" \
  -v values="$tmp.values" -v positionals="$tmp.positionals" '
  function include(file,    line) {
    while ((getline line < file) > 0) print line
    close(file)
  }
  /^ *@OPTIONS@$/ { include(options); next }
  /^ *@VALUES@$/ { include(values); next }
  /^ *@POSITIONALS@$/ { include(positionals); next }
  { gsub(/@COMMANDS@/, commands); gsub(/@VERSION@/, version); print }
' "$here/completion.bash.in" >"$tmp"
mv "$tmp" "$output"
