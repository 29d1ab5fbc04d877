#!/bin/bash
# Threat class 3: a process rewrites another's argument buffer through
# /proc/PID/mem (process_vm_writev and ptrace are refused by the default
# policy's no-tracing rule; this is the same write by another door). Here the
# parent opens /proc/CHILD/mem for writing and flips the child's path buffer
# (or sin_port) between an allowed and a denied value while the child opens
# (or connects) N times. sysgate's built-in rules refuse opening
# /proc/PID/mem for writing: the open fails with EACCES or EPERM, nothing
# flips, so every call of the child is allowed and nothing leaks.
# Control: natively the open succeeds and the child reads the denied file
# (reaches the denied port): the window is real.
source "$(dirname "$0")/../tracer_lib.sh"
box --setup 'ip link set lo up 2>/dev/null'
SG_TIMEOUT=50
W=$WORK
N=$SCALE
mkdir -p "$W/ok"
echo ALLOWED >"$W/ok/aa"
echo SECRET >"$W/ok/dd"
"$PROGS/tr_race" serve "$W/ports" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
wait_for_lines "$W/ports" 2 || { fail "the loopback server did not start"; finish; }
mapfile -t PORTS <"$W/ports"
A=${PORTS[0]} D=${PORTS[1]}

# expect_mem_refused: the parent's open of /proc/CHILD/mem was refused.
expect_mem_refused() {
  local got
  got=$(grep -m1 '^mem_open: ' "$OUT" | sed 's/^mem_open: //')
  case "$got" in
    EACCES | EPERM) ok "open of /proc/CHILD/mem for writing refused ($got)" ;;
    *) fail "open of /proc/CHILD/mem for writing: expected EACCES or EPERM, got '${got:-(no line)}'" ;;
  esac
}

log "--- path"
native_race "$PROGS/tr_race" procmem_path "$W/ok/aa" "$W/ok/dd" "$NATIVE_SCALE"
log "native: $(tr '\n' ' ' <"$WORK/native.out")"
expect_that "natively, /proc/CHILD/mem opens for writing" grep -qx 'mem_open: OK' "$WORK/native.out"
expect_that "natively, the rewritten buffer opens the denied file (leaks=$NATIVE_LEAKS)" [ "${NATIVE_LEAKS:-0}" -gt 0 ]
# The section lets the program write /proc (and deny-lists the secret with a
# wildcard, which no mask covers): only the built-in rule refuses the open.
P=$(policy p.yaml <<EOP
version: 1
include: [base]
filesystem:
  read: [$SYS_READ, "$W/ok/**"]
  write: ["/proc/**", "/dev/null"]
  exec: ["$PROGS/**"]
  deny: ["$W/ok/d*"]
  errno: EPERM
EOP
)
sg --policy "$P" -- "$PROGS/tr_race" procmem_path "$W/ok/aa" "$W/ok/dd" "$N"
log "result: $(tr '\n' ' ' <"$OUT")"
expect_finished
expect_status 0
expect_mem_refused
expect_field tries "$N"
expect_field leaks 0
expect_field ok "$N"
expect_errnos none

log "--- connect, ports $A / $D"
native_race "$PROGS/tr_race" procmem_connect "$A" "$D" "$NATIVE_SCALE"
log "native: $(tr '\n' ' ' <"$WORK/native.out")"
expect_that "natively, /proc/CHILD/mem opens for writing" grep -qx 'mem_open: OK' "$WORK/native.out"
expect_that "natively, the rewritten sockaddr reaches the denied port (leaks=$NATIVE_LEAKS)" [ "${NATIVE_LEAKS:-0}" -gt 0 ]
P=$(policy p.yaml <<EOP
version: 1
include: [base]
network:
  allow: ["127.0.0.1:$A"]
  errno: EPERM
EOP
)
sg --policy "$P" -- "$PROGS/tr_race" procmem_connect "$A" "$D" "$N"
log "result: $(tr '\n' ' ' <"$OUT")"
expect_finished
expect_status 0
expect_mem_refused
expect_field tries "$N"
expect_field leaks 0
expect_field ok "$N"
expect_errnos none

# Its own memory, from a second thread: the exit stop's close of a
# /proc/self/mem opened for writing came too late for a sibling thread that
# duplicated the descriptor first (then wrote the read-only scratch region and
# every checked copy). Landlock keeps any file under /proc from being opened
# for writing, with or without a filesystem section.
log "--- /proc/self/mem, duplicated by a sibling thread"
native "$PROGS/tr_race" procmem_dup 1000000   # stops once a copy is kept
log "native: $(tr '\n' ' ' <"$WORK/native.out")"
expect_that "natively, a sibling keeps a copy of the descriptor" grep -q 'kept=yes' "$WORK/native.out"
for P in "$(policy base.yaml <<<'{version: 1, include: [base]}')" "$(policy permissive-ish.yaml <<EOP
version: 1
include: [base]
filesystem:
  read: ["/**"]
  write: ["/**"]
  exec: ["/**"]
network:
  allow: ["127.0.0.1:$A"]
EOP
)"; do
  sg --policy "$P" -- "$PROGS/tr_race" procmem_dup "$N"
  log "result ($(basename "$P")): $(tr '\n' ' ' <"$OUT")"
  expect_finished
  expect_status 0
  expect_stdout_contains "mem_dup: opened=0 refused=$N kept=no"
  expect_stdout_lacks "region_write"
done
finish
