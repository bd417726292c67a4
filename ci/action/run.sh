#!/usr/bin/env bash
# The GitHub Action's run step (action.yml), runnable anywhere: starts the server, waits for
# its port, runs wsspec, writes the job summary and the step outputs, and exits with wsspec's
# exit code (0 pass, or failures only as the baseline accepts; 1 failures; 2 bad usage;
# 3 the server was not reachable).
#
# The server, the wait and the run are ci/wsspec-ci.sh's (the recipe of README "Run against
# your server in CI"); this adds the action's inputs and what GitHub shows. Inputs come from
# the environment, as action.yml passes them (never spliced into the script's text, so a
# quote in an input cannot run code):
#
#   WSSPEC_BIN                    the wsspec program (build-image.sh's wrapper, or a binary)
#   INPUT_SERVER_COMMAND          started with bash -c in INPUT_WORKING_DIRECTORY, in the
#                                 foreground (the recipe puts it in the background); empty: the
#                                 server is already up (another step, a service container)
#   INPUT_WORKING_DIRECTORY       where the server command runs; default .
#   INPUT_PORT, INPUT_URL         where the server listens (one of them at least)
#   INPUT_WAIT                    seconds the server may take to listen; default 60
#   INPUT_CASES, INPUT_EXCLUDE    case patterns, comma-separated (wsspec run --cases/--exclude)
#   INPUT_BASELINE                accepted deviations (docs/baseline.md); empty: none
#   INPUT_STRICT                  true: non-strict verdicts fail too (--strict)
#   INPUT_ARGS                    more arguments of `wsspec run`, split at blanks, not globbed
#   INPUT_OUT                     the report folder; default wsspec-report
#
# GitHub's files, each optional (a local run prints the summary instead):
#   GITHUB_STEP_SUMMARY  the Markdown summary is appended to it
#   GITHUB_OUTPUT        exit-code, report-dir and the counts (pass, fail, ...) are appended
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
recipe="$here/../wsspec-ci.sh"

die() { # die MESSAGE: bad inputs are a usage error, like wsspec's own
  echo "wsspec-action: $*" >&2
  exit 2
}

wsspec=${WSSPEC_BIN:-}
out=${INPUT_OUT:-wsspec-report}
strict=${INPUT_STRICT:-false}
[ -n "$wsspec" ] || die "WSSPEC_BIN is not set (the build step gives it)"
[ -n "${INPUT_PORT:-}${INPUT_URL:-}" ] || die "give the input 'port' or 'url'"
case $strict in
  true | false) ;;
  *) die "the input 'strict' must be true or false (got '$strict')" ;;
esac

recipe_args=(--out "$out" --wait "${INPUT_WAIT:-60}" --wsspec "$wsspec")
[ -z "${INPUT_URL:-}" ] || recipe_args+=(--url "$INPUT_URL")
[ -z "${INPUT_PORT:-}" ] || recipe_args+=(--port "$INPUT_PORT")
[ -z "${INPUT_BASELINE:-}" ] || recipe_args+=(--baseline "$INPUT_BASELINE")

run_args=""
[ -z "${INPUT_CASES:-}" ] || run_args+=" --cases ${INPUT_CASES}"
[ -z "${INPUT_EXCLUDE:-}" ] || run_args+=" --exclude ${INPUT_EXCLUDE}"
[ "$strict" = false ] || run_args+=" --strict"
run_args+=" ${INPUT_ARGS:-}"

if [ -n "${INPUT_SERVER_COMMAND:-}" ]; then
  wd=${INPUT_WORKING_DIRECTORY:-.}
  [ -d "$wd" ] || die "the working-directory '$wd' does not exist"
  # $1 is the folder and $2 the command, both expanded by the inner bash, not here.
  # shellcheck disable=SC2016
  recipe_args+=(-- bash -c 'cd "$1" && eval "$2"' server "$wd" "$INPUT_SERVER_COMMAND")
fi

mkdir -p "$out"
out_abs=$(cd "$out" && pwd)
log="$out_abs/wsspec-run.log"
status=0
WSSPEC_ARGS=$run_args sh "$recipe" "${recipe_args[@]}" 2>&1 | tee "$log" || status=$?

summary_args=(--exit-code "$status" --results "$out_abs/results.json" --log "$log")
[ "$strict" = false ] || summary_args+=(--strict)
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  summary_args+=(--outputs "$GITHUB_OUTPUT")
  {
    echo "exit-code=$status"
    echo "report-dir=$out_abs"
  } >>"$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  python3 "$here/summary.py" "${summary_args[@]}" >>"$GITHUB_STEP_SUMMARY"
else
  python3 "$here/summary.py" "${summary_args[@]}"
fi
exit "$status"
