#!/bin/bash
# sleep(10) under --wall-time 1s: WALL_TIME_LIMIT, exit 137, wall_time_s at
# least the limit (and the program is stopped soon after it).
source "$(dirname "$0")/grading_lib.sh"
cgroup_mode_needs_cgroups_as_root
cd "$TMP"
cp "$BIN/sgg_sleep" "$TMP/sgg_sleep"
start=$(date +%s%N)
sg --policy "$POL/grade-c.yaml" --wall-time 1s --cpu-time 5s -- "$TMP/sgg_sleep"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
expect_rc 137
expect_well_formed
expect_verdict WALL_TIME_LIMIT
expect_report '1.0 <= r["wall_time_s"] <= 3.0'
expect_report 'r["cpu_time_s"] < 0.5'
expect_report 'r["limits"]["wall_time"]["value"] == 1'
expect_mechanism wall_time
expect "sysgate returned within 5 s (took $elapsed_ms ms)" [ "$elapsed_ms" -lt 5000 ]
expect_no_process "$TMP/sgg_sleep"
finish
