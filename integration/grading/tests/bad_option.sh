#!/bin/bash
# Bad limit values are sysgate's own errors: exit 125, naming the option, and
# the program never runs.
source "$(dirname "$0")/grading_lib.sh"
cd "$TMP"
for opt in "--memory lots" "--cpu-time forever" "--wall-time -1s" "--processes 0" "--output 1XB" \
  "--file-size big" "--open-files -3" "--stack none"; do
  set -- $opt
  sg --policy "$POL/grade-c-files.yaml" "$1" "$2" -- "$BIN/sgg_daemon" "$TMP/ran"
  expect_rc 125
  expect "'$opt': the error names $1" grep -q -- "$1" "$TMP/stderr"
  expect "'$opt': the program did not run" [ ! -s "$TMP/stdout" ]
done
sleep 2.5
expect "no program ran" [ ! -e "$TMP/ran" ]

sg --policy "$POL/grade-c.yaml" --engine nonsense -- "$BIN/sgg_sum"
expect_rc 125
expect "the error names --engine" grep -q -- "--engine" "$TMP/stderr"

sg --policy "$POL/grade-c.yaml" --cwd "$TMP/no-such-dir" -- "$BIN/sgg_sum"
expect_rc 125
expect "the error names --cwd" grep -q -- "--cwd" "$TMP/stderr"
expect_verdict SETUP_ERROR

# As a shell would: 127 for a program that is not there, 126 for one that
# cannot be executed.
sg --policy "$POL/grade-c.yaml" -- "$TMP/no-such-program"
expect_rc 127
expect_verdict SETUP_ERROR
printf 'not a program\n' >"$TMP/not-executable"
sg --policy "$POL/grade-c.yaml" -- "$TMP/not-executable"
expect_rc 126
expect_verdict SETUP_ERROR
finish
