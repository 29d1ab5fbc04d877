#!/bin/bash
# x32 syscall numbers (0x40000000 | nr) from a 64-bit program: a foreign ABI
# under abi: [x86_64]: the sandbox is killed (159) and x32 is named; the call
# never runs (this kernel has no x32 anyway).
source "$(dirname "$0")/../lib.sh"
box
sg -- "$PROGS/sg_int80" x32mkdir "$WORK/x32dir"
expect_status 159
expect_stdout_lacks after
expect_stderr_contains x32
expect_file_absent "$WORK/x32dir"
finish
