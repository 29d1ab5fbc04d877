#!/bin/bash
# ctest-timeout: 60
# --wall-time 1s under attach: the limit counts from the attach. A program
# of 3 threads that would loop for a minute is attached to 1.5 s after it
# started; sysgate kills it 1 s after its "attached" line (not 1 s after the
# program started, not never): exit status 137, verdict WALL_TIME_LIMIT; the
# program (the test's child) dies of SIGKILL.
source "$(dirname "$0")/../attach_lib.sh"
require_attach

loop_files
P=$(allow_all_policy)
start_prog loop "$PROGS/att_loop" -t 3 -T 60 "$A" "$D"
pid=$PROG_PID
wait_line "$WORK/loop.out" '^phase who=t2 ' || { fail "att_loop did not start: $(cat "$WORK/loop.out")"; finish; }
sleep 1.5
attach_bg att --policy "$P" --wall-time 1s --report "$REPORT" "$pid"
wait_attached "$pid" || { att_wait; finish; }
att_wait
end=$(now_ns)
expect_status 137
expect_report 'r["verdict"] == "WALL_TIME_LIMIT" and r["exit_status"] == 137'
d=$(((end - ATTACHED_NS) / 1000000))
if [ "$d" -ge 800 ] && [ "$d" -lt 3000 ]; then ok "sysgate ended $d ms after the attach (limit 1 s)"; else fail "sysgate ended $d ms after the attached line (limit 1 s)"; fi
wait_prog "$pid" 10
if [ "$PROG_RC" = 137 ]; then ok "att_loop died of SIGKILL"; else fail "att_loop: expected SIGKILL (137), got $PROG_RC: $(tail -3 "$WORK/loop.out" | tr '\n' '|')"; fi
finish
