#!/bin/bash
# Nothing left behind (issue 15): a sysgate killed with SIGKILL mid-run cannot
# remove its run cgroups; the program dies with it (PTRACE_O_EXITKILL) and the
# empty cgroups stay. The next run removes them once they are older than a run
# takes to fill its own (5 s), and only them: a run's cgroup of a sysgate that
# still runs, and a non-empty one, are left alone.
source "$(dirname "$0")/grading_lib.sh"
require_cgroups_in_cgroup_mode
cd "$TMP"
[ "$GRADING_MODE" = cgroup ] || { log "skip: the sweep is of cgroups"; finish; }

# 1. SIGKILL a sysgate whose program sleeps.
"$SYSGATE" run --memory 64MiB --processes 8 --cpu-time 30s -- sleep 30 >/dev/null 2>&1 &
victim=$!
for _ in $(seq 100); do
  left=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "sysgate-$victim-*" 2>/dev/null)
  [ -n "$left" ] && pgrep -P "$victim" >/dev/null && break
  sleep 0.05
done
expect "the run made its cgroups ($left)" [ -n "$left" ]
kill -KILL "$victim"
wait "$victim" 2>/dev/null
for _ in $(seq 100); do
  busy=0
  for d in $left; do [ -s "$d/cgroup.procs" ] && busy=1; done
  [ "$busy" = 0 ] && break
  sleep 0.05
done
expect "its program died with it (the cgroups are empty)" [ "$busy" = 0 ]
still=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "sysgate-$victim-*" 2>/dev/null)
expect "a killed sysgate leaves its cgroups ($still)" [ -n "$still" ]

# 2. A fresh run right away leaves them: they may be a starting run's.
sg --memory 64MiB -- true
expect_rc 0
still=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "sysgate-$victim-*" 2>/dev/null)
expect "younger than 5 s: kept" [ -n "$still" ]

# 3. A non-empty stale-looking cgroup (a process inside) is never removed.
occupied=""
v2=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
own2=$(awk -F: '$1 == "0" {print $3}' /proc/self/cgroup)
if [ -n "$v2" ] && [ -w "$v2$own2" ]; then
  occupied="$v2$own2/sysgate-999999-0"
  mkdir -p "$occupied"
  sleep 60 &
  sleeper=$!
  echo "$sleeper" >"$occupied/cgroup.procs" || { log "note: cannot move a process into $occupied"; occupied=""; }
fi

# 4. After 5 s the next run removes the dead sysgate's empty cgroups.
sleep 5.5
sg --memory 64MiB -- true
expect_rc 0
expect_verdict OK
gone=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "sysgate-$victim-*" 2>/dev/null)
expect "the next run removed them (left: $gone)" [ -z "$gone" ]
if [ -n "$occupied" ]; then
  expect "a cgroup with a process in it is kept" [ -d "$occupied" ]
  kill "$sleeper"
  wait "$sleeper" 2>/dev/null
  for _ in $(seq 100); do rmdir "$occupied" 2>/dev/null && break; sleep 0.05; done
  expect "cleaned up the occupied cgroup" [ ! -d "$occupied" ]
fi
finish
