#!/bin/bash
# A `kill` action ends the whole sandbox with 159 before the call runs; later
# code never runs, also when the call comes from a grandchild.
source "$(dirname "$0")/../lib.sh"
P=$(policy kill-mkdir.yaml <<'YAML'
version: 1
name: kill-mkdir
abi: [x86_64]
default: allow
rules:
  - name: mkdir-is-fatal
    syscalls: [mkdir, mkdirat]
    action: kill
YAML
)
sg --policy "$P" -- "$PROGS/sg_call" mark before mkdir "$WORK/d" creat "$WORK/after"
expect_status 159
expect_stdout_contains before
expect_stdout_lacks "mkdir("
expect_file_absent "$WORK/d"
expect_file_absent "$WORK/after"
expect_stderr_matches 'mkdir\(.*-> kill'
expect_stderr_contains "mkdir-is-fatal"
# From a grandchild while the parent sleeps: the whole tree dies at once.
start=$(date +%s)
sg --policy "$P" -- sh -c "sh -c 'mkdir $WORK/d2' & sleep 5; touch $WORK/after2"
end=$(date +%s)
expect_status 159
expect_file_absent "$WORK/d2"
expect_file_absent "$WORK/after2"
expect_that "the tree died at once ($((end - start)) s)" [ $((end - start)) -lt 4 ]
expect_no_process "$WORK/after2"
# From a second thread of the program (threadexec makes the call in a new image).
sg --policy "$P" -- "$PROGS/sg_hostile" threadexec "$PROGS/sg_call" mkdir "$WORK/d3" creat "$WORK/after3"
expect_status 159
expect_file_absent "$WORK/d3"
expect_file_absent "$WORK/after3"
finish
