#!/bin/bash
# ctest-timeout: 120
# Processes asleep inside a system call when sysgate attaches and detaches:
# the call must be restarted, not fail (no EINTR) nor start over.
#  - read(2) of a FIFO (att_block read): attach and detach while it sleeps in
#    the read with no data; nothing comes back from the read; then the test
#    writes "alpha" and the read returns exactly that. Attached again: "beta"
#    written while attached is read under trace; detach (SIGTERM); "gamma"
#    read after; end of file; exit 0.
#  - nanosleep(4 s), attached at about 1.2 s and detached 1 s later: it
#    returns 0 after its full duration, measured by the program: >= 4000 ms,
#    and < 4900 ms (a sleep started over at the attach would take >= 5200).
#  - nanosleep(2 s), attached at about 0.5 s and still attached when it ends:
#    0 after >= 2000 ms (< 2900); the program then exits 0 while attached, and
#    sysgate exits 0 (verdict OK, detached false).
source "$(dirname "$0")/../attach_lib.sh"
require_attach

P=$(allow_all_policy)
SLACK_MS=${ATTACH_SLEEP_SLACK_MS:-900}

log "--- read(2) of a FIFO"
fifo=$WORK/fifo
mkfifo "$fifo"
ro=$WORK/reader.out
"$PROGS/att_block" read <"$fifo" >"$ro" 2>"$WORK/reader.err" &
rpid=$!
ATT_STARTED+=("$rpid")
exec 7>"$fifo"
if ! wait_line "$ro" '^reading 1$' || ! in_syscall "$rpid" 0; then
  fail "att_block read did not block in read(2): $(cat "$ro" "$WORK/reader.err")"
  finish
fi
ok "att_block sleeps in read(2)"
attach_bg att1 --policy "$P" "$rpid"
wait_attached "$rpid" || finish
sleep 0.3
kill -INT "$ATT_PID"
wait_detached "$rpid"
att_wait
expect_status 0
expect_untraced "$rpid"
sleep 0.2
if grep -q '^read 1' "$ro"; then fail "the read returned with nothing written: $(cat "$ro")"; else ok "the read still waits after attach and detach"; fi
if in_syscall "$rpid" 0; then ok "att_block is back asleep in read(2)"; else fail "att_block is not in read(2): $(cat /proc/"$rpid"/syscall 2>&1)"; fi
printf 'alpha\n' >&7
if wait_line "$ro" "^read 1: 'alpha'$" 5; then ok "read 1 returned 'alpha' (written after the detach)"; else fail "read 1 did not return 'alpha': $(cat "$ro")"; fi
wait_line "$ro" '^reading 2$' 5 && in_syscall "$rpid" 0

attach_bg att2 --policy "$P" "$rpid"
wait_attached "$rpid" || finish
printf 'beta\n' >&7
if wait_line "$ro" "^read 2: 'beta'$" 5; then ok "read 2 returned 'beta' under trace"; else fail "read 2 did not return 'beta' while attached: $(cat "$ro")"; fi
wait_line "$ro" '^reading 3$' 5
sleep 0.2
kill -TERM "$ATT_PID"
wait_detached "$rpid"
att_wait
expect_status 0
expect_untraced "$rpid"
printf 'gamma\n' >&7
exec 7>&-
wait_prog "$rpid" 10
if [ "$PROG_RC" = 0 ]; then ok "att_block read exited 0"; else fail "att_block read exited $PROG_RC"; fi
expected="reading 1
read 1: 'alpha'
reading 2
read 2: 'beta'
reading 3
read 3: 'gamma'
reading 4
read 4: EOF"
if [ "$(cat "$ro")" = "$expected" ]; then ok "the reads returned alpha, beta, gamma, EOF and nothing else"; else
  fail "the reads: expected $(tr '\n' '|' <<<"$expected"), got $(tr '\n' '|' <"$ro")"
fi

# NRS of nanosleep and clock_nanosleep (glibc's nanosleep uses the latter).
log "--- nanosleep(4 s), attached and detached while it sleeps"
start_prog sleep4 "$PROGS/att_block" sleep 4000
spid=$PROG_PID
wait_line "$WORK/sleep4.out" '^sleeping 4000$' && in_syscall "$spid" 35 230 || { fail "att_block sleep did not sleep: $(cat "$WORK/sleep4.out")"; finish; }
sleep 1.2
attach_bg att3 --policy "$P" --detach-after 1s --report "$REPORT.3" "$spid"
wait_attached "$spid"
wait_detached "$spid"
att_wait
expect_status 0
expect_report 'r["verdict"] == "OK" and r["detached"] is True' "$REPORT.3"
expect_untraced "$spid"
wait_prog "$spid" 10
if [ "$PROG_RC" = 0 ]; then ok "att_block sleep exited 0"; else fail "att_block sleep exited $PROG_RC: $(cat "$WORK/sleep4.out")"; fi
e=$(sed -nE 's/^slept: OK elapsed_ms=([0-9]+)$/\1/p' "$WORK/sleep4.out")
if [ -n "$e" ] && [ "$e" -ge 4000 ] && [ "$e" -lt $((4000 + SLACK_MS)) ]; then
  ok "nanosleep(4000 ms) returned 0 after $e ms"
else
  fail "nanosleep(4000 ms): expected 0 after 4000..$((4000 + SLACK_MS)) ms, got: $(cat "$WORK/sleep4.out")"
fi

log "--- nanosleep(2 s), still attached when it ends"
start_prog sleep2 "$PROGS/att_block" sleep 2000
spid=$PROG_PID
wait_line "$WORK/sleep2.out" '^sleeping 2000$' && in_syscall "$spid" 35 230 || { fail "att_block sleep did not sleep: $(cat "$WORK/sleep2.out")"; finish; }
sleep 0.5
attach_bg att4 --policy "$P" --report "$REPORT.4" "$spid"
wait_attached "$spid"
att_wait
expect_status 0
expect_stderr_lacks "detached from"
expect_report 'r["verdict"] == "OK" and r["detached"] is False and r["exit_code"] == 0' "$REPORT.4"
wait_prog "$spid" 10
if [ "$PROG_RC" = 0 ]; then ok "att_block sleep exited 0"; else fail "att_block sleep exited $PROG_RC: $(cat "$WORK/sleep2.out")"; fi
e=$(sed -nE 's/^slept: OK elapsed_ms=([0-9]+)$/\1/p' "$WORK/sleep2.out")
if [ -n "$e" ] && [ "$e" -ge 2000 ] && [ "$e" -lt $((2000 + SLACK_MS)) ]; then
  ok "nanosleep(2000 ms) returned 0 after $e ms, under trace"
else
  fail "nanosleep(2000 ms) under trace: expected 0 after 2000..$((2000 + SLACK_MS)) ms, got: $(cat "$WORK/sleep2.out")"
fi
finish
