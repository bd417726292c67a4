#!/bin/sh
# client_speed.sh: how long `wsspec serve-cases` takes to test a real client (issue 14), two
# ways side by side, against their physical floor:
#
#   bench/client_speed.sh WSSPEC [--rounds N] [--jobs N] [--timeout S] [--with-compression]
#                            [--keep-node-env]
#
# (a) driver: the whole client catalogue without compression (every case that applies to
#     clients but the compression area, which the clients here do not offer; with
#     --with-compression those cases are in, each `unimplemented` at once) against the npm ws
#     client through tests/targets/clients/ws_driver.js, one node process walking Autobahn's URL protocol (getCaseCount, runCase 1..N, updateReports). Goal: 10 s.
# (b) client-cmd: the same cases with `--client-cmd 'node tests/targets/ws_echo_client.js {url}'
#     --jobs N` (default 2): one node process per case. Goal: 30 s.
# (c) the floor: the median start-up of `node -e 0` and of the client of (b) alone (node,
#     loading ws, a refused connection, exit; 11 runs each) and, per way, the sum of the cases'
#     duration_ms in its results.json. Floor of (a): that sum (the driver runs cases one after
#     the other). Floor of (b): the larger of cases x the client's start / jobs (--jobs bounds
#     the clients starting at once; a case under way holds no slot, so the cases' own time
#     overlaps the starts) and cases x the client's CPU (user + sys) / cores: a node start is
#     mostly CPU, so two cores cannot start clients faster than that whatever --jobs is.
# NODE_EXTRA_CA_CERTS is unset for every node of the bench (floor and runs alike): an image
# that points it at the whole system store (this VM's does) makes node parse ~140 certificates
# at each start, about as much CPU again as the start itself, which is the environment's cost,
# not the client's nor wsspec's. --keep-node-env keeps it; the value is printed either way.
# Wall time runs from starting serve-cases to its exit; each run is bounded by `timeout S`
# (default 300). N rounds (default 3), (a) and (b) alternating which goes first; medians.
# It prints each run as it ends, the medians, the ratios to the floors and the slowest cases
# of the last (a) run. Exit status: 0 measured, 1 a run failed, 2 bad usage.
set -eu
set -f  # the --exclude pattern is passed on, never expanded here

python=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
targets=$here/../tests/targets

usage() {
  sed -n '2,/^set -eu/p' "$0" | sed -e '/^set -eu/d' -e 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 1 ] || usage
wsspec=$1
shift
rounds=3
jobs=2
run_timeout=300
exclude="compression/*"
keep_node_env=0
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) [ $# -ge 2 ] || usage; rounds=$2; shift 2 ;;
    --jobs) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
    --timeout) [ $# -ge 2 ] || usage; run_timeout=$2; shift 2 ;;
    --with-compression) exclude=""; shift ;;
    --keep-node-env) keep_node_env=1; shift ;;
    -h | --help) usage ;;
    *) echo "client_speed: unknown argument $1" >&2; usage ;;
  esac
done
for n in "$rounds" "$jobs" "$run_timeout"; do
  case $n in '' | *[!0-9]* | 0) echo "client_speed: --rounds, --jobs and --timeout need positive numbers" >&2; exit 2 ;; esac
done
[ -x "$wsspec" ] || { echo "client_speed: $wsspec is not an executable" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "client_speed: needs /usr/bin/time (Debian package time)" >&2; exit 2; }
command -v node >/dev/null || { echo "client_speed: needs node (and tests/targets/node_modules)" >&2; exit 2; }

# serve-cases saves all of results.json after every case and holds the case's connection slot
# meanwhile; with the default 64 slots a driver that runs cases back to back gets connections
# dropped (see bench/README.md). The same option for both ways keeps them comparable.
serve_opts="--max-connections 4096${exclude:+ --exclude $exclude}"

work=$(mktemp -d)
serve_pid=""
driver_pid=""
cleanup() {
  for p in $driver_pid $serve_pid; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

now() { date +%s.%N; }
elapsed() { $python -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }
# sum of duration_ms in seconds, and the number of cases
case_sum() {
  $python -c "import json,sys; c=json.load(open(sys.argv[1]))['cases']; print(f\"{sum(x['duration_ms'] for x in c)/1000:.2f} {len(c)}\")" "$1"
}

# CPU seconds (user + sys) /usr/bin/time wrote; for (b) the clients are serve-cases' children
# and count too.
cpu() { $python -c "import sys; print(f'{sum(float(x) for x in open(sys.argv[1]).read().split()[-2:]):.1f}')" "$1"; }

# (a) the URL-protocol driver: prints "WALL SUM CASES CPU"
run_driver() {
  out=$work/a$1
  log=$work/a$1.log
  : >"$log"
  t0=$(now)
  # shellcheck disable=SC2086 # serve_opts: separate words
  /usr/bin/time -f '%U %S' -o "$work/a$1.cpu" \
    timeout "$run_timeout" "$wsspec" serve-cases --port 0 --once --out "$out" $serve_opts >"$log" 2>&1 &
  serve_pid=$!
  url=""
  i=0
  while [ -z "$url" ] && [ $i -lt 100 ]; do
    url=$(sed -n '1s/^.*listening on \(ws:[^ ]*\).*$/\1/p' "$log")
    [ -n "$url" ] || sleep 0.05
    i=$((i + 1))
  done
  [ -n "$url" ] || { echo "client_speed: serve-cases did not start: $(cat "$log")" >&2; exit 1; }
  timeout "$run_timeout" node "$targets/clients/ws_driver.js" --agent ws "$url" >"$work/a$1.driver" 2>&1 &
  driver_pid=$!
  rc=0
  wait "$serve_pid" || rc=$?
  t1=$(now)
  wait "$driver_pid" || true
  serve_pid="" driver_pid=""
  [ "$rc" = 0 ] || echo "client_speed: (a) serve-cases exited $rc: $(tail -n 1 "$log")" >&2
  echo "$(elapsed "$t0" "$t1") $(case_sum "$out/ws/results.json") $(cpu "$work/a$1.cpu")"
}

# (b) one node per case: prints "WALL SUM CASES CPU"
run_client_cmd() {
  out=$work/b$1
  t0=$(now)
  rc=0
  # shellcheck disable=SC2086 # serve_opts: separate words
  /usr/bin/time -f '%U %S' -o "$work/b$1.cpu" \
    timeout "$run_timeout" "$wsspec" serve-cases --port 0 --out "$out" $serve_opts --jobs "$jobs" \
    --client-cmd "node $targets/ws_echo_client.js {url}" --agent ws >"$work/b$1.log" 2>&1 || rc=$?
  t1=$(now)
  [ "$rc" = 0 ] || echo "client_speed: (b) serve-cases exited $rc: $(tail -n 1 "$work/b$1.log")" >&2
  echo "$(elapsed "$t0" "$t1") $(case_sum "$out/ws/results.json") $(cpu "$work/b$1.cpu")"
}

if [ "$keep_node_env" = 1 ]; then
  echo "client_speed: NODE_EXTRA_CA_CERTS kept: ${NODE_EXTRA_CA_CERTS:-(not set)}"
else
  echo "client_speed: NODE_EXTRA_CA_CERTS unset for every node (was: ${NODE_EXTRA_CA_CERTS:-not set}; --keep-node-env keeps it)"
  unset NODE_EXTRA_CA_CERTS
fi
echo "client_speed: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $rounds round(s), --jobs $jobs for (b)"
node_starts="" client_starts=""
for i in 1 2 3 4 5 6 7 8 9 10 11; do
  t0=$(now)
  node -e 0
  node_starts="$node_starts $(elapsed "$t0" "$(now)")"
  # The client of (b) itself: node, loading ws, a refused connection (port 1), exit.
  t0=$(now)
  node "$targets/ws_echo_client.js" ws://127.0.0.1:1/
  client_starts="$client_starts $(elapsed "$t0" "$(now)")"
done
echo "node -e 0:$node_starts s"
echo "ws_echo_client.js to a closed port:$client_starts s"
# Its CPU (user + sys) over 11 starts, for the CPU floor of (b).
# shellcheck disable=SC2016 # expanded by the inner sh
/usr/bin/time -f '%U %S' -o "$work/client.cpu" sh -c 'i=0; while [ $i -lt 11 ]; do node "$1" ws://127.0.0.1:1/; i=$((i + 1)); done' sh "$targets/ws_echo_client.js"
client_cpu=$($python -c "import sys; print(f'{sum(float(x) for x in open(sys.argv[1]).read().split()[-2:]) / 11:.4f}')" "$work/client.cpu")
echo "ws_echo_client.js CPU per start: $client_cpu s"

a_runs="" b_runs=""
r=1
while [ $r -le "$rounds" ]; do
  if [ $((r % 2)) = 1 ]; then
    a=$(run_driver $r); echo "round $r (a) driver:     wall/sum of cases/cases/cpu $a"
    b=$(run_client_cmd $r); echo "round $r (b) client-cmd: wall/sum of cases/cases/cpu $b"
  else
    b=$(run_client_cmd $r); echo "round $r (b) client-cmd: wall/sum of cases/cases/cpu $b"
    a=$(run_driver $r); echo "round $r (a) driver:     wall/sum of cases/cases/cpu $a"
  fi
  a_runs="$a_runs;$a" b_runs="$b_runs;$b"
  r=$((r + 1))
done

$python - "$node_starts" "$a_runs" "$b_runs" "$jobs" "$work/a$rounds/ws/results.json" "$client_starts" "$client_cpu" "$(nproc)" <<'EOF'
import json, statistics, sys
med = statistics.median
node = med(float(x) for x in sys.argv[1].split())
client = med(float(x) for x in sys.argv[6].split())
def runs(s):
    rows = [r.split() for r in s.split(';') if r.strip()]
    return (med(float(r[0]) for r in rows), med(float(r[1]) for r in rows), int(rows[0][2]),
            med(float(r[3]) for r in rows))
a_wall, a_sum, cases, a_cpu = runs(sys.argv[2])
b_wall, b_sum, _, b_cpu = runs(sys.argv[3])
jobs = int(sys.argv[4])
a_floor = a_sum
client_cpu, cores = float(sys.argv[7]), int(sys.argv[8])
b_floor_wall = cases * client / jobs
b_floor_cpu = cases * client_cpu / cores
b_floor = max(b_floor_wall, b_floor_cpu)
print(f"\nmedians ({cases} client cases):")
print(f"  node -e 0                {node * 1000:7.0f} ms   x {cases} cases = {node * cases:6.1f} s")
print(f"  client start and exit    {client * 1000:7.0f} ms   x {cases} cases = {client * cases:6.1f} s")
print(f"  client CPU per start     {client_cpu * 1000:7.0f} ms   x {cases} cases / {cores} cores = {b_floor_cpu:6.1f} s")
print(f"  (a) driver      wall {a_wall:6.1f} s   sum of cases {a_sum:6.1f} s   floor {a_floor:6.1f} s   "
      f"wall/floor {a_wall / a_floor:4.2f}   goal 10 s: {'met' if a_wall <= 10 else 'missed'}")
print(f"  (b) client-cmd  wall {b_wall:6.1f} s   sum of cases {b_sum:6.1f} s   floor {b_floor:6.1f} s   "
      f"wall/floor {b_wall / b_floor:4.2f}   goal 30 s: {'met' if b_wall <= 30 else 'missed'}   (--jobs {jobs})")
print(f"  (b)/(a) wall {b_wall / a_wall:4.2f}")
print(f"  CPU (user + sys): (a) serve-cases {a_cpu:.1f} s; (b) serve-cases and its {cases} clients {b_cpu:.1f} s")
c = json.load(open(sys.argv[5]))['cases']
slow = sorted(c, key=lambda x: -x['duration_ms'])
over = [x for x in c if x['duration_ms'] >= 500]
print(f"\nlast (a) run: {len(over)} cases of 500 ms or more take {sum(x['duration_ms'] for x in over) / 1000:.1f} s "
      f"of its {sum(x['duration_ms'] for x in c) / 1000:.1f} s of cases; the slowest:")
for x in slow[:10]:
    print(f"  {x['duration_ms']:8.0f} ms  {x['verdict']:<10} {x['id']}")
EOF
