#!/bin/bash
# Reading /etc/shadow under the grading policy: the open fails with EACCES,
# the run is OK, and the refused call is listed in the report's denials.
source "$(dirname "$0")/grading_lib.sh"
cd "$TMP"
sg --policy "$POL/grade-c.yaml" -- "$BIN/sgg_shadow"
expect_rc 0
expect_well_formed
expect_verdict OK
expect "the program saw EACCES (got '$(cat "$TMP/stdout")')" [ "$(cat "$TMP/stdout")" = "open: EACCES" ]
expect_report 'r["violation"] is None'
expect_report 'r["denials"]["count"] >= 1 and len(r["denials"]["first"]) == r["denials"]["count"]'
expect_report 'any(d["syscall"] == "openat" and d["errno"] == {"number": 13, "name": "EACCES"} for d in r["denials"]["first"])'
# The denial says who, how and which rule.
expect_report '[(d["abi"], d["action"], d["rule"]["name"]) for d in r["denials"]["first"] if d["syscall"] == "openat"][0] == ("x86_64", "deny", "no-files")'
expect_report 'all(isinstance(d["pid"], int) and d["pid"] > 0 and isinstance(d["tid"], int) for d in r["denials"]["first"])'
# The issue asks for the resolved path of the call among the decoded fields.
expect_report 'any("/etc/shadow" in json.dumps(d) for d in r["denials"]["first"])'
expect "the denial is logged on stderr" grep -q "openat" "$TMP/stderr"
finish
