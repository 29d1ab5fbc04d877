#!/bin/bash
# Reading /etc/shadow under grade-c-kill (grade-c plus a kill rule on openat,
# which comes first): VIOLATION, exit 159, the call named in `violation`.
source "$(dirname "$0")/grading_lib.sh"
cd "$TMP"
sg --policy "$POL/grade-c-kill.yaml" -- "$BIN/sgg_shadow"
expect_rc 159
expect_well_formed
expect_verdict VIOLATION
expect "the program printed nothing" [ ! -s "$TMP/stdout" ]
expect_report 'r["violation"] is not None and r["violation"]["syscall"] == "openat"'
expect_report 'r["violation"]["action"] == "kill" and r["violation"]["rule"]["name"] == "open-kills"'
expect_report 'r["violation"]["rule"]["file"].endswith("grade-c-kill.yaml")'
expect_report 'r["signal"] == {"number": 31, "name": "SIGSYS"} and r["exit_code"] is None'
expect_report 'r["policy"]["name"] == "grade-c-kill"'
expect_report '[s.rsplit("/", 1)[-1] for s in r["policy"]["sources"]] == ["grade-c-kill.yaml", "grade-c.yaml"]'
expect "sysgate names the violation on stderr" grep -q "VIOLATION" "$TMP/stderr"
finish
