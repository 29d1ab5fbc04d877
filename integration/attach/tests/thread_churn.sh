#!/bin/bash
# ctest-timeout: 150
# Threads born while sysgate seizes: att_loop -t 2 -C runs two workers and a
# third, "churn", whose denied open of each iteration is made by a new thread
# created for it (every ~1 ms), so threads appear and die all the time, also
# between sysgate listing the process's threads and seizing them. Over
# CHURN_CYCLES (default 10) attach/detach cycles (SIGINT) the attached line
# counts 4 or 5 threads, and no open made by any thread (churn's new ones
# included) after the attached line succeeds, none made after the detached
# line fails; each worker's results go OK, EACCES, OK, ... once per cycle;
# the program ends with no other error.
source "$(dirname "$0")/../attach_lib.sh"
require_attach

A=$WORK/allowed.txt
D=$WORK/denied.txt
head -c 3000 /dev/urandom >"$A"
echo "denied file" >"$D"
P=$(policy deny.yaml <<EOP
version: 1
default: allow
rules:
  - syscalls: [openat, open]
    args: {path: {eq: "$D"}}
    action: {deny: EACCES}
EOP
)
CONTENT=$(native_content "$A")
N=${CHURN_CYCLES:-10}
stop=$WORK/stop
start_prog loop "$PROGS/att_loop" -t 2 -C -i 1000 -s "$stop" -T 120 "$A" "$D"
pid=$PROG_PID
lo=$WORK/loop.out
for w in t0 t1 churn; do wait_line "$lo" "^phase who=$w " || { fail "att_loop did not start $w: $(cat "$lo")"; finish; }; done

events=()
for ((c = 1; c <= N; c++)); do
  attach_bg "att.$c" --policy "$P" "$pid"
  wait_attached "$pid" || { att_wait; break; }
  t_att=$ATTACHED_NS
  case "$ATTACHED_THREADS" in 4 | 5) ;; *) fail "cycle $c: the attached line says $ATTACHED_THREADS threads (4 or 5 expected)" ;; esac
  for w in t0 t1 churn; do
    for _ in $(seq 500); do [ "$(grep -c "^phase who=$w .* res=EACCES$" "$lo")" -ge "$c" ] && break; sleep 0.01; done
  done
  kill -INT "$ATT_PID"
  wait_detached "$pid"
  att_wait
  [ "$RC" = 0 ] || fail "cycle $c: sysgate exited $RC: $(head -c 400 "$ERR")"
  events+=("EACCES:$t_att" "OK:$DETACHED_NS")
  for w in t0 t1 churn; do
    for _ in $(seq 500); do [ "$(grep -c "^phase who=$w .* res=OK$" "$lo")" -ge $((c + 1)) ] && break; sleep 0.01; done
  done
done
ok "$((c - 1)) attach/detach cycles"
expect_untraced "$pid"
touch "$stop"
wait_prog "$pid"
[ "$PROG_RC" = 0 ] && ok "att_loop exited 0" || fail "att_loop exited $PROG_RC: $(grep -E '^(other|end|done)' "$lo" | tr '\n' '|')"
for w in t0 t1 churn; do
  expect_phases "$lo" "$w" OK "${events[@]}" >"$WORK/phases.$w" 2>&1
  # Only the failures and a summary: 4 checks per cycle and worker.
  grep -v '^ok:' "$WORK/phases.$w" >&2
  ok "$w: $(grep -c '^ok:' "$WORK/phases.$w") phase checks passed"
  expect_end "$lo" "$w" "$CONTENT"
done
finish
