#!/bin/bash
# --stdin/--stdout/--stderr/--report name files relative to the caller's
# directory, also when --cwd moves the program elsewhere; PROGRAM itself is
# looked up after --cwd.
source "$(dirname "$0")/grading_lib.sh"
mkdir -p "$TMP/caller" "$TMP/box"
cp "$BIN/sgg_sum" "$BIN/sgg_showenv" "$TMP/box/"
cd "$TMP/caller"
printf '40 2\n' >in.txt

sg --policy "$POL/grade-c.yaml" --stdin in.txt --stdout out.txt --stderr err.txt -- "$BIN/sgg_sum"
expect_rc 0
expect_verdict OK
expect "--stdout file holds the sum" [ "$(cat out.txt 2>/dev/null)" = 42 ]
expect "--stderr file exists and is empty" [ -e err.txt ] && [ ! -s err.txt ]
expect "nothing on sysgate's own stdout" [ ! -s "$TMP/stdout" ]

# With --cwd: the program runs in box/, the files stay in the caller's directory.
sg --policy "$POL/grade-c.yaml" --cwd ../box --stdin in.txt --stdout out2.txt --stderr err2.txt -- ./sgg_sum
expect_rc 0
expect_verdict OK
expect "./sgg_sum found in --cwd" [ "$(cat out2.txt 2>/dev/null)" = 42 ]
expect "no output file created in box/" [ ! -e ../box/out2.txt ]

sg --policy "$POL/grade-c.yaml" --cwd ../box --stdout out3.txt --stderr err3.txt -- ./sgg_showenv
expect_rc 0
expect_verdict OK
expect "cwd is the realpath of --cwd" grep -qx "cwd=$TMP/box" out3.txt
expect "stderr went to --stderr" [ "$(cat err3.txt 2>/dev/null)" = to-stderr ]
expect "stdout did not get stderr" not grep -q to-stderr out3.txt

# --report is relative to the caller's directory too.
"$SYSGATE" run --policy "$POL/grade-c.yaml" --cwd ../box --report rel-report.json --stdout /dev/null -- ./sgg_showenv
expect "--report rel-report.json written in the caller's directory" [ -s rel-report.json ]
expect "... and not in --cwd" [ ! -e ../box/rel-report.json ]

# A program that exists only in the caller's directory is not found from --cwd.
cp "$BIN/sgg_exit3" ./only-here
sg --policy "$POL/grade-c.yaml" --cwd ../box -- ./only-here
expect_rc 127
expect_verdict SETUP_ERROR

# --stdin of a missing file is sysgate's own error: 125.
sg --policy "$POL/grade-c.yaml" --stdin missing.txt -- "$BIN/sgg_sum"
expect_rc 125
expect "the error names --stdin" grep -q -- "--stdin" "$TMP/stderr"
finish
