#!/bin/bash
# unshare(CLONE_NEWUSER) and clone(CLONE_NEWUSER) fail with EPERM.
source "$(dirname "$0")/../lib.sh"
box
sg -- "$PROGS/sg_hostile" unshare_user
expect_status 0
expect_stdout_contains "unshare: EPERM"
expect_stdout_contains "clone_newuser: EPERM"
sg -- unshare --user true
expect_status_in 1 "unshare(1) fails"
finish
