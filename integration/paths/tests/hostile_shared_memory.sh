#!/bin/bash
# Threat class 3 (docs/race-safety.md section 1): a path argument in memory
# another process can write (a MAP_SHARED mapping, a System V segment, one
# inherited over fork) could be rewritten between the supervisor's read and
# the kernel's. The checked bytes are copied into the scratch region, so such
# paths work exactly like private ones: allowed files open, denied ones are
# refused with the policy's errno (tracer/race_* show that rewriting them
# during the call changes nothing).
source "$(dirname "$0")/../paths_lib.sh"
box
W=$WORK
mkdir -p "$W/ok" "$W/no"
echo ALLOWED >"$W/ok/aa"
echo SECRET >"$W/no/aa"
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
  read "$W/ok/aa" shared_read "$W/no/aa" shm_read "$W/no/aa" fork_shared_read "$W/no/aa"
expect_status 0
expect_stdout_equals "read($W/ok/aa): OK [ALLOWED]
shared_read($W/ok/aa): OK [ALLOWED]
shm_read($W/ok/aa): OK [ALLOWED]
fork_shared_read($W/ok/aa): OK [ALLOWED]
read($W/ok/aa): OK [ALLOWED]
shared_read($W/no/aa): EACCES
shm_read($W/no/aa): EACCES
fork_shared_read($W/no/aa): EACCES"
expect_stderr_lacks "EFAULT"
expect_stderr_contains "$W/no/aa"

# No path rule reads the argument: shared memory is none of sysgate's business.
sg -- "$F" shared_read "$W/ok/aa" shm_read "$W/ok/aa"
expect_status 0
expect_stdout_equals "shared_read($W/ok/aa): OK [ALLOWED]
shm_read($W/ok/aa): OK [ALLOWED]"
finish
