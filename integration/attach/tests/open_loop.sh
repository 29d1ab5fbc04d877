#!/bin/bash
# ctest-timeout: 150
# A running program that opens an allowed file and a "denied" one every 5 ms
# (att_loop) is attached to with a policy denying the second with EACCES:
# from sysgate's "attached to PID (1 threads)" line on, every open of it fails
# with EACCES (no open made after the line succeeds; the first EACCES comes
# within ATTACH_MARGIN_MS), and a denial line names it on stderr. sysgate is
# then detached four ways, each on a fresh program: SIGINT (Ctrl-C), SIGTERM,
# SIGHUP and --detach-after 1s. Each time: "detached from PID", exit status 0,
# the report says verdict OK and detached: true, the opens succeed again (none
# made after the line fails), the program runs untraced, saw no other error,
# every read of the allowed file had the bytes a native run read, and it ends
# by itself with status 0 when told to (a stop file).
source "$(dirname "$0")/../attach_lib.sh"
require_attach

A=$WORK/allowed.bin
D=$WORK/denied.txt
head -c 100000 /dev/urandom >"$A"
echo "not secret" >"$D"
P=$(policy deny.yaml <<EOP
version: 1
default: allow
rules:
  - name: no-denied
    syscalls: [openat, open]
    args: {path: {eq: "$D"}}
    action: {deny: EACCES}
EOP
)
CONTENT=$(native_content "$A")
[ -n "$CONTENT" ] || { fail "att_loop does not run natively: $(cat "$WORK/native_content.out")"; finish; }

for how in INT TERM HUP detach-after; do
  log "--- detach by $how"
  stop=$WORK/stop.$how
  start_prog "loop.$how" "$PROGS/att_loop" -s "$stop" -T 60 "$A" "$D"
  pid=$PROG_PID
  lo=$WORK/loop.$how.out
  if ! wait_line "$lo" '^phase who=main .* res=OK$'; then
    fail "att_loop did not start: $(cat "$lo" "$WORK/loop.$how.err")"
    continue
  fi
  args=(--policy "$P" --report "$REPORT.$how")
  [ "$how" = detach-after ] && args+=(--detach-after 1s)
  attach_bg "att.$how" "${args[@]}" "$pid"
  if ! wait_attached "$pid"; then
    kill -KILL "$ATT_PID" 2>/dev/null
    att_wait
    continue
  fi
  [ "$ATTACHED_THREADS" = 1 ] && ok "1 thread" || fail "attached line says $ATTACHED_THREADS threads, the program has 1"
  expect_traced_by "$pid" "$ATT_PID"
  if wait_line "$lo" '^phase who=main .* res=EACCES$' 5; then ok "the denied open fails while attached"; else fail "no EACCES within 5 s of the attach: $(tail -3 "$lo" | tr '\n' '|')"; fi
  sleep 0.3
  [ "$how" != detach-after ] && kill -"$how" "$ATT_PID"
  wait_detached "$pid"
  att_wait
  expect_status 0
  expect_stderr_matches "path=$D -> deny EACCES"
  expect_report 'r["verdict"] == "OK" and r["detached"] is True' "$REPORT.$how"
  if [ "$how" = detach-after ]; then
    d=$(((DETACHED_NS - ATTACHED_NS) / 1000000))
    if [ "$d" -ge 900 ] && [ "$d" -lt 4000 ]; then ok "--detach-after 1s detached after $d ms"; else fail "--detach-after 1s: detached $d ms after the attached line"; fi
  fi
  expect_untraced "$pid"
  if wait_line "$lo" '^phase who=main .* res=OK$' 5 && [ "$(grep -c '^phase who=main .* res=OK$' "$lo")" -ge 2 ]; then
    ok "the denied file opens again after the detach"
  else
    fail "the denied file does not open again within 5 s of the detach: $(tail -3 "$lo" | tr '\n' '|')"
  fi
  sleep 0.2
  touch "$stop"
  wait_prog "$pid"
  if [ "$PROG_RC" = 0 ]; then ok "att_loop exited 0 by itself"; else fail "att_loop exited $PROG_RC: $(tail -5 "$lo" | tr '\n' '|') $(head -c 500 "$WORK/loop.$how.err")"; fi
  expect_phases "$lo" main OK "EACCES:$ATTACHED_NS" "OK:$DETACHED_NS"
  expect_end "$lo" main "$CONTENT"
  if [ "$(field denied_refused "$lo" main)" -gt 0 ] 2>/dev/null; then ok "$(field denied_refused "$lo" main) opens refused"; else fail "no open refused: $(grep '^end' "$lo")"; fi
done
finish
