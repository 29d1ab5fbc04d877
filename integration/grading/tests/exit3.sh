#!/bin/bash
# exit(3): NONZERO_EXIT, exit status 3, no signal.
source "$(dirname "$0")/grading_lib.sh"
cd "$TMP"
sg --policy "$POL/grade-c.yaml" -- "$BIN/sgg_exit3"
expect_rc 3
expect_well_formed
expect_verdict NONZERO_EXIT
expect_report 'r["exit_code"] == 3 and r["signal"] is None and r["exit_status"] == 3'
expect "stdout" [ "$(cat "$TMP/stdout")" = "giving up" ]
finish
