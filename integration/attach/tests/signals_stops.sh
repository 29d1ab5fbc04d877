#!/bin/bash
# ctest-timeout: 120
# No signal swallowed, no stop lost:
#  - signals: att_block signals (a SIGUSR1 handler, SA_RESTART, that prints
#    "usr1 N"; the main thread in read(2) of a FIFO). The test sends SIGUSR1
#    once before any attach, then for each of SIGNAL_CYCLES (default 20)
#    attach/detach cycles one while attached and one right after SIGINT to
#    sysgate (while it detaches), and one after all: every one is handled,
#    once (the test waits for each "usr1 N" before the next), and the read is
#    restarted each time: the data written at the end is read, then end of
#    file, "usr1_total=N", exit 0.
#  - a stopped process stays stopped: att_block asleep in nanosleep(3 s) is
#    stopped with SIGSTOP, attached to and detached from (--detach-after
#    300ms): it is still stopped ('T', untraced) 0.5 s later; SIGCONT, and the
#    sleep ends after its full 3 s with 0.
#  - SIGSTOP and SIGCONT while attached: the process stops and goes on.
source "$(dirname "$0")/../attach_lib.sh"
require_attach

P=$(allow_all_policy)
N=${SIGNAL_CYCLES:-20}

log "--- SIGUSR1 around $N attach/detach cycles"
fifo=$WORK/fifo
mkfifo "$fifo"
so=$WORK/signals.out
"$PROGS/att_block" signals <"$fifo" >"$so" 2>"$WORK/signals.err" &
spid=$!
ATT_STARTED+=("$spid")
exec 7>"$fifo"
wait_line "$so" '^reading 1$' && in_syscall "$spid" 0 || { fail "att_block signals did not block in read(2): $(cat "$so")"; finish; }
sent=0
# usr1 WHEN: sends one SIGUSR1 and waits (5 s) for the handler's line.
usr1() {
  sent=$((sent + 1))
  kill -USR1 "$spid"
  if ! wait_line "$so" "^usr1 $sent\$" 5; then
    fail "SIGUSR1 number $sent ($1) was not handled within 5 s: $(tail -3 "$so" | tr '\n' '|')"
    return 1
  fi
}
usr1 "before any attach"
lost=0
for ((c = 1; c <= N; c++)); do
  attach_bg "att.$c" --policy "$P" "$spid"
  wait_attached "$spid" || break
  usr1 "while attached, cycle $c" || { lost=1; break; }
  kill -INT "$ATT_PID"
  usr1 "during the detach, cycle $c" || { lost=1; break; }
  att_wait
  if [ "$RC" != 0 ]; then fail "cycle $c: sysgate exited $RC: $(head -c 300 "$ERR")"; break; fi
done
[ "$lost" = 0 ] && [ "$c" -gt "$N" ] && ok "$((2 * N)) SIGUSR1 around $N attach/detach cycles, each handled once"
expect_untraced "$spid"
usr1 "after the detaches"
printf 'data\n' >&7
exec 7>&-
wait_prog "$spid" 10
if [ "$PROG_RC" = 0 ]; then ok "att_block signals exited 0"; else fail "att_block signals exited $PROG_RC: $(tail -5 "$so" | tr '\n' '|')"; fi
expect_that "the read returned the data, then end of file" grep -qx "read 1: 'data'" "$so"
expect_that "every SIGUSR1 was handled once: usr1_total=$sent" grep -qx "usr1_total=$sent" "$so"
if grep -E '^read [0-9]+: E[A-Z0-9]+$' "$so" | grep -qv ': EOF$'; then fail "a read failed: $(grep -E '^read [0-9]+: E' "$so")"; else ok "no read failed (SA_RESTART restarted it every time)"; fi

log "--- a stopped process stays stopped"
start_prog stopped "$PROGS/att_block" sleep 3000
pid=$PROG_PID
wait_line "$WORK/stopped.out" '^sleeping' && in_syscall "$pid" 35 230
kill -STOP "$pid"
for _ in $(seq 200); do [ "$(proc_field "$pid" State | cut -c1)" = T ] && break; sleep 0.01; done
st=$(proc_field "$pid" State)
[ "${st:0:1}" = T ] && ok "att_block is stopped ($st)" || fail "att_block did not stop: $st"
attach_bg stop1 --policy "$P" --detach-after 300ms --report "$REPORT.stop" "$pid"
wait_attached "$pid"
wait_detached "$pid"
att_wait
expect_status 0
expect_report 'r["verdict"] == "OK" and r["detached"] is True' "$REPORT.stop"
sleep 0.5
st=$(proc_field "$pid" State)
tr=$(proc_field "$pid" TracerPid)
if [ "${st:0:1}" = T ] && [ "$tr" = 0 ]; then ok "still stopped after the detach ($st, untraced)"; else fail "after the detach: State '$st' TracerPid $tr, expected stopped (T) and untraced"; fi
kill -CONT "$pid"
wait_prog "$pid" 10
if [ "$PROG_RC" = 0 ]; then ok "after SIGCONT the sleep ended with 0"; else fail "att_block sleep exited $PROG_RC: $(cat "$WORK/stopped.out")"; fi
e=$(sed -nE 's/^slept: OK elapsed_ms=([0-9]+)$/\1/p' "$WORK/stopped.out")
[ -n "$e" ] && [ "$e" -ge 3000 ] && ok "slept its full 3000 ms ($e)" || fail "nanosleep(3000 ms): $(cat "$WORK/stopped.out")"

log "--- SIGSTOP and SIGCONT while attached"
A=$WORK/allowed.txt
echo allowed >"$A"
stopf=$WORK/stopfile
start_prog loop "$PROGS/att_loop" -s "$stopf" -T 60 "$A" /dev/null
pid=$PROG_PID
lo=$WORK/loop.out
wait_line "$lo" '^phase who=main '
attach_bg stop2 --policy "$P" --report "$REPORT.stop2" "$pid"
wait_attached "$pid"
kill -STOP "$pid"
sleep 0.5
# states PID: 40 samples of its State letter over 0.4 s (an attached process
# that runs is in a tracing stop, 't', at each of its calls: one sample
# says little).
states() {
  local i out=""
  for ((i = 0; i < 40; i++)); do
    out+=$(proc_field "$1" State | cut -c1)
    sleep 0.01
  done
  printf '%s\n' "$out"
}
st=$(states "$pid")
if [[ $st =~ ^[Tt]+$ ]]; then ok "stopped while attached (states $st)"; else fail "SIGSTOP did not stop it while attached: states $st"; fi
kill -CONT "$pid"
sleep 0.3
st=$(states "$pid")
if [[ $st =~ [^Tt] ]]; then ok "resumed by SIGCONT while attached (states $st)"; else fail "SIGCONT did not resume it while attached: states $st"; fi
kill -INT "$ATT_PID"
wait_detached "$pid"
att_wait
expect_status 0
expect_untraced "$pid"
touch "$stopf"
wait_prog "$pid"
if [ "$PROG_RC" = 0 ]; then ok "att_loop exited 0"; else fail "att_loop exited $PROG_RC: $(grep -E '^(other|end|done)' "$lo" | tr '\n' '|')"; fi
expect_that "att_loop saw no error" grep -qE '^done threads=0 other_errors=0 bad_reads=0 ' "$lo"
finish
