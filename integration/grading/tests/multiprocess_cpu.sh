#!/bin/bash
# Four children burning about 0.4 s of CPU each: the report's cpu_time_s sums
# the whole tree (at least 1.4 s), with and without a cpu_time limit.
source "$(dirname "$0")/grading_lib.sh"
require_cgroups_in_cgroup_mode
cd "$TMP"
sg --policy "$POL/grade-c.yaml" --cpu-time 10s --wall-time 30s -- "$BIN/sgg_cpus"
expect_rc 0
expect_well_formed
expect_verdict OK
expect "children done" [ "$(cat "$TMP/stdout")" = "children done" ]
expect_report '1.4 <= r["cpu_time_s"] < 4'
expect_report 'r["processes_peak"] >= 2'
expect_mechanism cpu_time

sg --policy "$POL/grade-c.yaml" -- "$BIN/sgg_cpus"
expect_rc 0
expect_verdict OK
expect_report '1.4 <= r["cpu_time_s"] < 4'

# The tree's sum is what the limit counts: 1.6 s of children exceed 1 s.
sg --policy "$POL/grade-c.yaml" --cpu-time 1s --wall-time 30s -- "$BIN/sgg_cpus"
expect_rc 137
expect_verdict CPU_TIME_LIMIT
expect_report '0.9 <= r["cpu_time_s"] <= 1.5'
finish
