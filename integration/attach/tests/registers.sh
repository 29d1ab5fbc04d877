#!/bin/bash
# ctest-timeout: 180
# No call left half-edited, as the program's registers show it: att_regs (2
# threads) makes openat/close with the syscall instruction directly and checks
# that rdi, rsi, rdx, r10, r8, r9 and r12-r15 hold after each call what they
# held before (the kernel changes rax, rcx and r11 only; compiled code relies
# on the rest). Under a policy whose filesystem section refuses DENIED (so
# every openat is checked and its path copied), attached for 1 s, then
# REGS_CYCLES (default 50) attach/detach cycles (--detach-after 1..30 ms and
# SIGINT, alternately) while the threads make these calls as fast as they
# can. At the end: no register ever changed, ALLOWED always opened, DENIED
# only ever gave OK (untraced) or EACCES, the program exits 0.
source "$(dirname "$0")/../attach_lib.sh"
require_attach
[ "$(uname -m)" = x86_64 ] || skip "att_regs checks x86_64 registers; this is $(uname -m)"

mkdir -p "$WORK/ok" "$WORK/no"
A=$WORK/ok/allowed.txt
D=$WORK/no/denied.txt
echo allowed >"$A"
echo denied >"$D"
P=$(policy fs.yaml <<EOP
version: 1
default: allow
filesystem:
  read: ["/usr/**", "/etc/**", "/proc/**", "/sys/**", "/dev/**", "$WORK/ok/**"]
  write: ["/dev/null"]
EOP
)
N=${REGS_CYCLES:-50}
stop=$WORK/ok/stop
start_prog regs "$PROGS/att_regs" -t 2 -s "$stop" -T 150 "$A" "$D"
pid=$PROG_PID
ro=$WORK/regs.out
wait_line "$ro" '^start ' || { fail "att_regs did not start: $(cat "$ro" "$WORK/regs.err")"; finish; }
sleep 0.2

log "--- attached for 1 s"
attach_bg steady --policy "$P" --detach-after 1s --report "$REPORT" "$pid"
wait_attached "$pid"
wait_detached "$pid"
att_wait
expect_status 0
expect_report 'r["verdict"] == "OK" and r["detached"] is True and r["denials"]["count"] > 0'
expect_untraced "$pid"

log "--- $N attach/detach cycles"
bad=0
for ((c = 1; c <= N; c++)); do
  if ((c % 2)); then
    attach_bg cycle --policy "$P" --detach-after "$((1 + RANDOM % 30))ms" "$pid"
  else
    attach_bg cycle --policy "$P" "$pid"
    for ((i = 0; i < 4000; i++)); do
      grep -q "^sysgate: attached to $pid " "$ERR" 2>/dev/null && break
      att_running || break
      sleep 0.005
    done
    kill -INT "$ATT_PID" 2>/dev/null
  fi
  att_wait
  if [ "$RC" != 0 ] || ! grep -qxF "sysgate: detached from $pid" "$ERR"; then
    bad=$((bad + 1))
    [ "$bad" -le 3 ] && fail "cycle $c: sysgate exited $RC: $(head -c 400 "$ERR")"
  fi
  grep -q '^bad ' "$ro" && { fail "a register changed in cycle $c: $(grep '^bad ' "$ro" | head -3 | tr '\n' '|')"; break; }
  kill -0 "$pid" 2>/dev/null || { fail "att_regs ended in cycle $c: $(tail -5 "$ro" | tr '\n' '|')"; break; }
done
[ "$bad" = 0 ] && ok "$N cycles, sysgate exited 0 and detached each time"
expect_untraced "$pid"
touch "$stop"
wait_prog "$pid" 30
if [ "$PROG_RC" = 0 ]; then ok "att_regs exited 0"; else fail "att_regs exited $PROG_RC: $(grep -vE '^start' "$ro" | head -14 | tr '\n' '|')"; fi
expect_that "no register changed across a call (done bad_regs=0)" grep -qx 'done bad_regs=0' "$ro"
for t in t0 t1; do
  line=$(grep "^end who=$t " "$ro")
  if [[ $line =~ bad_regs=0\ allowed_fail=0\ denied_ok=[0-9]+\ denied_errnos=EACCES:[0-9]+$ ]]; then ok "$t: $line"; else fail "$t: expected no bad register, no failed allowed open and only EACCES: $line"; fi
done
finish
