#!/bin/bash
# A busy loop under --cpu-time 1s: CPU_TIME_LIMIT, exit 137, cpu_time_s within
# 0.9-1.5 x the limit, the limit reported with its mechanism.
source "$(dirname "$0")/grading_lib.sh"
require_cgroups_in_cgroup_mode
cd "$TMP"
cp "$BIN/sgg_spin" "$TMP/sgg_spin"
sg --policy "$POL/grade-c.yaml" --cpu-time 1s --wall-time 20s -- "$TMP/sgg_spin"
expect_rc 137
expect_well_formed
expect_verdict CPU_TIME_LIMIT
expect_report '0.9 <= r["cpu_time_s"] <= 1.5'
expect_report 'r["wall_time_s"] < 10'
expect_report 'r["limits"]["cpu_time"]["value"] == 1'
expect_report 'r["signal"] is None or r["signal"]["name"] == "SIGKILL"'
expect_mechanism cpu_time
expect_mechanism wall_time
expect "sysgate names the verdict on stderr" grep -q CPU_TIME_LIMIT "$TMP/stderr"
expect_no_process "$TMP/sgg_spin"
finish
