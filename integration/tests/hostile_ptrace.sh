#!/bin/bash
# PTRACE_TRACEME and attaching to the parent (the supervisor) fail with EPERM.
source "$(dirname "$0")/../lib.sh"
box
sg -- "$PROGS/sg_hostile" traceme
expect_status 0
expect_stdout_contains "traceme: EPERM"
expect_stderr_matches 'ptrace\(.*-> deny EPERM'
sg -- "$PROGS/sg_hostile" attach_parent
expect_status 0
expect_stdout_contains "attach: EPERM"
expect_stdout_contains "seize: EPERM"
finish
