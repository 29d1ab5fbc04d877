#!/bin/bash
# openat with O_CREAT denied with EROFS (nothing created), plain reads and
# opens of existing files without O_CREAT allowed.
source "$(dirname "$0")/../lib.sh"
P=$POLICIES/deny-files.yaml
echo data >"$WORK/r"
sg --policy "$P" -- "$PROGS/sg_call" creat "$WORK/new" read "$WORK/r" rdwr "$WORK/r" creat "$WORK/r"
expect_status 0
expect_stdout_contains "creat($WORK/new): EROFS"
expect_stdout_contains "read($WORK/r): OK [data]"
expect_stdout_contains "rdwr($WORK/r): OK"
expect_stdout_contains "creat($WORK/r): EROFS"
expect_file_absent "$WORK/new"
expect_file_content "$WORK/r" data
expect_stderr_matches 'openat\(.*-> deny EROFS \[rule "no-create"'
# Through a shell redirection and cat.
sg --policy "$P" -- sh -c "echo x > '$WORK/new2'; echo st=\$?; cat '$WORK/r'"
expect_status 0
expect_stdout_contains "st=2"
expect_stdout_contains "data"
expect_file_absent "$WORK/new2"
expect_stderr_contains "Read-only file system"
finish
