#!/bin/bash
# --open-files 20: the program opening 100 files sees EMFILE after 17 (0, 1
# and 2 are open).
source "$(dirname "$0")/grading_lib.sh"
cd "$TMP"
sg --policy "$POL/grade-c-files.yaml" --open-files 20 -- "$BIN/sgg_manyfiles"
expect_rc 1
expect_well_formed
expect_verdict NONZERO_EXIT
expect "EMFILE at the 18th open (got '$(cat "$TMP/stdout")')" grep -qx "open 17: EMFILE" "$TMP/stdout"
expect_report 'r["limits"]["open_files"]["value"] == 20'
expect_mechanism open_files

sg --policy "$POL/grade-c-files.yaml" -- "$BIN/sgg_manyfiles"
expect_rc 0
expect_verdict OK
expect "all opened without the limit" grep -qx "opened 100 files" "$TMP/stdout"
finish
