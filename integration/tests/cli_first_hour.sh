#!/bin/bash
# What a new user hits in the first hour (issue 9): option parsing, error
# messages, stdio targets, the program's PATH, one write per stderr line.
source "$(dirname "$0")/../lib.sh"

# An abbreviation is not an option, and the program is never swallowed.
sg --clear "$PROGS/sg_call" getpid
expect_status 125
expect_stderr_contains "unknown option '--clear'"
expect_stderr_contains "try 'sysgate run --help'"
expect_that "the error is two lines, not the whole usage" test "$(wc -l <"$ERR")" -eq 2
sg --pol "$POLICIES/allow-all.yaml" -- /bin/true
expect_status 125
expect_stderr_contains "unknown option '--pol'"
sg --clear-env /bin/echo hi
expect_status 0
expect_stdout_equals "hi"
sg --cpu-time
expect_status 125
expect_stderr_contains "--cpu-time needs a value"

# A missing policy file says so and lists the shipped policies; a shipped one
# is found with or without .yaml.
sg --policy "$WORK/nope.yaml" -- /bin/true
expect_status 125
expect_stderr_contains "cannot read $WORK/nope.yaml: No such file or directory"
expect_stderr_contains "grade-c"
(cd "$WORK" && "$SYSGATE" run --engine "$ENGINE" --policy default.yaml -- /bin/echo shipped >"$OUT" 2>"$ERR")
RC=$?
expect_status 0
expect_stdout_equals "shipped"

# stdout and stderr to one file: both kept, in order, like >f 2>&1.
sg --stdout "$WORK/both" --stderr "$WORK/both" -- /bin/sh -c 'echo out1; echo err1 >&2; echo out2'
expect_status 0
expect_file_content "$WORK/both" "out1
err1
out2"
sg --stdout "$WORK/o2" --stderr-to-stdout -- /bin/sh -c 'echo out; echo err >&2'
expect_file_content "$WORK/o2" "out
err"
# "-" is the caller's own descriptor.
sg --stdout - --stderr - -- /bin/sh -c 'echo to-out; echo to-err >&2'
expect_stdout_equals "to-out"
expect_stderr_contains "to-err"
# The report cannot overwrite the program's output.
sg --stdout "$WORK/same" --report "$WORK/same" -- /bin/echo x
expect_status 125
expect_stderr_contains "the program's output goes to the same file"

# PROGRAM is looked up on the PATH the program gets, not sysgate's.
mkdir -p "$WORK/bin"
cp /bin/true "$WORK/bin/only-here"
sg --env "PATH=$WORK/bin" -- only-here
expect_status 0
sg --env "PATH=/nonexistent" -- ls
expect_status 127
expect_stderr_contains "ls: command not found"

# Each of sysgate's stderr lines is one write(2) (it cannot be cut by the
# program's output on a shared pipe); --quiet silences the decision lines.
P=$(policy deny.yaml <<'YAML'
version: 1
default: allow
rules:
  - {syscalls: [mkdir], action: {deny: EACCES}}
YAML
)
strace -qq -s 512 -e trace=write -e signal=none -o "$WORK/writes" "$SYSGATE" run --engine "$ENGINE" --policy "$P" -- \
  "$PROGS/sg_call" mkdir "$WORK/d" >"$OUT" 2>"$ERR"
expect_stderr_matches 'mkdir\(.*-> deny EACCES'
# One write(2) of exactly the line's bytes. strace shows what was written
# where it may read sysgate's memory (as root); an ordinary user's strace
# cannot (sysgate is not dumpable), and shows the buffer's address instead.
LINE_BYTES=$(grep -m1 -E 'mkdir\(.*-> deny EACCES' "$ERR" | wc -c)
expect_that "the denial line went out in one write" grep -qE \
  "^write\(2, (\"sysgate: .*mkdir.*deny EACCES.*\\\\n\"|0x[0-9a-f]+), $LINE_BYTES\) += $LINE_BYTES\$" "$WORK/writes"
sg --quiet --policy "$P" -- "$PROGS/sg_call" mkdir "$WORK/d"
expect_stderr_lacks "deny"
finish
