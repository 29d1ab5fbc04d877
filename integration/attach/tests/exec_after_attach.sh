#!/bin/bash
# ctest-timeout: 120
# What the attached process runs next is checked too:
#  - exec: a shell polls for a trigger file (forking `sleep` every 10 ms,
#    each child followed) and then execs att_loop in the same process; the
#    new image's denied opens fail with EACCES from its first iteration; after
#    SIGINT they succeed; it exits 0 with no other error.
#  - fork + exec of short-lived children: a shell runs `cat DENIED` every
#    10 ms and notes what cat said; while attached cat is refused ("Permission
#    denied"), before and after it reads the file: the shell's lines go
#    OK, refused, OK, and the denial lines on stderr name cat's pids, not the
#    shell's.
source "$(dirname "$0")/../attach_lib.sh"
require_attach

A=$WORK/allowed.txt
D=$WORK/denied.txt
echo allowed >"$A"
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

log "--- exec after the attach"
trig=$WORK/exec-now
stop=$WORK/stop
start_prog exec sh -c 'while [ ! -e "$1" ]; do sleep 0.01; done; echo execing; exec "$2" -s "$3" -T 60 "$4" "$5"' sh "$trig" "$PROGS/att_loop" "$stop" "$A" "$D"
pid=$PROG_PID
lo=$WORK/exec.out
sleep 0.2
attach_bg att1 --policy "$P" --report "$REPORT.1" "$pid"
wait_attached "$pid" || { att_wait; finish; }
touch "$trig"
if wait_line "$lo" '^phase who=main ' 5; then ok "the shell exec'd att_loop under trace"; else fail "no att_loop after the exec: $(cat "$lo" "$WORK/exec.err")"; fi
expect_that "att_loop runs in the attached process ($pid)" grep -qx "start pid=$pid threads=0" "$lo"
expect_traced_by "$pid" "$ATT_PID"
sleep 0.3
kill -INT "$ATT_PID"
wait_detached "$pid"
att_wait
expect_status 0
expect_report 'r["verdict"] == "OK" and r["detached"] is True' "$REPORT.1"
expect_untraced "$pid"
wait_line "$lo" '^phase who=main .* res=OK$' 5
touch "$stop"
wait_prog "$pid"
[ "$PROG_RC" = 0 ] && ok "att_loop (exec'd) exited 0" || fail "att_loop (exec'd) exited $PROG_RC: $(grep -E '^(other|end|done)' "$lo" | tr '\n' '|')"
expect_phases "$lo" main EACCES "OK:$DETACHED_NS"
expect_end "$lo" main "$CONTENT"

log "--- fork and exec of cat, every 10 ms"
stop2=$WORK/stop2
start_prog cat sh -c 'last=; while [ ! -e "$1" ]; do
  if err=$(cat "$2" 2>&1 >/dev/null); then r=OK; else r="refused: $err"; fi
  [ "$r" = "$last" ] || echo "$r"; last=$r; sleep 0.01; done; echo end' sh "$stop2" "$D"
pid=$PROG_PID
co=$WORK/cat.out
wait_line "$co" '^OK$' || { fail "the cat loop did not start: $(cat "$co" "$WORK/cat.err")"; finish; }
attach_bg att2 --policy "$P" "$pid"
wait_attached "$pid" || { att_wait; finish; }
wait_line "$co" '^refused' 5
sleep 0.3
kill -INT "$ATT_PID"
wait_detached "$pid"
att_wait
expect_status 0
expect_untraced "$pid"
for _ in $(seq 300); do [ "$(grep -c '^OK$' "$co")" -ge 2 ] && break; sleep 0.01; done
touch "$stop2"
wait_prog "$pid"
expect_that "the shell exited 0" [ "$PROG_RC" = 0 ]
got=$(tr '\n' '|' <"$co")
want="OK|refused: cat: $D: Permission denied|OK|end|"
if [ "$got" = "$want" ]; then ok "cat read the file, was refused with EACCES while attached, read it again"; else fail "the cat loop saw '$got', expected '$want'"; fi
denial_pids=$(grep -F "path=$D -> deny EACCES" "$ERR" | sed -nE 's/^sysgate: pid ([0-9]+) .*/\1/p' | sort -u)
if [ -n "$denial_pids" ] && ! grep -qx "$pid" <<<"$denial_pids"; then
  ok "denials were made in $(wc -l <<<"$denial_pids") cat processes, none in the shell"
else
  fail "denial lines should name cat's pids, not the shell's ($pid): $(grep -F -- '-> deny' "$ERR" | head -3)"
fi
finish
