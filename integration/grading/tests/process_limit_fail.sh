#!/bin/bash
# `on_process_limit` (limits of the policy, issue 9): with `fail` a fork beyond
# `processes` fails with EAGAIN and the run goes on (as under isolate); with
# `end`, the default, the refused fork ends the run with PROCESS_LIMIT.
source "$(dirname "$0")/grading_lib.sh"
require_cgroups_in_cgroup_mode
cd "$TMP"
cp "$BIN/sgg_forkfail" "$TMP/sgg_forkfail"

# The default and `end`: the first refused fork ends the run.
for action in "" "end"; do
  printf 'version: 1\ninclude: [%s]\nlimits: {processes: 10%s}\n' "$POL/grade-c.yaml" \
    "${action:+, on_process_limit: $action}" >limit.yaml
  sg --policy limit.yaml --wall-time 30s -- "$TMP/sgg_forkfail"
  expect_rc 137
  expect_well_formed
  expect_verdict PROCESS_LIMIT
  expect_report 'r["processes_peak"] <= 10'
  expect_no_process "$TMP/sgg_forkfail"
done

# `fail`: 9 children (10 tasks with the parent), 11 forks refused with EAGAIN,
# and the program ends normally (under both engines).
printf 'version: 1\ninclude: [%s]\nlimits: {processes: 10, on_process_limit: fail}\n' "$POL/grade-c.yaml" >fail.yaml
for engine in seccomp seccomp ptrace; do
  sg --engine $engine --policy fail.yaml --wall-time 30s -- "$TMP/sgg_forkfail"
  expect_rc 0
  expect_well_formed
  expect_verdict OK
  expect "the program saw 9 forks succeed and 11 fail with EAGAIN ($(cat "$TMP/stdout"))" \
    [ "$(cat "$TMP/stdout")" = "forked 9 refused 11 other 0" ]
  expect_report 'r["processes_peak"] == 10'
  expect_report 'r["processes_refused"] == 11'
  expect_report 'r["limits"]["processes"]["value"] == 10'
  expect_mechanism processes
  expect_no_process "$TMP/sgg_forkfail"
done
finish
