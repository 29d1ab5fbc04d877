#!/bin/bash
# ctest-timeout: 120
# Limits under attach, applied to a running process (att_limits, driven by
# commands through a FIFO) and taken back at the detach:
#  - open_files: while attached, opens fail with EMFILE at the limit and
#    raising the rlimit back is refused (EPERM); after the detach the process
#    has exactly the rlimits and the cgroups it had before (/proc/PID/limits
#    and /proc/PID/cgroup compared byte for byte), opens succeed again, and
#    no run cgroup is left. As root the process is in the run's cgroups while
#    attached.
#  - memory: allocating past --memory kills it, MEMORY_LIMIT.
#  - processes: forking past --processes ends the run, PROCESS_LIMIT.
#  - cpu_time: counted from the attach (1.5 s burnt before it do not count):
#    CPU_TIME_LIMIT after about --cpu-time 1s of spinning, not at once.
# With cgroups where the host allows (root), else with the supervisor's own
# accounting (uid 65534, or SYSGATE_NO_CGROUPS=1).
source "$(dirname "$0")/../attach_lib.sh"
require_attach

P=$(allow_all_policy)

# lim_start NAME: att_limits reading commands from the FIFO $WORK/NAME.in,
# held open for writing on fd 9 (closing it ends the program); LIM_PID.
lim_start() {
  mkfifo "$WORK/$1.in"
  "$PROGS/att_limits" <"$WORK/$1.in" >"$WORK/$1.out" 2>"$WORK/$1.err" &
  LIM_PID=$!
  ATT_STARTED+=("$LIM_PID")
  exec 9>"$WORK/$1.in"
  LIM_OUT=$WORK/$1.out
  wait_line "$LIM_OUT" '^ready ' || fail "att_limits did not start: $(cat "$WORK/$1.err")"
}

# lim_cmd CMD [SECONDS]: sends CMD; LIM_RES is its result line (empty when
# none came within SECONDS, 20 by default, or the program ended).
lim_cmd() {
  local n i
  n=$(wc -l <"$LIM_OUT")
  echo "$1" >&9
  for ((i = 0; i < ${2:-20} * 100; i++)); do
    if [ "$(wc -l <"$LIM_OUT")" -gt "$n" ]; then
      LIM_RES=$(sed -n "$((n + 1))p" "$LIM_OUT")
      return 0
    fi
    kill -0 "$LIM_PID" 2>/dev/null || break
    sleep 0.01
  done
  LIM_RES=
  return 1
}

expect_res() {
  if [[ $LIM_RES =~ $1 ]]; then ok "$2: '$LIM_RES'"; else fail "$2: expected /$1/, got '$LIM_RES'"; fi
}

run_cgroups() { cat /proc/*/cgroup 2>/dev/null | grep -c "sysgate-$1-" || true; }

log "--- open_files, and everything given back at the detach"
lim_start files
pid=$LIM_PID
cg0=$(cat /proc/"$pid"/cgroup)
lim0=$(cat /proc/"$pid"/limits)
lim_cmd "open 100"
expect_res '^open: opened=100 err=none$' "natively"
attach_bg sg_files --policy "$P" --open-files 20 --memory 1GiB --processes 1000 --report "$REPORT" "$pid"
wait_attached "$pid" || { att_wait; finish; }
lim_cmd "open 100"
expect_res '^open: opened=1[0-9] err=EMFILE$' "attached, --open-files 20"
lim_cmd "raise"
expect_res '^raise: EPERM$' "raising RLIMIT_NOFILE back while attached"
lim_cmd "limits"
hard=$(awk '$1 == "Max" && $3 == "files" { print $5 }' <<<"$lim0")
expect_res "^limits: nofile 20 $hard " "the soft limit lowered, the hard one kept"
if [ "$(id -u)" = 0 ] && [ -z "${SYSGATE_NO_CGROUPS:-}" ]; then
  if grep -q "sysgate-$ATT_PID-" /proc/"$pid"/cgroup; then ok "in the run's cgroups while attached: $(grep "sysgate-$ATT_PID-" /proc/"$pid"/cgroup | tr '\n' ' ')"; else
    fail "not in a run cgroup while attached: $(tr '\n' ' ' </proc/"$pid"/cgroup)"
  fi
fi
kill -INT "$ATT_PID"
att_wait
expect_status 0
wait_detached "$pid"
expect_report 'r["verdict"] == "OK" and r["detached"] is True'
if [ "$(cat /proc/"$pid"/cgroup)" = "$cg0" ]; then ok "back in its own cgroups"; else
  fail "cgroups after the detach: $(tr '\n' ' ' </proc/"$pid"/cgroup); before: $(tr '\n' ' ' <<<"$cg0")"
fi
if [ "$(cat /proc/"$pid"/limits)" = "$lim0" ]; then ok "its rlimits as before, soft and hard"; else
  fail "rlimits after the detach differ: $(diff <(echo "$lim0") /proc/"$pid"/limits | tr '\n' '|')"
fi
lim_cmd "open 100"
expect_res '^open: opened=100 err=none$' "after the detach"
lim_cmd "raise"
expect_res '^raise: OK$' "raising RLIMIT_NOFILE after the detach"
[ "$(run_cgroups "$ATT_PID")" = 0 ] && ok "no process in a run cgroup of that sysgate" || fail "processes left in sysgate-$ATT_PID-* cgroups"
if ls -d /sys/fs/cgroup/sysgate-"$ATT_PID"-* /sys/fs/cgroup/*/sysgate-"$ATT_PID"-* /sys/fs/cgroup/*/*/*/sysgate-"$ATT_PID"-* >/dev/null 2>&1; then
  fail "run cgroups left: $(ls -d /sys/fs/cgroup/sysgate-"$ATT_PID"-* /sys/fs/cgroup/*/sysgate-"$ATT_PID"-* /sys/fs/cgroup/*/*/*/sysgate-"$ATT_PID"-* 2>/dev/null | tr '\n' ' ')"
else ok "no run cgroup left"; fi
exec 9>&-
wait_prog "$pid"
[ "$PROG_RC" = 0 ] && ok "att_limits exited 0 at the end of its input" || fail "att_limits exited $PROG_RC"

# limit_kills NAME OPTION COMMAND VERDICT: attached to a fresh att_limits
# with OPTION, COMMAND uses past it: the run ends with VERDICT and the
# process dies of SIGKILL.
limit_kills() {
  attach_bg "sg_$1" --policy "$P" $2 --report "$REPORT.$1" "$pid"
  wait_attached "$pid" || { att_wait; finish; }
  lim_cmd "$3" 15
  att_wait
  expect_report "r[\"verdict\"] == \"$4\"" "$REPORT.$1"
  wait_prog "$pid" 10
  [ "$PROG_RC" = 137 ] && ok "att_limits killed (SIGKILL)" || fail "att_limits: expected 137, got $PROG_RC ('$LIM_RES')"
  exec 9>&-
}

log "--- memory"
lim_start mem
pid=$LIM_PID
lim_cmd "mem 16"
expect_res '^mem: OK$' "16 MiB natively"
limit_kills mem "--memory 64MiB" "mem 400" MEMORY_LIMIT

log "--- processes"
lim_start procs
pid=$LIM_PID
limit_kills procs "--processes 4" "fork 10" PROCESS_LIMIT

log "--- cpu_time, from the attach"
lim_start cpu
pid=$LIM_PID
lim_cmd "spin 1.5"
expect_res '^spin: done$' "1.5 s of CPU natively"
attach_bg sg_cpu --policy "$P" --cpu-time 1s --report "$REPORT.cpu" "$pid"
wait_attached "$pid" || { att_wait; finish; }
echo "spin 30" >&9
att_wait
end=$(now_ns)
expect_report 'r["verdict"] == "CPU_TIME_LIMIT" and r["cpu_time_s"] >= 0.9 and r["cpu_time_s"] < 3' "$REPORT.cpu"
d=$(((end - ATTACHED_NS) / 1000000))
if [ "$d" -ge 800 ] && [ "$d" -lt 20000 ]; then ok "ended $d ms after the attach (1.5 s used before it not counted)"; else
  fail "ended $d ms after the attach (limit 1 s of CPU from the attach)"
fi
wait_prog "$pid" 10
[ "$PROG_RC" = 137 ] && ok "att_limits killed (SIGKILL)" || fail "att_limits: expected 137, got $PROG_RC"
exec 9>&-
finish
