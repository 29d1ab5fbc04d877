#!/bin/bash
# Allocating and touching 1 GiB under --memory 64MiB: MEMORY_LIMIT, exit 137.
source "$(dirname "$0")/grading_lib.sh"
require_cgroups_in_cgroup_mode
cd "$TMP"
cp "$BIN/sgg_hog" "$TMP/sgg_hog"
sg --policy "$POL/grade-c.yaml" --memory 64MiB --wall-time 30s -- "$TMP/sgg_hog"
expect_rc 137
expect_well_formed
expect_verdict MEMORY_LIMIT
expect_report 'r["limits"]["memory"]["value"] == 64 * 1024 * 1024'
expect_mechanism memory
expect "the program never finished touching" [ -z "$(grep touched "$TMP/stdout")" ]
# It got close to the limit before it was stopped, and (where the kernel
# enforces it) never beyond.
expect_report 'r["memory_peak_bytes"] >= 32 * 1024 * 1024'
if [ "$GRADING_MODE" = cgroup ]; then
  expect_report 'r["memory_peak_bytes"] <= 64 * 1024 * 1024'
fi
expect_no_process "$TMP/sgg_hog"
finish
