#!/bin/bash
# ABI confusion: int 0x80 from a 64-bit program under the default policy
# (abi: [x86_64]) kills the sandbox (159), names i386, and the call never runs.
# With i386 allowed, i386 mkdir is still matched by name (nr 39 is getpid on
# x86_64, mkdir on i386).
# Skipped (77) on a kernel without IA32 emulation: there int 0x80 raises
# SIGSEGV natively, before sysgate can see the call.
source "$(dirname "$0")/../lib.sh"
require_int80
box
for mode in getpid write mkdir; do
  sg -- "$PROGS/sg_int80" $mode "$WORK/i386dir-$mode"
  expect_status 159 "int 0x80 $mode"
  expect_stdout_contains before
  expect_stdout_lacks "after"
  expect_stdout_lacks "$WORK/i386dir"
  expect_stderr_contains i386
  expect_file_absent "$WORK/i386dir-$mode"
done
P=$(policy both-abis.yaml <<'YAML'
version: 1
name: both-abis
abi: [x86_64, i386]
default: allow
rules:
  - name: no-mkdir
    syscalls: [mkdir]
    action: {deny: EACCES}
YAML
)
sg --policy "$P" -- "$PROGS/sg_int80" mkdir "$WORK/i386dir-denied"
expect_status 0
expect_stdout_contains "after: EACCES"
expect_file_absent "$WORK/i386dir-denied"
expect_stderr_matches 'i386 mkdir\(.*-> deny EACCES'
# i386 getpid (20) is allowed and returns our pid; x86_64 20 would be writev.
sg --policy "$P" -- "$PROGS/sg_int80" getpid
expect_status 0
expect_stdout_lacks "after: E"
sg --policy "$POLICIES/allow-all.yaml" -- "$PROGS/sg_int80" mkdir "$WORK/i386dir-allowall"
expect_status 159 "allow-all lists only x86_64"
expect_file_absent "$WORK/i386dir-allowall"
finish
