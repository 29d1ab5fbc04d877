#!/bin/bash
# A rule on write with `fd: {eq: 5}` also catches fd 0x100000005 passed via
# syscall(2): the kernel takes the low 32 bits of an int argument.
source "$(dirname "$0")/../lib.sh"
P=$(policy fd5.yaml <<'YAML'
version: 1
name: fd5
abi: [x86_64]
default: allow
rules:
  - name: no-fd5
    syscalls: [write]
    args: {fd: {eq: 5}}
    action: {deny: EPERM}
YAML
)
# Natively, the kernel writes 0x100000005 to fd 5.
: >"$WORK/native5"
native "$PROGS/sg_call" dupto "5:$WORK/native5" write 0x100000005:high
expect_that "natively fd 0x100000005 is fd 5" grep -qx high "$WORK/native5"
: >"$WORK/f5"
sg --policy "$P" -- "$PROGS/sg_call" dupto "5:$WORK/f5" write 5:direct write 0x100000005:high \
  write 0xffffffff00000005:neg write 0x7fffffff00000005:big write 1:stdout-ok
expect_status 0
expect_stdout_contains "write(5:direct): EPERM"
expect_stdout_contains "write(0x100000005:high): EPERM"
expect_stdout_contains "write(0xffffffff00000005:neg): EPERM"
expect_stdout_contains "write(0x7fffffff00000005:big): EPERM"
expect_stdout_contains "stdout-ok"
expect_file_content "$WORK/f5" ""
# The opposite: a rule with `ne` must not let fd 5 through with high bits set.
P2=$(policy only-fd1.yaml <<'YAML'
version: 1
name: only-fd1
abi: [x86_64]
default: allow
rules:
  - name: stdout-only
    syscalls: [write]
    args: {fd: {ne: 1}}
    action: {deny: EBADF}
YAML
)
: >"$WORK/f6"
sg --policy "$P2" -- "$PROGS/sg_call" dupto "5:$WORK/f6" write 0x100000005:high write 0x100000001:one
expect_stdout_contains "write(0x100000005:high): EBADF"
expect_file_content "$WORK/f6" ""
finish
