#!/bin/bash
# Nothing left behind (issue 15): runs killed at random points — sysgate
# SIGKILLed, the program SIGKILLed, or both — leave no process, no run cgroup
# and no run directory once the next run has swept (a killed sysgate's empty
# cgroups and unlocked run directories older than 5 s), and every run whose
# sysgate was not killed wrote its report. Each run has a private /tmp (a run
# directory), a deny entry (masks in a mount namespace of its own, which dies
# with its processes), limits (cgroups in cgroup mode) and a program that
# forks. KILL_STORM_RUNS sets the number of runs (30 here; the issue's 1,000
# with KILL_STORM_RUNS=1000).
source "$(dirname "$0")/grading_lib.sh"
cd "$TMP"
# The program and its deny-listed file lie outside /tmp: the run's private
# /tmp hides the real one from the program.
BOX=$(mktemp -d /var/tmp/sysgate-storm.XXXXXX)
chmod 755 "$BOX"
trap 'rm -rf "$TMP" "$BOX"' EXIT
N=${KILL_STORM_RUNS:-30}
mark="sg-storm-$$"
nap="0.3$$"  # a sleep of a length no one else uses: the program's processes are found by it
SG_CMD="kill storm"
cat >"$TMP/storm.yaml" <<EOF
version: 1
include: [base]
tmp: private
filesystem:
  read: ["/**"]
  write: ["/tmp/**", /dev/null]
  exec: ["/**"]
  deny: ["$BOX/secret"]
EOF
echo secret >"$BOX/secret"
# The program: two children and itself, all sleeping.
cat >"$BOX/$mark" <<EOF
#!/bin/sh
echo started > /tmp/started
sleep $nap & sleep $nap & exec sleep $nap
EOF
chmod 755 "$BOX/$mark"

RANDOM=$$
reports=()
for i in $(seq "$N"); do
  "$SYSGATE" run --policy "$TMP/storm.yaml" --memory 64MiB --processes 16 --wall-time 10s \
    --report "$TMP/r$i.json" -- "$BOX/$mark" >/dev/null 2>&1 &
  sg=$!
  # Half the kills come before the program exists, half while it runs.
  if ((RANDOM % 2)); then
    for _ in $(seq 200); do pgrep -P "$sg" >/dev/null && break; sleep 0.01; done
  fi
  sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
  case $((RANDOM % 3)) in
    0) kill -KILL "$sg" 2>/dev/null; how=sysgate ;;
    1) pkill -KILL -P "$sg" 2>/dev/null; how=program ;;
    2) pkill -KILL -P "$sg" 2>/dev/null; kill -KILL "$sg" 2>/dev/null; how=both ;;
  esac
  wait "$sg" 2>/dev/null
  st=$?
  # sysgate was not killed: its report must be there.
  [ "$how" = program ] && reports+=("$i:$st")
done

# No process of any run is left.
for _ in $(seq 100); do pgrep -f "sleep $nap" >/dev/null || break; sleep 0.05; done
expect "no program process left" not pgrep -f "sleep $nap"
# Every sysgate that was not killed wrote a well-formed report.
for r in "${reports[@]}"; do
  i=${r%%:*}
  # A program killed before its exec is a set-up failure (exit 125); never "not found".
  expect "run $i (exit ${r#*:}) wrote its report" "$PY" -S -c '
import json, sys
assert json.load(open(sys.argv[1]))["verdict"] in ("OK", "SIGNALED", "SETUP_ERROR")' "$TMP/r$i.json"
  expect "run $i: the program was found" [ "${r#*:}" != 127 ]
done
ran=$(cd "$TMP" && grep -lE '"verdict":"(OK|SIGNALED)"' r*.json 2>/dev/null | wc -l)
log "$N runs, ${#reports[@]} whose sysgate survived, $ran whose program ran"
expect "some programs ran and were killed or ended ($ran)" [ "$ran" -gt 0 ]
# After 5 s, one more run sweeps what the killed ones left.
sleep 5.5
sg --policy "$TMP/storm.yaml" -- /bin/true
expect_rc 0
if [ "$GRADING_MODE" = cgroup ] && [ "$(id -u)" = 0 ]; then
  left=$(find /sys/fs/cgroup -maxdepth 6 -type d -name 'sysgate-*' -mmin +0.09 2>/dev/null |
    while read -r d; do
      pid=${d##*/sysgate-}; pid=${pid%%-*}
      # A run of another test, in a pid namespace of its own (pid 9 there),
      # is live when its cgroup holds its program: not left by the storm.
      [ -s "$d/cgroup.procs" ] && continue
      [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sysgate ] || echo "$d"
    done)
  expect "no stale run cgroup left: $left" [ -z "$left" ]
fi
stale=""
for d in /tmp/sysgate-run-*; do
  [ -d "$d" ] || continue
  [ -e "$d/.kept" ] && continue
  [ "$(($(date +%s) - $(stat -c %Y "$d")))" -ge 6 ] || continue
  flock -n "$d" true 2>/dev/null && stale+=" $d"
done
expect "no stale run directory left:$stale" [ -z "$stale" ]
finish
