#!/bin/bash
# ctest-timeout: 120
# A kill rule under attach: once a trigger file appears, att_loop opens a
# file a rule `action: kill` names. The attached tree is killed: the program
# (the test's own child) dies of SIGKILL or SIGSYS and never prints what its
# open returned, a child it forked after the attach dies too, sysgate exits
# 159 with verdict VIOLATION in the report and names the file on stderr.
# Twice: a single-threaded program with a forked child, and 4 threads.
# And sysgate killed (SIGKILL) while attached: the program dies too
# (PTRACE_O_EXITKILL, sysgate(1)).
source "$(dirname "$0")/../attach_lib.sh"
require_attach

A=$WORK/allowed.txt
D=$WORK/denied.txt
K=$WORK/forbidden.txt
echo "allowed" >"$A"
echo "denied" >"$D"
echo "forbidden" >"$K"
P=$(policy kill.yaml <<EOP
version: 1
default: allow
rules:
  - name: no-denied
    syscalls: [openat, open]
    args: {path: {eq: "$D"}}
    action: {deny: EACCES}
  - name: kill-forbidden
    syscalls: [openat, open]
    args: {path: {eq: "$K"}}
    action: kill
EOP
)

# gone PID: PID has exited (absent, or a zombie nobody has reaped yet).
gone() {
  local st
  st=$(proc_field "$1" State 2>/dev/null | cut -c1)
  [ -z "$st" ] || [ "$st" = Z ]
}

for shape in fork threads; do
  log "--- kill rule, $shape"
  ktrig=$WORK/kill.$shape
  ftrig=$WORK/fork.$shape
  lo=$WORK/loop.$shape.out
  if [ "$shape" = fork ]; then
    start_prog "loop.$shape" "$PROGS/att_loop" -f "$ftrig" -k "$ktrig:$K" -T 60 "$A" "$D"
  else
    start_prog "loop.$shape" "$PROGS/att_loop" -t 4 -k "$ktrig:$K" -T 60 "$A" "$D"
  fi
  pid=$PROG_PID
  wait_line "$lo" '^phase who=(main|t3) .* res=OK$' || { fail "att_loop did not start: $(cat "$lo")"; continue; }
  attach_bg "att.$shape" --policy "$P" --report "$REPORT.$shape" "$pid"
  wait_attached "$pid" || { att_wait; continue; }
  cpid=
  if [ "$shape" = fork ]; then
    touch "$ftrig"
    if wait_line "$lo" '^phase who=child .* res=EACCES$' 5; then
      cpid=$(sed -nE 's/^child pid=([0-9]+)$/\1/p' "$lo")
      ATT_STARTED+=("$cpid")
      ok "child $cpid forked under trace, its denied open refused"
    else
      fail "no child under trace: $(tail -4 "$lo" | tr '\n' '|')"
    fi
  else
    wait_line "$lo" '^phase who=t3 .* res=EACCES$' 5
  fi
  touch "$ktrig"
  att_wait
  expect_status 159
  expect_report 'r["verdict"] == "VIOLATION" and r["exit_status"] == 159' "$REPORT.$shape"
  expect_stderr_contains "$K"
  wait_prog "$pid" 10
  case "$PROG_RC" in
    137 | 159) ok "att_loop died of signal $((PROG_RC - 128))" ;;
    *) fail "att_loop: expected death by SIGKILL or SIGSYS (137/159), got status $PROG_RC: $(tail -4 "$lo" | tr '\n' '|')" ;;
  esac
  expect_that "the kill open of att_loop never returned" bash -c "! grep -q '^kill_open_result' '$lo'"
  if [ -n "$cpid" ]; then
    for _ in $(seq 100); do gone "$cpid" && break; sleep 0.05; done
    if gone "$cpid"; then ok "the child $cpid was killed too"; else fail "the child $cpid still runs: $(proc_field "$cpid" State)"; fi
  fi
  rm -f "$ktrig"
done

# PTRACE_O_EXITKILL: a sysgate killed without detaching takes the processes
# with it (a process under a policy never runs on unchecked).
log "--- sysgate killed with SIGKILL while attached"
start_prog loop.exitkill "$PROGS/att_loop" -t 2 -T 60 "$A" "$D"
pid=$PROG_PID
wait_line "$WORK/loop.exitkill.out" '^phase who=t1 '
attach_bg att.exitkill --policy "$P" "$pid"
if wait_attached "$pid"; then
  kill -KILL "$ATT_PID"
  att_wait
  wait_prog "$pid" 10
  if [ "$PROG_RC" = 137 ]; then ok "att_loop died of SIGKILL with its tracer"; else fail "att_loop: expected to die of SIGKILL (137) with sysgate, got $PROG_RC"; fi
fi
finish
