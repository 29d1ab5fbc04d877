#!/bin/bash
# ctest-timeout: 90
# The attached processes all exit while attached: sysgate exits with the
# first PID's status, as `sysgate run` does. att_loop ending its 400
# iterations with status 3 (-x 3): sysgate exits 3, verdict NONZERO_EXIT,
# exit_code 3. att_block asleep, killed with SIGTERM by the test while
# attached: the signal reaches it (it dies of it, status 143), sysgate exits
# 143, verdict SIGNALED, signal SIGTERM. Two PIDs at once (att_loop 300 and
# 500 iterations, statuses 5 and 0): one attached line per PID, sysgate
# waits for both and exits 5 (the first PID's).
source "$(dirname "$0")/../attach_lib.sh"
require_attach

loop_files
P=$(allow_all_policy)

log "--- exit status 3 while attached"
start_prog loop "$PROGS/att_loop" -n 400 -x 3 "$A" "$D"
pid=$PROG_PID
wait_line "$WORK/loop.out" '^phase who=main ' || { fail "att_loop did not start"; finish; }
attach_bg att1 --policy "$P" --report "$REPORT.1" "$pid"
wait_attached "$pid"
att_wait
expect_status 3
expect_report 'r["verdict"] == "NONZERO_EXIT" and r["exit_code"] == 3 and r["exit_status"] == 3' "$REPORT.1"
expect_stderr_lacks "detached from"
wait_prog "$pid"
if [ "$PROG_RC" = 3 ]; then ok "att_loop exited 3 (its real parent saw it too)"; else fail "att_loop exited $PROG_RC"; fi
expect_that "att_loop finished its 400 iterations without another error" grep -qE '^end who=main iters=400 reads=400 bad_reads=0 other_errors=0 ' "$WORK/loop.out"

log "--- SIGTERM while attached"
start_prog sleeper "$PROGS/att_block" sleep 20000
spid=$PROG_PID
wait_line "$WORK/sleeper.out" '^sleeping' && in_syscall "$spid" 35 230
attach_bg att2 --policy "$P" --report "$REPORT.2" "$spid"
wait_attached "$spid"
sleep 0.2
kill -TERM "$spid"
att_wait
expect_status 143
expect_report 'r["verdict"] == "SIGNALED" and r["signal"]["name"] == "SIGTERM" and r["exit_status"] == 143' "$REPORT.2"
wait_prog "$spid" 10
if [ "$PROG_RC" = 143 ]; then ok "att_block died of the SIGTERM"; else fail "att_block: expected status 143 (SIGTERM), got $PROG_RC"; fi

log "--- two PIDs"
start_prog two1 "$PROGS/att_loop" -n 300 -x 5 "$A" "$D"
p1=$PROG_PID
start_prog two2 "$PROGS/att_loop" -n 500 "$A" "$D"
p2=$PROG_PID
wait_line "$WORK/two1.out" '^phase' && wait_line "$WORK/two2.out" '^phase'
attach_bg att3 --policy "$P" --report "$REPORT.3" "$p1" "$p2"
wait_attached "$p1"
wait_attached "$p2"
att_wait
st2=$(proc_field "$p2" State | cut -c1)  # empty: reaped already (bash reaps its children as they end)
if [ -z "$st2" ] || [ "$st2" = Z ]; then ok "the second PID had ended when sysgate exited"; else fail "sysgate exited while the second PID still ran (state '$st2')"; fi
expect_status 5
expect_report 'r["verdict"] == "NONZERO_EXIT" and r["exit_code"] == 5' "$REPORT.3"
wait_prog "$p1"
[ "$PROG_RC" = 5 ] && ok "the first exited 5" || fail "the first att_loop exited $PROG_RC"
wait_prog "$p2"
[ "$PROG_RC" = 0 ] && ok "the second exited 0" || fail "the second att_loop exited $PROG_RC"
finish
