#!/bin/bash
# ctest-timeout: 150
# 8 threads each open an allowed and a denied file every 5 ms (att_loop -t 8;
# the main thread waits for them: 9 threads). sysgate attach says "(9
# threads)", every thread is traced by it, and every thread's denied opens
# fail with the policy's errno (EPERM here) from the attached line on; after
# SIGINT every thread is untraced and its opens succeed again; all 8 finish
# with no other error and the right bytes read. Then the same program is
# attached to a second time (--detach-after 1s): the same again, each
# thread's results going OK, EPERM, OK, EPERM, OK.
source "$(dirname "$0")/../attach_lib.sh"
require_attach

A=$WORK/allowed.bin
D=$WORK/denied.txt
head -c 20000 /dev/urandom >"$A"
echo "not secret" >"$D"
P=$(policy deny.yaml <<EOP
version: 1
default: allow
rules:
  - syscalls: [openat, open]
    args: {path: {eq: "$D"}}
    action: {deny: EPERM}
EOP
)
CONTENT=$(native_content "$A")
[ -n "$CONTENT" ] || { fail "att_loop does not run natively: $(cat "$WORK/native_content.out")"; finish; }

stop=$WORK/stop
start_prog loop "$PROGS/att_loop" -t 8 -s "$stop" -T 90 "$A" "$D"
pid=$PROG_PID
lo=$WORK/loop.out
for i in 0 1 2 3 4 5 6 7; do
  wait_line "$lo" "^phase who=t$i .* res=OK$" || { fail "thread t$i did not start: $(cat "$lo")"; finish; }
done
ntasks=$(ls /proc/"$pid"/task | wc -l)
[ "$ntasks" = 9 ] && ok "att_loop runs 9 threads" || fail "att_loop runs $ntasks threads, expected 9"

declare -a events=()
for round in 1 2; do
  log "--- round $round"
  if [ "$round" = 1 ]; then
    attach_bg "att$round" --policy "$P" --report "$REPORT.$round" "$pid"
  else
    attach_bg "att$round" --policy "$P" --report "$REPORT.$round" --detach-after 1s "$pid"
  fi
  wait_attached "$pid" || { att_wait; finish; }
  [ "$ATTACHED_THREADS" = 9 ] && ok "sysgate counted 9 threads" || fail "the attached line says $ATTACHED_THREADS threads, the program has 9"
  expect_traced_by "$pid" "$ATT_PID"
  t_att=$ATTACHED_NS
  want=$((round + 1))  # EPERM phases of each thread so far, counting the OK ones before
  for i in 0 1 2 3 4 5 6 7; do
    for _ in $(seq 500); do
      [ "$(grep -c "^phase who=t$i .* res=EPERM$" "$lo")" -ge "$round" ] && break
      sleep 0.01
    done
  done
  sleep 0.3
  [ "$round" = 1 ] && kill -INT "$ATT_PID"
  wait_detached "$pid"
  att_wait
  expect_status 0
  expect_report 'r["verdict"] == "OK" and r["detached"] is True' "$REPORT.$round"
  expect_untraced "$pid"
  events+=("EPERM:$t_att" "OK:$DETACHED_NS")
  for i in 0 1 2 3 4 5 6 7; do
    for _ in $(seq 500); do
      [ "$(grep -c "^phase who=t$i .* res=OK$" "$lo")" -ge "$want" ] && break
      sleep 0.01
    done
  done
done
sleep 0.2
touch "$stop"
wait_prog "$pid"
if [ "$PROG_RC" = 0 ]; then ok "att_loop exited 0 by itself"; else fail "att_loop exited $PROG_RC: $(grep -E '^(other|end|done|gave_up)' "$lo" | head -20 | tr '\n' '|')"; fi
for i in 0 1 2 3 4 5 6 7; do
  expect_phases "$lo" "t$i" OK "${events[@]}"
  expect_end "$lo" "t$i" "$CONTENT"
done
expect_that "the done line has no other error and every read right" grep -qE '^done threads=8 other_errors=0 bad_reads=0 ' "$lo"
finish
