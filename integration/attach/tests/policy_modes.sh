#!/bin/bash
# ctest-timeout: 120
# The options and policy features attach shares with run, on att_loop:
#  - --log FILE: the JSON log has the denial (openat, the denied path,
#    action deny, EACCES);
#  - --mode audit: nothing is refused (the denied file keeps opening), the
#    decision lines say "(audit, not done)";
#  - --quiet: the denials happen but no decision line is written;
#  - a filesystem section (no rules): a file outside its read list fails
#    with EACCES, the line names the section;
#  - what only a started program can be given is refused, exit 125 and a
#    SETUP_ERROR report, the process left untraced: the output limit and
#    tmp: private; a policy's wall_time limit applies from the attach (137).
source "$(dirname "$0")/../attach_lib.sh"
require_attach

mkdir -p "$WORK/ok" "$WORK/no"
A=$WORK/ok/allowed.txt
D=$WORK/no/denied.txt
echo allowed >"$A"
echo "denied file" >"$D"
RULE="rules:
  - name: no-denied
    syscalls: [openat, open]
    args: {path: {eq: \"$D\"}}
    action: {deny: EACCES}"
P=$(policy deny.yaml <<EOP
version: 1
default: allow
$RULE
EOP
)
CONTENT=$(native_content "$A")

# one NAME EXPECTED ARGS...: a fresh att_loop, attached with ARGS for about
# 1 s (--detach-after 1s), then stopped; its denied opens must have been
# EXPECTED while attached (EACCES, or OK when nothing may be refused).
one() {
  local name=$1 expected=$2 lo
  shift 2
  local stop=$WORK/ok/stop.$name
  start_prog "loop.$name" "$PROGS/att_loop" -s "$stop" -T 60 "$A" "$D"
  local pid=$PROG_PID
  lo=$WORK/loop.$name.out
  wait_line "$lo" '^phase who=main ' || { fail "$name: att_loop did not start"; return; }
  attach_bg "att.$name" "$@" --detach-after 1s "$pid"
  for _ in $(seq 1000); do att_running || break; sleep 0.01; done
  att_wait
  expect_status 0
  expect_untraced "$pid"
  touch "$stop"
  wait_prog "$pid"
  [ "$PROG_RC" = 0 ] && ok "$name: att_loop exited 0" || fail "$name: att_loop exited $PROG_RC"
  expect_end "$lo" main "$CONTENT"
  if [ "$expected" = OK ]; then
    expect_phases "$lo" main OK
  else
    expect_phases "$lo" main OK "$expected:-" "OK:-"
  fi
}

log "--- --log"
one log EACCES --policy "$P" --log "$WORK/log.jsonl"
if python3 -S - "$WORK/log.jsonl" "$D" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ok = any(l.get("syscall") == "openat" and l.get("action") == "deny" and (l.get("resolved") or {}).get("path") == sys.argv[2]
         and (l.get("errno") or {}).get("name") == "EACCES" for l in lines)
sys.exit(0 if ok else 1)
PY
then ok "the JSON log has the denied openat of $D"; else fail "the JSON log lacks the denied openat of $D: $(head -c 800 "$WORK/log.jsonl")"; fi

log "--- --mode audit"
one audit OK --policy "$P" --mode audit --report "$REPORT.audit"
expect_stderr_contains "(audit, not done)"
expect_report 'r["verdict"] == "OK" and r["detached"] is True' "$REPORT.audit"

log "--- --quiet"
one quiet EACCES --policy "$P" --quiet --report "$REPORT.quiet"
expect_stderr_lacks "-> deny"
expect_report 'r["verdict"] == "OK" and r["detached"] is True and r["denials"]["count"] > 0' "$REPORT.quiet"

log "--- a filesystem section"
F=$(policy fs.yaml <<EOP
version: 1
default: allow
filesystem:
  read: ["/usr/**", "/etc/**", "/proc/**", "/sys/**", "/dev/**", "$WORK/ok/**"]
  write: ["/dev/null"]
EOP
)
one fs EACCES --policy "$F"
expect_stderr_matches "path=$D -> deny EACCES \[filesystem section"

log "--- what attach cannot give"
start_prog idle "$PROGS/att_loop" -s "$WORK/ok/stop.idle" -T 60 "$A" "$D"
ipid=$PROG_PID
wait_line "$WORK/idle.out" '^phase who=main '
for what in "limits: {output: 1MiB}" "tmp: private"; do
  Q=$(policy cannot.yaml <<EOP
version: 1
default: allow
$what
EOP
)
  attach_bg cannot --policy "$Q" --report "$REPORT.cannot" "$ipid"
  att_wait
  expect_status 125 "policy with '$what'"
  expect_report 'r["verdict"] == "SETUP_ERROR"' "$REPORT.cannot"
  expect_stderr_lacks "attached to"
  expect_untraced "$ipid"
done
touch "$WORK/ok/stop.idle"
wait_prog "$ipid"
[ "$PROG_RC" = 0 ] && ok "the idle att_loop exited 0" || fail "the idle att_loop exited $PROG_RC"

log "--- a policy's wall_time limit"
W=$(policy wall.yaml <<'EOP'
version: 1
default: allow
limits: {wall_time: 1s}
EOP
)
start_prog wall "$PROGS/att_loop" -T 60 "$A" "$D"
wpid=$PROG_PID
wait_line "$WORK/wall.out" '^phase who=main '
attach_bg wall --policy "$W" --report "$REPORT.wall" "$wpid"
wait_attached "$wpid"
att_wait
expect_status 137
expect_report 'r["verdict"] == "WALL_TIME_LIMIT"' "$REPORT.wall"
wait_prog "$wpid"
[ "$PROG_RC" = 137 ] && ok "att_loop killed (SIGKILL)" || fail "att_loop: expected SIGKILL (137), got $PROG_RC"
finish
