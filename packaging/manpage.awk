# Writes the generated part of wsspec.1 (roff, man macros) from the records of cli_help.awk.
# make_manpage.sh feeds it the records of `wsspec --help` after a "command <TAB>" line, then
# those of each `wsspec COMMAND --help` after "command <TAB> COMMAND", then "end <TAB> part"
# lines asking for one of the parts below; it prints them in the order asked:
#   synopsis   the SYNOPSIS lines, one per command
#   commands   one .SS per command: what it does, its arguments, its options
#   options    the options of wsspec itself (--help, --version)
BEGIN { FS = "\t"; ncmd = 0 }

# Roff-escapes text: backslashes, a leading control character, and every hyphen of a word
# that starts with one (an option such as --max-message) as \-, so the option renders as
# ASCII and can be copied and searched; other hyphens ("non-strict", "8-15") stay hyphens.
function esc(s,    out, i, c, prev, option) {
  gsub(/\\/, "\\e", s)
  out = ""
  prev = ""
  option = 0
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (c == "-" && (option || prev == "" || index(" ([,/=", prev))) {
      out = out "\\-"
      option = 1
    } else {
      out = out c
      if (c !~ /[A-Za-z0-9_]/) option = 0
    }
    prev = c
  }
  if (out ~ /^[.']/) out = "\\&" out
  return out
}

# A name to be typed as is (a command, an option): every hyphen a minus sign.
function literal(s,    out, i, c) {
  s = esc(s)
  out = ""
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (c == "-" && substr(out, length(out), 1) != "\\") out = out "\\-"
    else out = out c
  }
  return out
}

# "-j,--jobs" + "UINT" -> \fB\-j\fR, \fB\-\-jobs\fR \fIUINT\fR
function flags_roff(flags, arg,    n, parts, i, out) {
  n = split(flags, parts, ",")
  out = ""
  for (i = 1; i <= n; i++) out = out (i > 1 ? ", " : "") "\\fB" literal(parts[i]) "\\fR"
  if (arg != "") out = out " \\fI" esc(arg) "\\fR"
  return out
}

# "[OPTIONS] url" -> [\fIoptions\fR] \fIurl\fR; "results..." -> \fIresults\fR ...
function usage_roff(u,    n, w, i, out, word) {
  n = split(u, w, " ")
  out = ""
  for (i = 1; i <= n; i++) {
    word = w[i]
    if (word == "[OPTIONS]") word = "[\\fIoptions\\fR]"
    else if (word == "SUBCOMMAND") word = "\\fIcommand\\fR"
    else if (word ~ /\.\.\.$/) word = "\\fI" esc(substr(word, 1, length(word) - 3)) "\\fR ..."
    else word = "\\fI" esc(word) "\\fR"
    out = out (i > 1 ? " " : "") word
  }
  return out
}

# CLI11's notes on a value: "in [0 - 65535]" (a range), "[b, kb(=1024b), ...]" (units).
function note_text(note,    t) {
  if (note ~ /^in \[.*\]$/) {
    t = substr(note, 5, length(note) - 5)
    return "Range: " t "."
  }
  if (note ~ /^\[.*\]$/) return "A size: a number and a unit (" substr(note, 2, length(note) - 2) ")."
  if (note != "") return "Must be " note "."
  return ""
}

# CLI11 descriptions are phrases; in the page each ends as a sentence, before what follows.
function sentence(s) { return (s == "" || s ~ /\.$/) ? s : s "." }

function add(cmd, line) { text[cmd] = text[cmd] line "\n" }

$1 == "command" { cmd = $2; if (!(cmd in seen)) { seen[cmd] = 1; order[++ncmd] = cmd }; next }
$1 == "about" { about[cmd] = (about[cmd] == "" ? $2 : about[cmd] " " $2); next }
$1 == "usage" { usage[cmd] = $2; next }
$1 == "pos" {
  add(cmd, ".TP")
  add(cmd, "\\fI" esc($2) "\\fR" ($4 == "required" ? "" : " (optional)"))
  add(cmd, sentence(esc($5)) ($3 ~ /\.\.\.$/ ? " One or more." : ""))
  next
}
$1 == "opt" {
  add(cmd, ".TP")
  add(cmd, flags_roff($2, $3))
  line = sentence(esc($6))
  n = note_text($5)
  if (n != "") line = line " " esc(n)
  if ($4 != "") line = line " Default: " esc($4) "."
  if ($3 ~ /\.\.\.$/) line = line " May be given more than once."
  add(cmd, line)
  next
}

$1 == "end" && $2 == "synopsis" {
  for (i = 2; i <= ncmd; i++) {
    c = order[i]
    u = usage[c]
    sub(/^[^ ]+ ?/, "", u)  # the command's name, printed in bold below
    print ".br"
    print "\\fBwsspec " literal(c) "\\fR " usage_roff(u)
  }
  next
}
$1 == "end" && $2 == "commands" {
  for (i = 2; i <= ncmd; i++) {
    c = order[i]
    u = usage[c]
    sub(/^[^ ]+ ?/, "", u)
    print ".SS \\fBwsspec " literal(c) "\\fR " usage_roff(u)
    print sentence(esc(about[c]))
    printf "%s", text[c]
  }
  next
}
$1 == "end" && $2 == "options" {
  printf "%s", text[order[1]]
  next
}
$1 == "end" && $2 == "name" {
  a = about[order[1]]
  sub(/^wsspec: /, "", a)
  print "wsspec \\- " esc(a)
  next
}
