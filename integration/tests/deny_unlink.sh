#!/bin/bash
# unlink denied with EPERM: the file is still there.
source "$(dirname "$0")/../lib.sh"
P=$POLICIES/deny-files.yaml
echo keep >"$WORK/f"
sg --policy "$P" -- "$PROGS/sg_call" unlink "$WORK/f" read "$WORK/f"
expect_status 0
expect_stdout_contains "unlink($WORK/f): EPERM"
expect_stdout_contains "read($WORK/f): OK [keep]"
expect_file_content "$WORK/f" keep
expect_stderr_matches 'unlink\(.*-> deny EPERM \[rule "no-unlink"'
sg --policy "$P" -- rm -f "$WORK/f"
expect_status 1
expect_file_content "$WORK/f" keep
expect_stderr_contains "Operation not permitted"
sg -- "$PROGS/sg_call" unlink "$WORK/f"
expect_stdout_contains "unlink($WORK/f): OK"
expect_file_absent "$WORK/f"
finish
