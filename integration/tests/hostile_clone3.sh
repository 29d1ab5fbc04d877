#!/bin/bash
# clone3 gets ENOSYS under the default policy (glibc falls back to clone).
source "$(dirname "$0")/../lib.sh"
box
sg -- "$PROGS/sg_hostile" clone3 "$WORK/escaped"
expect_status 0
expect_stdout_contains "clone3: ENOSYS"
expect_file_absent "$WORK/escaped"
# fork and threads still work through glibc's fallback.
sg -- sh -c 'echo x | cat'
expect_status 0
expect_stdout_equals x
finish
