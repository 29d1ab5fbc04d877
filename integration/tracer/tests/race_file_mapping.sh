#!/bin/bash
# Threat class 3: the argument lies in a MAP_PRIVATE mapping of a file, and a
# forked child rewrites the file with pwrite(2). The private mapping shows
# the file's page until the program writes to it, so the child changes the
# argument under the caller's feet without sharing its address space.
#   connect: sin_port flips between the allowed and a denied loopback port
#     (network: allow only the first); no connection reaches the denied port
#     (the peer's port, by getpeername), some are allowed, some refused.
#   open: the path flips between an allowed file and a deny-listed one (named,
#     so masked; then by a wildcard, so not): the denied content is never
#     read, no open gets as far as the mask (EACCES; the section's errno is
#     EPERM), some opens are allowed, some refused.
# Control: natively, the same programs reach the denied port and read the
# denied file, so the window is real.
source "$(dirname "$0")/../tracer_lib.sh"
box --setup 'ip link set lo up 2>/dev/null'
SG_TIMEOUT=50
W=$WORK
N=$SCALE
mkdir -p "$W/ok" "$W/maps"
echo ALLOWED >"$W/ok/aa"
echo SECRET >"$W/ok/dd"
"$PROGS/tr_race" serve "$W/ports" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
wait_for_lines "$W/ports" 2 || { fail "the loopback server did not start"; finish; }
mapfile -t PORTS <"$W/ports"
A=${PORTS[0]} D=${PORTS[1]}

log "--- connect, port flipping $A / $D"
native_race "$PROGS/tr_race" file_connect "$W/maps/native-sin" "$A" "$D" "$NATIVE_SCALE"
log "native: $(head -1 "$WORK/native.out")"
expect_that "natively, the rewritten file mapping reaches the denied port (leaks=$NATIVE_LEAKS)" [ "${NATIVE_LEAKS:-0}" -gt 0 ]
P=$(policy p.yaml <<EOP
version: 1
default: allow
network:
  allow: ["127.0.0.1:$A"]
  errno: EPERM
EOP
)
sg --policy "$P" -- "$PROGS/tr_race" file_connect "$W/maps/sin" "$A" "$D" "$N"
log "result: $(head -2 "$OUT" | tr '\n' ' ')"
expect_finished
expect_status 0
expect_field tries "$N"
expect_field leaks 0
expect_field_above ok 0
expect_field_above refused 0

log "--- open, path flipping $W/ok/aa / $W/ok/dd"
native_race "$PROGS/tr_race" file_path "$W/maps/native-path" "$W/ok/aa" "$W/ok/dd" "$NATIVE_SCALE"
log "native: $(head -1 "$WORK/native.out")"
expect_that "natively, the rewritten file mapping opens the denied file (leaks=$NATIVE_LEAKS)" [ "${NATIVE_LEAKS:-0}" -gt 0 ]
for DENY in "$W/ok/dd" "$W/ok/d*"; do
  P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ, "$W/ok/**"]
  write: ["$W/maps/**", "/dev/null"]
  exec: ["$PROGS/**"]
  deny: ["$DENY"]
  errno: EPERM
EOP
)
  log "--- deny: $DENY"
  sg --policy "$P" -- "$PROGS/tr_race" file_path "$W/maps/path" "$W/ok/aa" "$W/ok/dd" "$N"
  log "result: $(head -2 "$OUT" | tr '\n' ' ')"
  expect_finished
  expect_status 0
  expect_field tries "$N"
  expect_field leaks 0
  expect_no_errno EACCES
  expect_field_above ok 0
  expect_field_above refused 0
done
expect_file_content "$W/ok/dd" SECRET
finish
