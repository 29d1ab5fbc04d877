#!/bin/bash
# sh -c pipelines, exit status propagation and death by a signal.
source "$(dirname "$0")/../lib.sh"
for pol in default allow-all; do
  if [ $pol = default ]; then popt=(); else popt=(--policy "$POLICIES/allow-all.yaml"); fi
  sg "${popt[@]}" -- sh -c 'echo a b c | tr a-z A-Z | wc -w'
  expect_status 0
  expect_stdout_equals 3
  sg "${popt[@]}" -- sh -c 'echo a b c | tr a-z A-Z'
  expect_stdout_equals "A B C"
  sg "${popt[@]}" -- sh -c 'exit 7'
  expect_status 7
  sg "${popt[@]}" -- sh -c 'kill -SEGV $$'
  expect_status 139 "SIGSEGV: 128+11"
  sg "${popt[@]}" -- sh -c 'kill -TERM $$'
  expect_status 143 "SIGTERM: 128+15"
  sg "${popt[@]}" -- sh -c 'kill -KILL $$'
  expect_status 137 "SIGKILL: 128+9"
  # A subshell's status through a pipeline and command substitution.
  sg "${popt[@]}" -- sh -c 'x=$(sh -c "echo inner; exit 3"; echo "rc=$?"); echo "$x" | sort -r; (exit 5); exit $?'
  expect_status 5
  expect_stdout_equals "$(printf 'rc=3\ninner')"
  # A background job, wait and its status.
  sg "${popt[@]}" -- sh -c 'sleep 0.2 & sh -c "exit 4" & wait $!; s=$?; wait; echo "bg=$s"'
  expect_status 0
  expect_stdout_equals "bg=4"
  expect_stderr_lacks "sysgate:"
done
finish
