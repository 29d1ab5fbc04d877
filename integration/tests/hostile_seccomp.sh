#!/bin/bash
# A seccomp filter with a user-notification listener is refused (EPERM); an
# own harmless filter works, and the policy still holds after it.
source "$(dirname "$0")/../lib.sh"
box
sg -- "$PROGS/sg_hostile" listener
expect_status 0
expect_stdout_contains "listener: EPERM"
sg -- "$PROGS/sg_hostile" ownfilter
expect_status 0
expect_stdout_contains "ownfilter: OK"
expect_stdout_contains "uname: ENOTTY"
expect_stdout_contains "getppid: OK"
expect_stdout_contains "traceme: EPERM"
expect_stdout_contains "unshare: EPERM"
# An own filter that answers RET_TRACE with its own data: the call is still
# decided by the policy (getppid allowed, ptrace denied).
sg -- "$PROGS/sg_hostile" owntrace
expect_status 0
expect_stdout_contains "owntrace: OK"
expect_stdout_lacks "traceme: OK"
if [ "$ENGINE" = seccomp ]; then
  expect_stdout_contains "getppid: OK"
  expect_stdout_contains "traceme: EPERM"
fi
finish
