#!/bin/bash
# Every limit option is reported with its value and the mechanism that
# enforced it: cgroup_v1/cgroup_v2 for cpu_time, memory and processes where
# cgroups are used, the supervisor for them without cgroups (and always for
# wall_time and output), rlimit for file_size, open_files and stack.
source "$(dirname "$0")/grading_lib.sh"
require_cgroups_in_cgroup_mode
cd "$TMP"
echo 1 2 >in.txt
sg --policy "$POL/grade-c.yaml" --stdin in.txt --cpu-time 5s --wall-time 10s --memory 256MiB --processes 10 \
  --output 1MiB --file-size 2MiB --open-files 64 --stack 8MiB -- "$BIN/sgg_sum"
expect_rc 0
expect_well_formed
expect_verdict OK
expect_report 'r["limits"]["cpu_time"]["value"] == 5'
expect_report 'r["limits"]["wall_time"]["value"] == 10'
expect_report 'r["limits"]["memory"]["value"] == 268435456'
expect_report 'r["limits"]["processes"]["value"] == 10'
expect_report 'r["limits"]["output"]["value"] == 1048576'
expect_report 'r["limits"]["file_size"]["value"] == 2097152'
expect_report 'r["limits"]["open_files"]["value"] == 64'
expect_report 'r["limits"]["stack"]["value"] == 8388608'
for l in cpu_time wall_time memory processes output file_size open_files stack; do
  expect_mechanism "$l"
done

# --no-cgroups forces the fallback just as SYSGATE_NO_CGROUPS=1 does.
sg --no-cgroups --policy "$POL/grade-c.yaml" --stdin in.txt --cpu-time 5s --memory 256MiB --processes 10 -- "$BIN/sgg_sum"
expect_rc 0
expect_verdict OK
expect_report '[r["limits"][k]["mechanism"] for k in ("cpu_time", "memory", "processes")] == ["supervisor"] * 3'

# Limits from the policy's limits section, overridden by options; an included
# policy's limits take the smaller value.
cat >limited.yaml <<YAML
version: 1
name: limited
include: [$POL/grade-c.yaml]
limits: {cpu_time: 3s, wall_time: 7s, memory: 128MiB, processes: 5, output: 64KiB, open_files: 32}
YAML
sg --policy limited.yaml --stdin in.txt --cpu-time 2s --open-files 40 -- "$BIN/sgg_sum"
expect_rc 0
expect_verdict OK
expect_report 'r["limits"]["cpu_time"]["value"] == 2'
expect_report 'r["limits"]["wall_time"]["value"] == 7'
expect_report 'r["limits"]["memory"]["value"] == 128 * 1048576'
expect_report 'r["limits"]["processes"]["value"] == 5'
expect_report 'r["limits"]["output"]["value"] == 65536'
expect_report 'r["limits"]["open_files"]["value"] == 40'
expect_report 'r["limits"]["file_size"] is None and r["limits"]["stack"] is None'
for l in cpu_time wall_time memory processes output open_files; do
  expect_mechanism "$l"
done
finish
