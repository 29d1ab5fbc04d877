#!/bin/bash
# ctest-timeout: 120
# A child created after the attach is followed: att_loop forks once a trigger
# file appears (while sysgate is attached); the child, traced by sysgate from
# its first instruction, finds its denied opens failing with the policy's
# errno (EROFS here) from its first iteration, as its parent's do. After
# SIGINT both are untraced and their opens succeed again; both finish their
# loops with no other error and the right bytes read; the parent reaps the
# child (status 0) and exits 0.
source "$(dirname "$0")/../attach_lib.sh"
require_attach

A=$WORK/allowed.bin
D=$WORK/denied.txt
head -c 30000 /dev/urandom >"$A"
echo "not secret" >"$D"
P=$(policy deny.yaml <<EOP
version: 1
default: allow
rules:
  - syscalls: [openat, open]
    args: {path: {eq: "$D"}}
    action: {deny: EROFS}
EOP
)
CONTENT=$(native_content "$A")
[ -n "$CONTENT" ] || { fail "att_loop does not run natively: $(cat "$WORK/native_content.out")"; finish; }

stop=$WORK/stop
trigger=$WORK/fork-now
start_prog loop "$PROGS/att_loop" -f "$trigger" -s "$stop" -T 60 "$A" "$D"
pid=$PROG_PID
lo=$WORK/loop.out
wait_line "$lo" '^phase who=main .* res=OK$' || { fail "att_loop did not start: $(cat "$lo")"; finish; }

attach_bg att --policy "$P" --report "$REPORT" "$pid"
wait_attached "$pid" || { att_wait; finish; }
ERRNAME=EROFS
if wait_line "$lo" '^phase who=main .* res=EROFS$' 5; then ok "the parent's denied opens fail with EROFS"; else fail "the parent's denied opens do not fail with EROFS: $(tail -3 "$lo" | tr '\n' '|')"; fi
touch "$trigger"
if wait_line "$lo" '^child pid=[0-9]+$' 5; then
  cpid=$(sed -nE 's/^child pid=([0-9]+)$/\1/p' "$lo")
  ATT_STARTED+=("$cpid")  # not our child: killed by pid at exit all the same
  ok "att_loop forked child $cpid"
else
  fail "att_loop did not fork: $(tail -3 "$lo" | tr '\n' '|')"
  finish
fi
if wait_line "$lo" '^phase who=child ' 5; then :; fi
expect_traced_by "$cpid" "$ATT_PID"
sleep 0.3
kill -INT "$ATT_PID"
wait_detached "$pid"
att_wait
expect_status 0
expect_report 'r["verdict"] == "OK" and r["detached"] is True'
expect_untraced "$pid"
expect_untraced "$cpid"
for who in main child; do
  for _ in $(seq 300); do
    [ "$(grep -c "^phase who=$who .* res=OK$" "$lo")" -ge "$([ $who = main ] && echo 2 || echo 1)" ] && break
    sleep 0.01
  done
done
sleep 0.2
touch "$stop"
wait_prog "$pid"
if [ "$PROG_RC" = 0 ]; then ok "att_loop exited 0 by itself"; else fail "att_loop exited $PROG_RC: $(grep -E '^(other|end|done|child)' "$lo" | tr '\n' '|')"; fi
expect_phases "$lo" main OK "$ERRNAME:$ATTACHED_NS" "OK:$DETACHED_NS"
expect_phases "$lo" child "$ERRNAME" "OK:$DETACHED_NS"
expect_end "$lo" main "$CONTENT"
expect_end "$lo" child "$CONTENT"
expect_that "the parent reaped the child with status 0" grep -qx 'child_exit=0' "$lo"
expect_that "the child saw no other error" grep -qx 'child_end other_errors=0 bad_reads=0' "$lo"
finish
