#!/bin/bash
# PROGRAM not found: 127; not executable: 126 (like a shell).
source "$(dirname "$0")/../lib.sh"
sg -- "$WORK/no-such-program"
expect_status 127
sg -- no-such-command-sysgate-test
expect_status 127
echo 'echo hi' >"$WORK/plain"
chmod 0644 "$WORK/plain"
sg -- "$WORK/plain"
expect_status 126
mkdir "$WORK/dir"
sg -- "$WORK/dir"
expect_status 126
# A program the sandbox can run works by name through PATH.
sg -- true
expect_status 0
sg -- false
expect_status 1
finish
