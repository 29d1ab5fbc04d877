#!/bin/bash
# personality other than PER_LINUX (and the query) fails with EPERM.
source "$(dirname "$0")/../lib.sh"
box
sg -- "$PROGS/sg_hostile" personality
expect_status 0
expect_stdout_contains "addr_no_randomize: EPERM"
expect_stdout_contains "per_linux32: EPERM"
expect_stdout_contains "query: OK"
expect_stdout_contains "persona 0x0"
sg -- setarch -R true
expect_status_in 1 "setarch -R fails"
finish
