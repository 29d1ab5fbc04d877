#!/bin/bash
# policy.sha256 is 64 hex digits, the same for two runs of the same policy
# (also when loaded through a different path), and different for a
# different policy.
source "$(dirname "$0")/grading_lib.sh"
cd "$TMP"
sg --policy "$POL/grade-c.yaml" -- "$BIN/sgg_exit3"
expect_report 're.fullmatch("[0-9a-f]{64}", r["policy"]["sha256"]) is not None'
h1=$(rj 'r["policy"]["sha256"]')
sg --policy "$POL/grade-c.yaml" -- "$BIN/sgg_segv"
h2=$(rj 'r["policy"]["sha256"]')
expect "same policy, same hash ($h1 / $h2)" [ "$h1" = "$h2" ]

cp "$POL/grade-c.yaml" "$TMP/copy.yaml"
sg --policy copy.yaml -- "$BIN/sgg_exit3"
h3=$(rj 'r["policy"]["sha256"]')
expect "a copy elsewhere hashes the same ($h1 / $h3)" [ "$h1" = "$h3" ]

sg --policy "$POL/grade-c-kill.yaml" -- "$BIN/sgg_exit3"
h4=$(rj 'r["policy"]["sha256"]')
expect_report 're.fullmatch("[0-9a-f]{64}", r["policy"]["sha256"]) is not None'
expect "a different policy, a different hash" [ "$h4" != "$h1" ]

# A limit in the policy is part of what is hashed.
printf 'version: 1\nname: grade-c\ninclude: [%s]\nlimits: {cpu_time: 5s}\n' "$POL/grade-c.yaml" >lim.yaml
sg --policy lim.yaml -- "$BIN/sgg_exit3"
h6=$(rj 'r["policy"]["sha256"]')
expect "the policy's limits are part of its hash" [ "$h6" != "$h1" ]
finish
