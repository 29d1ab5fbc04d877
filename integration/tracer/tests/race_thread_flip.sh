#!/bin/bash
# Threat class 3: a second thread flips a path buffer between an allowed file
# and a deny-listed one while the main thread opens and reads it. With the
# deny entry naming the file (masked in the program's mount namespace) and
# with a wildcard entry (no mask: the supervisor's check stands alone), the
# denied content is never read, and no open gets as far as the mask (its
# EACCES; the section's errno is EPERM). Control: natively, the same program
# reads the denied file's content, so the flip window is real.
source "$(dirname "$0")/../tracer_lib.sh"
box
SG_TIMEOUT=60
W=$WORK
N=$SCALE
mkdir -p "$W/ok"
echo ALLOWED >"$W/ok/aa"
echo SECRET >"$W/ok/dd"

native_race "$PROGS/tr_race" thread_path "$W/ok/aa" "$W/ok/dd" "$NATIVE_SCALE"
log "native: $(head -1 "$WORK/native.out")"
expect_that "natively, the flipped buffer opens the denied file (leaks=$NATIVE_LEAKS)" [ "${NATIVE_LEAKS:-0}" -gt 0 ]

for DENY in "$W/ok/dd" "$W/ok/d*"; do
  P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ, "$W/ok/**"]
  write: ["/dev/null"]
  exec: ["$PROGS/**"]
  deny: ["$DENY"]
  errno: EPERM
EOP
)
  log "--- deny: $DENY"
  sg --policy "$P" -- "$PROGS/tr_race" thread_path "$W/ok/aa" "$W/ok/dd" "$N"
  log "result: $(head -2 "$OUT" | tr '\n' ' ')"
  expect_finished
  expect_status 0
  expect_field tries "$N"
  expect_field leaks 0
  expect_no_errno EACCES
  # The race was real: both outcomes happened.
  expect_field_above ok 0
  expect_field_above refused 0
done
finish
