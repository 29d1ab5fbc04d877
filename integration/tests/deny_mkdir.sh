#!/bin/bash
# mkdir denied with EACCES: the program sees EACCES, the directory is absent,
# the denial is reported on stderr with its rule.
source "$(dirname "$0")/../lib.sh"
P=$POLICIES/deny-files.yaml
sg --policy "$P" -- "$PROGS/sg_call" mkdir "$WORK/newdir" mark after
expect_status 0
expect_stdout_contains "mkdir($WORK/newdir): EACCES"
expect_stdout_contains "after"
expect_file_absent "$WORK/newdir"
expect_stderr_matches '^sysgate: pid [0-9]+ x86_64 mkdir\(.*\)( [a-z_]+=[^ ]+)* -> deny EACCES \[rule "no-mkdir" at .*deny-files.yaml:[0-9]+:[0-9]+\]'
# mkdirat, through coreutils.
sg --policy "$P" -- mkdir -p "$WORK/a/b"
expect_status 1
expect_file_absent "$WORK/a"
expect_stderr_contains "Permission denied"
# The same calls are allowed without the rule.
sg --policy "$POLICIES/allow-all.yaml" -- "$PROGS/sg_call" mkdir "$WORK/newdir"
expect_status 0
expect_stdout_contains "mkdir($WORK/newdir): OK"
expect_dir_present "$WORK/newdir"
finish
