#!/bin/bash
# Threat class 3 (docs/race-safety.md section 1): a path argument in memory
# another process can write (a MAP_SHARED mapping, a System V segment, one
# inherited over fork) could be rewritten between the supervisor's read and
# the kernel's. It is refused with EFAULT when a decision reads it; the same
# path from private memory is allowed, and without path rules nothing changes.
source "$(dirname "$0")/../paths_lib.sh"
box
W=$WORK
mkdir -p "$W/ok"
echo ALLOWED >"$W/ok/aa"
P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ, "$W/ok/**"]
  write: ["/dev/null"]
  exec: ["$PROGS/**"]
EOP
)
F=$PROGS/pt_fs
sg --policy "$P" -- "$F" read "$W/ok/aa" shared_read "$W/ok/aa" shm_read "$W/ok/aa" fork_shared_read "$W/ok/aa" \
  read "$W/ok/aa"
expect_status 0
expect_stdout_equals "read($W/ok/aa): OK [ALLOWED]
shared_read($W/ok/aa): EFAULT
shm_read($W/ok/aa): EFAULT
fork_shared_read($W/ok/aa): EFAULT
read($W/ok/aa): OK [ALLOWED]"
expect_stderr_contains "EFAULT"

# No path rule reads the argument: shared memory is none of sysgate's business.
sg -- "$F" shared_read "$W/ok/aa" shm_read "$W/ok/aa"
expect_status 0
expect_stdout_equals "shared_read($W/ok/aa): OK [ALLOWED]
shm_read($W/ok/aa): OK [ALLOWED]"
finish
