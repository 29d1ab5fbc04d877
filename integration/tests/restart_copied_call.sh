#!/bin/bash
# Signals mid-call (docs/race-safety.md section 1): a checked call whose path
# was copied blocks (a FIFO open), a signal handler with SA_RESTART makes a
# nested checked call, and the call is restarted. The restarted call uses its
# own argument, not the space the handler's call took; and when another
# thread rewrites the argument while the call is blocked, the restarted call
# is checked again.
source "$(dirname "$0")/../lib.sh"
box
mkdir -p "$WORK/ok" "$WORK/no"
mkfifo "$WORK/ok/ff"
echo OTHER >"$WORK/ok/bb"
echo SECRET >"$WORK/no/ff"
P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: ["/usr/**", "/lib/**", "/lib64/**", "/etc/**", "/proc/**", "$WORK/ok/**", "$PROGS/**"]
  write: ["$WORK/ok/**"]
  exec: ["$PROGS/**"]
EOP
)
SG_TIMEOUT=20
sg --policy "$P" -- "$PROGS/sg_restart" nested "$WORK/ok/ff" "$WORK/ok/bb"
expect_status 0
expect_stdout_equals "handler: OTHER
main: FIFO"
expect_stderr_lacks "deny"

# The argument rewritten to a denied file while the call is blocked: natively
# the restarted open reads it; under sysgate it is checked again and refused.
native "$PROGS/sg_restart" flip "$WORK/ok/ff" "$WORK/no/ff"
expect_that "natively the restarted open reads the rewritten path" grep -qx "main: SECRET" "$WORK/native.out"
sg --policy "$P" -- "$PROGS/sg_restart" flip "$WORK/ok/ff" "$WORK/no/ff"
expect_status 0
expect_stdout_equals "main: EACCES"
expect_stderr_contains "$WORK/no/ff"
finish
