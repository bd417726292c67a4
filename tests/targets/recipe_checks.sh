# shellcheck shell=sh
# Shared by the tests that run ci/wsspec-ci.sh (sourced, not run): how to start the recipe
# and the checks of what its users depend on. POSIX sh; every check exits 1 with a reason.

recipe="$(cd "$(dirname "$0")/../.." && pwd)/ci/wsspec-ci.sh"

# A port nothing listens on (the kernel picks it; the tiny race until the server binds it is
# accepted, the recipe refuses to test a port that is already taken).
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# run_recipe LOG ARGS...: run the recipe, keep all it printed in LOG and show it (ctest keeps
# it in the test's output), return its exit status.
run_recipe() {
  rr_log=$1
  shift
  rr_status=0
  sh "$recipe" "$@" >"$rr_log" 2>&1 || rr_status=$?
  cat "$rr_log"
  return "$rr_status"
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

expect_status() { # expect_status LOG WANTED GOT
  [ "$3" -eq "$2" ] || fail "the recipe exited $3, expected $2 (its output is above)"
}

# The three report files exist, and junit.xml of a real run validates against the schema
# ctest holds the sample reports to (tests/reports/junit-surefire.xsd).
expect_report() { # expect_report DIR
  for f in index.html results.json junit.xml; do
    [ -s "$1/$f" ] || fail "no $1/$f"
  done
  if command -v xmllint >/dev/null 2>&1; then
    xmllint --noout --schema "$(dirname "$recipe")/../tests/reports/junit-surefire.xsd" \
      "$1/junit.xml" || fail "$1/junit.xml does not validate against junit-surefire.xsd"
  fi
}

expect_final_line() { # expect_final_line LOG: wsspec's last line of its own came through
  grep -Eq '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$1" ||
    fail "wsspec's final 'N passed, N failed' line is not in the recipe's output"
}

# The recipe prints "started the server (PID N)"; that process must be gone when it returns.
expect_server_stopped() { # expect_server_stopped LOG
  pid=$(sed -n 's/^wsspec-ci: started the server (PID \([0-9]*\)).*/\1/p' "$1")
  [ -n "$pid" ] || fail "the recipe did not say which PID the server has"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    fail "the server (PID $pid) still runs after the recipe returned"
  fi
}
