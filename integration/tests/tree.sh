#!/bin/bash
# A fork/exec tree three levels deep returns the combined statuses; a denied
# call in the grandchild (after two execs) is still denied.
source "$(dirname "$0")/../lib.sh"
for pol in default allow-all; do
  if [ $pol = default ]; then popt=(); else popt=(--policy "$POLICIES/allow-all.yaml"); fi
  rm -f "$WORK/leaf"
  sg "${popt[@]}" -- "$PROGS/sg_tree" 2 "$WORK"
  expect_status 7 "leaf 1, then 2*1+1, then 2*3+1"
  expect_stdout_contains "level 0 pid"
  expect_stdout_contains "level 2 child exited 3"
  expect_file_present "$WORK/leaf"
done
rm -f "$WORK/leaf"
sg --policy "$POLICIES/deny-files.yaml" -- "$PROGS/sg_tree" 2 "$WORK"
expect_status 100 "the leaf could not create its file"
expect_stdout_contains "level 0 pid"
expect_file_absent "$WORK/leaf"
expect_stderr_matches 'openat\(.*-> deny EROFS'
finish
