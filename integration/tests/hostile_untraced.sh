#!/bin/bash
# clone(CLONE_UNTRACED) fails with EPERM and no untraced child runs.
source "$(dirname "$0")/../lib.sh"
box
for pol in default allow-all; do
  if [ $pol = default ]; then popt=(); else popt=(--policy "$POLICIES/allow-all.yaml"); fi
  sg "${popt[@]}" -- "$PROGS/sg_hostile" untraced "$WORK/escaped-$pol"
  expect_status 0
  expect_stdout_contains "untraced: EPERM"
  expect_stdout_lacks "child status"
  expect_stderr_matches 'clone\(.*-> deny EPERM'
  sleep 0.2
  expect_file_absent "$WORK/escaped-$pol"
done
finish
