#!/bin/bash
# --file-size 1MiB: writing a 10 MiB file fails, by SIGXFSZ (default
# disposition) or with EFBIG (SIGXFSZ ignored); the file never grows past it.
source "$(dirname "$0")/grading_lib.sh"
cd "$TMP"
sg --policy "$POL/grade-c-files.yaml" --file-size 1MiB -- "$BIN/sgg_bigfile" "$TMP/big"
expect_rc 153
expect_well_formed
expect_verdict SIGNALED
expect_report 'r["signal"] == {"number": 25, "name": "SIGXFSZ"}'
expect_report 'r["limits"]["file_size"]["value"] == 1048576'
expect_mechanism file_size
size=$(stat -c %s "$TMP/big" 2>/dev/null || echo missing)
expect "file stopped at 1 MiB (is $size)" [ "$size" = 1048576 ]

sg --policy "$POL/grade-c-files.yaml" --file-size 1MiB -- "$BIN/sgg_bigfile" "$TMP/big2" ignore-sigxfsz
expect_rc 1
expect_verdict NONZERO_EXIT
expect "the write failed with EFBIG" grep -qx "write: EFBIG" "$TMP/stdout"
size=$(stat -c %s "$TMP/big2" 2>/dev/null || echo missing)
expect "file stopped at 1 MiB (is $size)" [ "$size" = 1048576 ]

# Without the limit the same program succeeds.
sg --policy "$POL/grade-c-files.yaml" -- "$BIN/sgg_bigfile" "$TMP/big3"
expect_rc 0
expect_verdict OK
expect "10 MiB written" [ "$(stat -c %s "$TMP/big3")" = 10485760 ]
finish
