#!/bin/bash
# io_uring_setup fails with EPERM under the default policy.
source "$(dirname "$0")/../lib.sh"
box
sg -- "$PROGS/sg_hostile" io_uring
expect_status 0
expect_stdout_contains "io_uring_setup: EPERM"
expect_stderr_matches 'io_uring_setup\(.*-> deny EPERM'
finish
