#!/bin/bash
# Threat class 3: a thread flips the path buffer between an allowed file and a
# deny-listed file (inside the allowed tree, so only the supervisor's check and
# its freezing of the other threads stand in the way) while the main thread
# opens it, SYSGATE_STRESS_SCALE times. The denied content is never read.
source "$(dirname "$0")/../paths_lib.sh"
box
SG_TIMEOUT=100
W=$WORK
mkdir -p "$W/ok"
echo ALLOWED >"$W/ok/aa"
echo SECRET >"$W/ok/dd"
P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ, "$W/ok/**"]
  write: ["/dev/null"]
  exec: ["$PROGS/**"]
  deny: ["$W/ok/dd"]
EOP
)
sg --policy "$P" -- "$PROGS/pt_race" path "$W/ok/aa" "$W/ok/dd" "$SCALE"
expect_status 0
expect_stdout_contains "leaks=0"
expect_stdout_contains "tries=$SCALE"
log "result: $(cat "$OUT")"
# The race was real: both outcomes happened.
expect_that "some opens were allowed" grep -qv " ok=0 " "$OUT"
expect_that "some opens were refused" grep -qv " refused=0 " "$OUT"
finish
