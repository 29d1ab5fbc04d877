#!/bin/bash
# exec from a non-leader thread (the thread takes the leader's id) and from a
# vfork child: the new image's denied calls are still denied and logged.
source "$(dirname "$0")/../lib.sh"
box
P=$POLICIES/deny-files.yaml
for i in 1 2 3; do
  sg --policy "$P" -- "$PROGS/sg_hostile" threadexec "$PROGS/sg_call" mkdir "$WORK/d$i" mark done
  expect_status 0
  expect_stdout_contains "mkdir($WORK/d$i): EACCES"
  expect_stdout_contains done
  expect_file_absent "$WORK/d$i"
  expect_stderr_matches "mkdir\\(.*-> deny EACCES"
done
sg --policy "$P" -- "$PROGS/sg_hostile" vforkexec "$PROGS/sg_call" mkdir "$WORK/v" exit 3
expect_status 3
expect_stdout_contains "mkdir($WORK/v): EACCES"
expect_file_absent "$WORK/v"
finish
