# Reads one CLI11 help text (`wsspec --help`, `wsspec run --help`, ...) and prints what it
# says as tab-separated records, so the man page and the bash completion are made from the
# program's own help and cannot fall behind a new flag or subcommand:
#   about <TAB> line                      the text before "Usage:"
#   usage <TAB> words after the program   e.g. "run [OPTIONS] url"
#   section <TAB> heading                 "Options", "Positionals", "Subcommands" or a group
#   opt <TAB> flags <TAB> arg <TAB> default <TAB> note <TAB> description
#        flags: "-j,--jobs"; arg: the value's placeholder ("FILE", "SIZE", "INT"; empty for a
#        flag without value, "..." appended when it takes several); note: the rest of CLI11's
#        type text (a range "in [0 - 65535]", units "[b, kb(=1024b), ...]")
#   pos <TAB> name <TAB> arg <TAB> required|optional <TAB> description
#   sub <TAB> name <TAB> description
# CLI11 prints an entry as two spaces, a name column, two or more spaces, the description;
# a name wider than the column puts the description on the next, indented, line, and so do
# descriptions that contain newlines. Tabs never occur in CLI11's help.
BEGIN { FS = "\n"; OFS = "\t"; section = ""; pending = 0 }

function flush() {
  if (!pending) return
  gsub(/[ ]+$/, "", p_desc)
  if (p_kind == "opt") print "opt", p_flags, p_arg, p_default, p_note, p_desc
  else if (p_kind == "pos") print "pos", p_flags, p_arg, p_required, p_desc
  else print "sub", p_flags, p_desc
  pending = 0
}

# Splits CLI11's type text ("UINT:SIZE [b, kb(=1024b), ...]=262144", "TEXT ...",
# "FLOAT:FLOAT in [0.001 - 3600]", "TEXT:FILE") into p_arg, p_default, p_note.
function parse_type(t,    base, validator, colon, many) {
  p_arg = ""; p_default = ""; p_note = ""; p_required = "optional"
  if (t == "") return
  if (sub(/ REQUIRED$/, "", t)) p_required = "required"
  many = sub(/ \.\.\.$/, "", t)
  # A default is "=value" at the end of the type text; values never contain spaces here,
  # but ranges and unit lists end in "]", so take the "=" after the last "]" or space.
  if (match(t, /=[^] ]*$/)) {
    p_default = substr(t, RSTART + 1)
    t = substr(t, 1, RSTART - 1)
  }
  base = t
  if (match(base, / /)) {
    p_note = substr(base, RSTART + 1)
    base = substr(base, 1, RSTART - 1)
  }
  validator = ""
  colon = index(base, ":")
  if (colon) {
    validator = substr(base, colon + 1)
    base = substr(base, 1, colon - 1)
  }
  # A validator that names what the value is (FILE, DIR, SIZE) says more than its type.
  if (validator ~ /^(FILE|DIR|PATH|SIZE)$/) p_arg = validator
  else if (validator != "" && p_note ~ /^in \[/) p_arg = validator
  else p_arg = base
  if (validator != "" && validator !~ /^(FILE|DIR|PATH|SIZE|INT|UINT|FLOAT|TEXT)$/)
    p_note = (p_note == "" ? tolower(validator) : tolower(validator) " " p_note)
  if (many) p_arg = p_arg " ..."
}

/^Usage: / {
  flush()
  line = substr($0, 8)
  sub(/^[^ ]+ ?/, "", line)  # the program's path, as it was called
  print "usage", line
  seen_usage = 1
  next
}

!seen_usage {
  if ($0 != "") print "about", $0
  next
}

/^[^ ].*:$/ {
  flush()
  section = substr($0, 1, length($0) - 1)
  print "section", section
  next
}

/^$/ { flush(); next }

# A continuation: the description of the entry above (after a wide name, or a newline).
/^    / && pending {
  text = $0
  sub(/^ +/, "", text)
  p_desc = (p_desc == "" ? text : p_desc " " text)
  next
}

/^  [^ ]/ {
  flush()
  entry = substr($0, 3)
  name = entry
  desc = ""
  if (match(entry, /  +/)) {
    name = substr(entry, 1, RSTART - 1)
    desc = substr(entry, RSTART + RLENGTH)
  }
  word = name
  type = ""
  if (match(name, / /)) {
    word = substr(name, 1, RSTART - 1)
    type = substr(name, RSTART + 1)
  }
  if (section == "Subcommands") {
    p_kind = "sub"
  } else if (section == "Positionals") {
    p_kind = "pos"
  } else {
    p_kind = "opt"
  }
  p_flags = word
  parse_type(type)
  p_desc = desc
  pending = 1
  next
}

END { flush() }
