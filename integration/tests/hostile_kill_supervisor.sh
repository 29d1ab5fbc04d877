#!/bin/bash
# A tracee that SIGKILLs its supervisor (its parent) must not outlive it:
# either the kill is refused, or the whole tree dies with sysgate. Nothing of
# the program is left and its delayed writes never happen.
source "$(dirname "$0")/../lib.sh"
box
cp "$PROGS/sg_hostile" "$WORK/sg_killer"
sg -- "$WORK/sg_killer" killparent "$WORK/escaped"
expect_status_in 137 0
sleep 0.3
expect_no_process "$WORK/sg_killer"
sleep 2.5
expect_file_absent "$WORK/escaped"
expect_file_absent "$WORK/escaped.parent"
expect_no_process "$WORK/sg_killer"
finish
