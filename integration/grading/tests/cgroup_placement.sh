#!/bin/bash
# Where the program runs: with cgroups, in a run cgroup created beneath
# sysgate's own in each hierarchy used (memory, pids and the unified one),
# removed afterwards; without cgroups, in sysgate's own cgroups.
source "$(dirname "$0")/grading_lib.sh"
require_cgroups_in_cgroup_mode
cd "$TMP"
own=$(cat /proc/self/cgroup)
sg --memory 256MiB --processes 50 --cpu-time 5s -- cat /proc/self/cgroup
expect_rc 0
expect_verdict OK
cp "$TMP/stdout" "$TMP/inside"
if [ "$GRADING_MODE" = nocgroup ]; then
  expect "same cgroups as sysgate's caller" [ "$(cat "$TMP/inside")" = "$own" ]
else
  # For each hierarchy line "ID:CONTROLLERS:PATH" of ours, the program's path
  # is ours or ours plus /sysgate-<pid>-<n>; memory and pids must be the latter.
  while IFS=: read -r id ctrls path; do
    inside=$(awk -F: -v id="$id" '$1 == id {print $3}' "$TMP/inside")
    base=${path%/}
    case "$inside" in
      "$path") moved=no ;;
      "$base/sysgate-$SG_PID-"*) moved=yes ;;
      *) moved=elsewhere ;;
    esac
    expect "hierarchy $id ($ctrls): program in '$inside', ours '$path'" [ "$moved" != elsewhere ]
    case ",$ctrls," in
      *,memory,* | *,pids,*) expect "hierarchy $ctrls: the program has its own run cgroup" [ "$moved" = yes ] ;;
    esac
  done <<<"$own"
  left=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "sysgate-$SG_PID-*" 2>/dev/null)
  expect "run cgroups removed: $left" [ -z "$left" ]
fi
finish
