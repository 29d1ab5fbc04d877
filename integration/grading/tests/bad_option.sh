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
# A size without a unit below 1 MiB, or a duration without one from 1000 on, is
# refused with the units named (`--memory 10` was a limit of 10 bytes, issue 9).
for opt in "--memory 10" "--output 65536" "--file-size 4096" "--stack 8" "--cpu-time 2000" "--wall-time 5000"; do
  set -- $opt
  sg --policy "$POL/grade-c-files.yaml" "$1" "$2" -- "$BIN/sgg_daemon" "$TMP/ran"
  expect_rc 125
  expect "'$opt': the error names $1" grep -q -- "$1" "$TMP/stderr"
  expect "'$opt': the error says the value has no unit" grep -q -- "'$2' has no unit" "$TMP/stderr"
  case $1 in
    --cpu-time | --wall-time) expect "'$opt': the error names the units" grep -q -- "${2}ms or ${2}s" "$TMP/stderr" ;;
    *) expect "'$opt': the error names the units" grep -q -- "${2}MiB, ${2}KiB or ${2}B" "$TMP/stderr" ;;
  esac
  expect "'$opt': the program did not run" [ ! -s "$TMP/stdout" ]
done
printf 'version: 1\ninclude: [%s]\nlimits:\n  memory: 10\n' "$POL/grade-c-files.yaml" >bare.yaml
sg --policy bare.yaml -- "$BIN/sgg_daemon" "$TMP/ran"
expect_rc 125
expect "a bare size in a policy: file:line:column and the units" grep -q -- "bare.yaml:4:11: memory: '10' has no unit" "$TMP/stderr"
# With a unit, or a byte count of at least 1 MiB, the same values are taken.
sg --policy "$POL/grade-c.yaml" --memory 64MiB --output 65536B --cpu-time 2 --wall-time 2000ms --stack 8388608 \
  -- "$BIN/sgg_exit3"
expect_rc 3
expect_report 'r["limits"]["memory"]["value"] == 67108864 and r["limits"]["output"]["value"] == 65536'
expect_report 'r["limits"]["cpu_time"]["value"] == 2 and r["limits"]["wall_time"]["value"] == 2'
expect_report 'r["limits"]["stack"]["value"] == 8388608'

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
