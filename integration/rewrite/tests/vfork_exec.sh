#!/bin/bash
# A redirect of execve across vfork: a child made with vfork (and one made by
# posix_spawn, clone(CLONE_VM|CLONE_VFORK)) execs ORIG, which an execve rule
# redirects to TARGET: TARGET runs, both times, and the path in the memory
# the child shares with its parent is as the program wrote it. Control:
# natively ORIG runs.
source "$(dirname "$0")/../rewrite_lib.sh"
box
W=$WORK
mkdir -p "$W/bin"
printf '#!/bin/sh\necho ORIGINAL\n' >"$W/bin/orig"
printf '#!/bin/sh\necho TARGET\n' >"$W/bin/target"
chmod 755 "$W/bin/orig" "$W/bin/target"

native "$PROGS/rw_calls" vforkexec "$W/bin/orig"
expect_that "natively, ORIG runs" grep -qx ORIGINAL "$WORK/native.out"

P=$(policy exec.yaml <<YAML
version: 1
default: allow
rules:
  - name: swap-binary
    syscalls: [execve]
    args: {path: {eq: "$W/bin/orig"}}
    action: {redirect: "$W/bin/target"}
YAML
)
sg --policy "$P" --log "$LOG" -- "$PROGS/rw_calls" vforkexec "$W/bin/orig" spawn "$W/bin/orig"
expect_status 0
expect_stdout_equals "TARGET
vforkexec($W/bin/orig): status 0
TARGET
spawn($W/bin/orig): status 0"
expect_log '[(e["syscall"], e["rewrites"]) for e in events if e.get("rewrites")] == [("execve", {"path": {"from": "'"$W"'/bin/orig", "to": "'"$W"'/bin/target"}})] * 2'
finish
