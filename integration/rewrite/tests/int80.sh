#!/bin/bash
# A redirect of an i386 call: `int 0x80` open (i386 nr 5) of ORIG, under a
# policy that lists i386 and redirects open of ORIG to FIXTURE: the program
# reads FIXTURE, its ebx/ecx/edx and its path buffer (below 4 GiB) are as
# before; the log's event is i386 open with the rewrite. Skipped (77) on a
# kernel without IA32 emulation.
source "$(dirname "$0")/../rewrite_lib.sh"
require_int80_here
box
W=$WORK
echo ORIGINAL >"$W/orig"
echo I386-FIXTURE >"$W/fixture"
native "$PROGS/rw_int80" open "$W/orig"
expect_that "natively, ORIG is read" grep -qxF "open: OK [ORIGINAL] regs=kept" "$WORK/native.out"

P=$(policy i386.yaml <<YAML
version: 1
abi: [x86_64, i386]
default: allow
rules:
  - name: fixture
    syscalls: [open, openat]
    args: {path: {eq: "$W/orig"}}
    action: {redirect: "$W/fixture"}
YAML
)
sg --policy "$P" --log "$LOG" -- "$PROGS/rw_int80" open "$W/orig"
expect_status 0
expect_stdout_equals "before
open: OK [I386-FIXTURE] regs=kept"
expect_log '[(e["abi"], e["syscall"], e["rewrites"]) for e in events if e.get("rewrites")] == [("i386", "open", {"path": {"from": "'"$W"'/orig", "to": "'"$W"'/fixture"}})]'
expect_file_content "$W/orig" ORIGINAL
finish
