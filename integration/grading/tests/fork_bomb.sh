#!/bin/bash
# A fork bomb under --processes 10: PROCESS_LIMIT, exit 137, and no process
# of it left once sysgate returns.
source "$(dirname "$0")/grading_lib.sh"
require_cgroups_in_cgroup_mode
cd "$TMP"
cp "$BIN/sgg_forkbomb" "$TMP/sgg_forkbomb"
sg --policy "$POL/grade-c.yaml" --processes 10 --wall-time 30s -- "$TMP/sgg_forkbomb"
expect_no_process "$TMP/sgg_forkbomb"
sleep 1
expect_no_process "$TMP/sgg_forkbomb"
expect_rc 137
expect_well_formed
expect_verdict PROCESS_LIMIT
expect_report 'r["limits"]["processes"]["value"] == 10'
expect_mechanism processes
expect_report '2 <= r["processes_peak"] <= 10'
expect_report 'r["wall_time_s"] < 15'

# --processes 1 (one task, as a grader gives a single-process submission):
# the first fork of the multi-process program ends the run.
cp "$BIN/sgg_cpus" "$TMP/sgg_cpus"
sg --policy "$POL/grade-c.yaml" --processes 1 --wall-time 30s -- "$TMP/sgg_cpus"
expect_no_process "$TMP/sgg_cpus"
expect_rc 137
expect_verdict PROCESS_LIMIT
expect_report 'r["processes_peak"] == 1'
expect_report 'r["cpu_time_s"] < 0.3'
finish
