#!/bin/bash
# --clear-env and --env K=V: what the program's environment holds.
source "$(dirname "$0")/grading_lib.sh"
cd "$TMP"
export FOO=outer

sg --policy "$POL/grade-c.yaml" -- "$BIN/sgg_showenv"
expect_rc 0
expect "inherited FOO" grep -qx "FOO=outer" "$TMP/stdout"
expect "inherited environment" [ "$(sed -n 's/^envc=//p' "$TMP/stdout")" -gt 1 ]

sg --policy "$POL/grade-c.yaml" --env FOO=bar -- "$BIN/sgg_showenv"
expect_rc 0
expect "--env overrides FOO" grep -qx "FOO=bar" "$TMP/stdout"
expect "--env keeps the rest" [ "$(sed -n 's/^envc=//p' "$TMP/stdout")" -gt 1 ]

sg --policy "$POL/grade-c.yaml" --clear-env -- "$BIN/sgg_showenv"
expect_rc 0
expect "--clear-env drops FOO" grep -qx "FOO=(unset)" "$TMP/stdout"
expect "--clear-env: empty environment" grep -qx "envc=0" "$TMP/stdout"

sg --policy "$POL/grade-c.yaml" --clear-env --env FOO=bar --env FOO=baz --env "BAR=x=y" -- "$BIN/sgg_showenv"
expect_rc 0
expect "--clear-env --env: only the given variables, the last FOO wins" grep -qx "FOO=baz" "$TMP/stdout"
expect "--clear-env --env: two variables" grep -qx "envc=2" "$TMP/stdout"

sg --policy "$POL/grade-c.yaml" --env NOEQUALS -- "$BIN/sgg_showenv"
expect_rc 125
expect "the error names --env" grep -q -- "--env" "$TMP/stderr"
finish
