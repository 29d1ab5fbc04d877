#!/bin/bash
# The grading cases again under --engine ptrace (every call stops in the
# supervisor): verdicts, denials, violation, limits and leftovers as with the
# seccomp engine.
source "$(dirname "$0")/grading_lib.sh"
cgroup_mode_needs_cgroups_as_root
cd "$TMP"
for p in sgg_sum sgg_spin sgg_forkbomb sgg_daemon sgg_cpus sgg_shadow; do cp "$BIN/$p" "$TMP/"; done
E="--engine ptrace"

echo 5 6 >in.txt
sg $E --policy "$POL/grade-c.yaml" --stdin in.txt -- "$TMP/sgg_sum"
expect_rc 0
expect_well_formed
expect_verdict OK
expect "sum" [ "$(cat "$TMP/stdout")" = 11 ]
expect_report 'r["engine"] == "ptrace"'

sg $E --policy "$POL/grade-c.yaml" -- "$TMP/sgg_shadow"
expect_rc 0
expect_verdict OK
expect "EACCES" [ "$(cat "$TMP/stdout")" = "open: EACCES" ]
expect_report 'any(d["syscall"] == "openat" and d["errno"]["name"] == "EACCES" for d in r["denials"]["first"])'

sg $E --policy "$POL/grade-c-kill.yaml" -- "$TMP/sgg_shadow"
expect_rc 159
expect_verdict VIOLATION
expect_report 'r["violation"]["syscall"] == "openat"'

sg $E --policy "$POL/grade-c.yaml" --cpu-time 1s --wall-time 20s -- "$TMP/sgg_spin"
expect_rc 137
expect_verdict CPU_TIME_LIMIT
expect_report '0.9 <= r["cpu_time_s"] <= 1.5'
expect_no_process "$TMP/sgg_spin"

sg $E --policy "$POL/grade-c.yaml" --processes 10 --wall-time 30s -- "$TMP/sgg_forkbomb"
expect_no_process "$TMP/sgg_forkbomb"
expect_rc 137
expect_verdict PROCESS_LIMIT

sg $E --policy "$POL/grade-c.yaml" --cpu-time 10s -- "$TMP/sgg_cpus"
expect_rc 0
expect_verdict OK
expect_report '1.4 <= r["cpu_time_s"] < 4'

sg $E --policy "$POL/grade-c-files.yaml" -- "$TMP/sgg_daemon" "$TMP/escaped"
expect_no_process "$TMP/sgg_daemon"
expect_rc 0
expect_verdict OK
expect_report 'len(r["leftover_processes"]) == 1'
sleep 3
expect "the daemon never created its file" [ ! -e "$TMP/escaped" ]
finish
