#!/bin/bash
# Printing 100 MiB under --output 1MiB: OUTPUT_LIMIT, exit 137, and the
# --stdout file holds exactly the first 1 MiB. The report's output_bytes is
# what was relayed: never above the limit (it was 200704 and 139264 under a
# 64 KiB limit whose file held 65536, issue 9).
source "$(dirname "$0")/grading_lib.sh"
cgroup_mode_needs_cgroups_as_root
cd "$TMP"
cp "$BIN/sgg_flood" "$TMP/sgg_flood"
sg --policy "$POL/grade-c.yaml" --output 1MiB --stdout out.txt --wall-time 30s -- "$TMP/sgg_flood"
expect_rc 137
expect_well_formed
expect_verdict OUTPUT_LIMIT
size=$(stat -c %s "$TMP/out.txt" 2>/dev/null || echo missing)
expect "--stdout file is exactly 1 MiB (is $size)" [ "$size" = 1048576 ]
expect "--stdout file holds only the program's bytes" [ -z "$(tr -d x <"$TMP/out.txt" | head -c 100)" ]
expect_report 'r["limits"]["output"]["value"] == 1048576'
expect_mechanism output
expect_report 'r["output_bytes"] == 1048576'
expect_no_process "$TMP/sgg_flood"

# The issue's case: a 64 KiB limit, repeated (how far the program got past the
# limit before it was killed varies; the figure must not).
for i in 1 2 3; do
  sg --policy "$POL/grade-c.yaml" --output 64KiB --stdout out64.txt --wall-time 30s -- "$TMP/sgg_flood"
  expect_rc 137
  expect_verdict OUTPUT_LIMIT
  size=$(stat -c %s "$TMP/out64.txt" 2>/dev/null || echo missing)
  expect "--stdout file is exactly 64 KiB (is $size)" [ "$size" = 65536 ]
  expect_report 'r["output_bytes"] == 65536'
done

# stderr counts too: the same program writing to stderr, under the built-in
# default policy (the shell is dynamically linked).
sg --output 1MiB --stdout out2.txt --stderr err2.txt -- /bin/sh -c "exec $TMP/sgg_flood 1>&2"
expect_rc 137
expect_verdict OUTPUT_LIMIT
size=$(stat -c %s "$TMP/err2.txt" 2>/dev/null || echo missing)
expect "--stderr file is exactly 1 MiB (is $size)" [ "$size" = 1048576 ]
size=$(stat -c %s "$TMP/out2.txt" 2>/dev/null || echo missing)
expect "--stdout file is empty (is $size)" [ "$size" = 0 ]
expect_report 'r["output_bytes"] == 1048576'
expect_no_process "$TMP/sgg_flood"

# Under the limit every byte of both streams is relayed and counted.
sg --output 1MiB --stdout out3.txt --stderr err3.txt -- /bin/sh -c "printf 'hello\n'; printf 'oops\n' >&2"
expect_rc 0
expect_verdict OK
expect_report 'r["output_bytes"] == 11'
expect "stdout relayed" [ "$(cat "$TMP/out3.txt")" = hello ]
expect "stderr relayed" [ "$(cat "$TMP/err3.txt")" = oops ]
finish
