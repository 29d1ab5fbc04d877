#!/bin/bash
# A daemon (setsid + double fork) is dead when sysgate returns: its file never
# appears.
source "$(dirname "$0")/../lib.sh"
box
cp "$PROGS/sg_hostile" "$WORK/sg_daemon"
sg -- "$WORK/sg_daemon" daemon "$WORK/escaped"
expect_status 0
expect_stdout_equals "parent done"
expect_no_process "$WORK/sg_daemon"
sleep 3
expect_file_absent "$WORK/escaped"
expect_no_process "$WORK/sg_daemon"
finish
