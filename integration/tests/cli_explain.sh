#!/bin/bash
# `explain` lists every syscall and how it is decided; --bpf prints the filter.
source "$(dirname "$0")/../lib.sh"
ex() { "$SYSGATE" explain "$@" >"$OUT" 2>"$ERR"; RC=$?; SG_CMD="sysgate explain $*"; }
ex --engine "$ENGINE" "$POLICIES/deny-files.yaml"
expect_status 0
expect_stdout_contains getppid
expect_stdout_contains mkdir
expect_stdout_contains no-mkdir
expect_stdout_contains EACCES
ex --engine "$ENGINE"
expect_status 0
expect_stdout_contains ptrace
expect_stdout_contains clone3
ex --bpf --engine "$ENGINE" "$POLICIES/deny-files.yaml"
expect_status 0
expect_stdout_contains getppid
if [ "$ENGINE" = seccomp ]; then
  expect_that "--bpf prints instructions" grep -qiE '(ld|jeq|jmp|ret)' "$OUT"
  lines_bpf=$(wc -l <"$OUT")
  ex --engine "$ENGINE" "$POLICIES/deny-files.yaml"
  expect_that "--bpf adds lines" [ "$lines_bpf" -gt "$(wc -l <"$OUT")" ]
fi
ex "$WORK/missing.yaml"
expect_status_in 1 125
finish
