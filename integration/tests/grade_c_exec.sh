#!/bin/bash
# The shipped grade-c policy executes only what is in the submission's
# directory: an exec of anything else is refused by the supervisor (EACCES)
# and listed in the report's denials, not left to Landlock alone (where the
# report showed nothing).
source "$(dirname "$0")/../lib.sh"
mkdir -p "$WORK/box"
cp "$PROGS/sg_call" "$WORK/box/a.out"
cp /bin/echo "$WORK/box/echo"
sg --policy grade-c --cwd "$WORK/box" --report "$WORK/report.json" -- ./a.out exec /bin/echo mark after
expect_status 0
expect_stdout_equals "exec(/bin/echo): EACCES
after"
expect_stderr_matches 'execve\(.*path=(/usr)?/bin/echo -> deny EACCES \[filesystem section:'
expect_that "the report lists the refused execve" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["verdict"] == "OK", r["verdict"]
d = [x for x in r["denials"]["first"] if x["syscall"] == "execve"]
assert len(d) == 1 and d[0]["errno"]["name"] == "EACCES", d
assert "/bin/echo" in json.dumps(d[0]), d
' "$WORK/report.json"
# What is in the directory runs.
sg --policy grade-c --cwd "$WORK/box" -- ./a.out exec ./echo
expect_status 0
expect_stdout_equals ""
finish
