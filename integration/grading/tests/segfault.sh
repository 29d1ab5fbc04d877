#!/bin/bash
# A null dereference: SIGNALED with SIGSEGV (11), exit status 139.
source "$(dirname "$0")/grading_lib.sh"
cd "$TMP"
sg --policy "$POL/grade-c.yaml" -- "$BIN/sgg_segv"
expect_rc 139
expect_well_formed
expect_verdict SIGNALED
expect_report 'r["signal"] == {"number": 11, "name": "SIGSEGV"}'
expect_report 'r["exit_code"] is None'
expect_report 'r["violation"] is None and r["denials"]["count"] == 0'
expect "stdout" [ "$(cat "$TMP/stdout")" = "about to crash" ]
finish
