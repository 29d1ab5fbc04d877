#!/bin/bash
# A correct submission under the grading policy: OK, its output, exit 0, and a
# report whose figures are plausible.
source "$(dirname "$0")/grading_lib.sh"
cd "$TMP"

printf '1 2 3\n4 5\n' >in.txt
sg --policy "$POL/grade-c.yaml" --stdin in.txt -- "$BIN/sgg_sum"
expect_rc 0
expect_well_formed
expect_verdict OK
expect "stdout is the sum" [ "$(cat "$TMP/stdout")" = 15 ]
expect_report 'r["exit_code"] == 0 and r["signal"] is None'
expect_report 'r["denials"] == {"count": 0, "first": []} and r["violation"] is None'
expect_report 'r["leftover_processes"] == [] and r["error"] is None'
expect_report 'r["engine"] == "seccomp" and r["command"] == ["'"$BIN/sgg_sum"'"]'
expect_report 'r["policy"]["name"] == "grade-c" and r["policy"]["sources"] == ["'"$POL/grade-c.yaml"'"]'
expect_report 'all(v is None for v in r["limits"].values())'
expect_report 'r["memory_peak_bytes"] > 0'
expect_report 'r["processes_peak"] >= 1'
expect_report 'r["output_bytes"] == 0 or r["output_bytes"] == 3'
expect_report '0 < r["wall_time_s"] < 5 and r["cpu_time_s"] < 1'

# The same run with limits that are not reached is still OK, and the output
# (now relayed by the supervisor) is counted.
sg --policy "$POL/grade-c.yaml" --stdin in.txt --cpu-time 5s --wall-time 10s --memory 256MiB \
  --processes 10 --output 1MiB -- "$BIN/sgg_sum"
expect_rc 0
expect_well_formed
expect_verdict OK
expect "stdout is the sum" [ "$(cat "$TMP/stdout")" = 15 ]
expect_report 'r["output_bytes"] == 3'
expect_report 'r["memory_peak_bytes"] > 0 and r["processes_peak"] >= 1'

# --report - writes the report as the last line of stdout, after the
# program's own output.
"$SYSGATE" run --policy "$POL/grade-c.yaml" --stdin in.txt --report - -- "$BIN/sgg_sum" >"$TMP/both" 2>/dev/null
expect "--report -: the program's output first" [ "$(head -n 1 "$TMP/both")" = 15 ]
tail -n 1 "$TMP/both" >"$REPORT"
expect_report 'r["verdict"] == "OK" and r["schema"] == 1'
expect "--report -: two lines" [ "$(wc -l <"$TMP/both")" = 2 ]

# A report written over a longer file (it is written in place and cut to its
# length, not truncated first) is exactly the new report: valid JSON, one line.
head -c 200000 /dev/zero | tr '\0' '{' >"$REPORT"
"$SYSGATE" run --policy "$POL/grade-c.yaml" --stdin in.txt --report "$REPORT" -- "$BIN/sgg_sum" >/dev/null 2>&1
expect "the old, longer content is gone" [ "$(wc -c <"$REPORT")" -lt 20000 ]
expect "one line" [ "$(wc -l <"$REPORT")" = 1 ]
expect_report 'r["verdict"] == "OK" and r["exit_code"] == 0'
# One that cannot be written is said, naming the option and the cause; the
# run's own status stands.
"$SYSGATE" run --policy "$POL/grade-c.yaml" --stdin in.txt --report "$TMP/no/such/dir/r.json" -- "$BIN/sgg_sum" \
  >/dev/null 2>"$TMP/err"
expect "the run's status" [ $? = 0 ]
expect "the report's error is said" grep -q -- "--report $TMP/no/such/dir/r.json: cannot write: open: No such file or directory" "$TMP/err"
finish
