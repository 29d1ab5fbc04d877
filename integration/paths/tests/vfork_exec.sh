#!/bin/bash
# A program that vforks and execs (sh running a command, posix_spawn, cc)
# under a filesystem policy. The vfork parent sleeps in the kernel until the
# child execs; the child's execve is a path check.
source "$(dirname "$0")/../paths_lib.sh"
SG_TIMEOUT=20
W=$WORK
mkdir -p "$W/in"
echo alpha >"$W/in/a"
P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ, "$W/in/**"]
  write: ["/dev/null"]
  exec: ["/usr/bin/**"]
EOP
)
sg --policy "$P" -- sh -c "cat '$W/in/a'; echo done"
expect_status 0
expect_stdout_equals "alpha
done"
sg --policy "$P" -- /usr/bin/python3 -c "import subprocess; print(subprocess.run(['cat', '$W/in/a'], capture_output=True, text=True).stdout.strip())"
expect_status 0
expect_stdout_equals alpha
finish
