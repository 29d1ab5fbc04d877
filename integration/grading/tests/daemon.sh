#!/bin/bash
# A submission that daemonizes (setsid + double fork) and returns at once: the
# grandchild must not outlive the run (it would create a file 2 s later), and
# the report lists it among the leftover processes.
source "$(dirname "$0")/grading_lib.sh"
cd "$TMP"
cp "$BIN/sgg_daemon" "$TMP/sgg_daemon"
sg --policy "$POL/grade-c-files.yaml" -- "$TMP/sgg_daemon" "$TMP/escaped"
expect_no_process "$TMP/sgg_daemon"
expect_rc 0
expect_well_formed
expect_verdict OK
expect "parent's output" [ "$(cat "$TMP/stdout")" = "parent done" ]
expect_report 'len(r["leftover_processes"]) == 1'
expect_report 'all(p["command"] == "sgg_daemon" and p["pid"] > 0 for p in r["leftover_processes"])'
sleep 3
expect "the daemon never created its file" [ ! -e "$TMP/escaped" ]
expect_no_process "$TMP/sgg_daemon"

# The same with limits watched (ticks on, cgroups in cgroup mode).
sg --policy "$POL/grade-c-files.yaml" --processes 10 --memory 64MiB --cpu-time 5s --wall-time 10s \
  -- "$TMP/sgg_daemon" "$TMP/escaped2"
expect_no_process "$TMP/sgg_daemon"
expect_rc 0
expect_verdict OK
expect_report 'len(r["leftover_processes"]) == 1'
sleep 3
expect "the daemon never created its file (with limits)" [ ! -e "$TMP/escaped2" ]
expect_no_process "$TMP/sgg_daemon"

# A child that stopped itself (SIGSTOP) is killed too, and listed.
cp "$BIN/sgg_stopper" "$TMP/sgg_stopper"
sg --policy "$POL/grade-c-files.yaml" -- "$TMP/sgg_stopper" "$TMP/continued"
expect_no_process "$TMP/sgg_stopper"
expect_rc 0
expect_verdict OK
expect_report 'len(r["leftover_processes"]) == 1 and r["leftover_processes"][0]["command"] == "sgg_stopper"'
sleep 0.5
expect_no_process "$TMP/sgg_stopper"
expect "the stopped child never ran on" [ ! -e "$TMP/continued" ]
finish
