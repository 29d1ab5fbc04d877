#!/bin/bash
# Bounded logs (issue 15): a program that repeats a refused call 200,000
# times (a fuzzer retrying what the policy denies) gets every one refused and
# counted exactly in the report, while stderr gets a handful of lines (the
# repeats coalesced, the rest rate-limited and counted) and the JSON log stops
# at --log-max with a last line saying it was cut. (5 million calls, the
# issue's figure, take minutes: set LOG_BOUNDS_CALLS to run them.)
source "$(dirname "$0")/../lib.sh"
box
N=${LOG_BOUNDS_CALLS:-200000}
REPORT=$WORK/report.json
report_count() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["denials"]["count"])' "$REPORT"; }
SG_TIMEOUT=300
P=$(policy deny-getppid.yaml <<'EOP'
version: 1
default: allow
rules:
  - name: no-getppid
    syscalls: [getppid]
    action: {deny: EPERM}
EOP
)
# Refused getppid returns -1 (EPERM) to the program.
sg --policy "$P" --log "$WORK/log.jsonl" --log-max 1MiB --report "$REPORT" -- /usr/bin/python3 -c "
import os
refused = sum(1 for _ in range($N) if os.getppid() == -1)
print('refused', refused)"
expect_finished
expect_status 0
expect_stdout_equals "refused $N"
expect_that "the report counts every refusal: $(report_count) of $N" [ "$(report_count)" = "$N" ]
size=$(stat -c %s "$WORK/log.jsonl")
expect_that "the JSON log stays under its cap (1 MiB): $size bytes" [ "$size" -le 1048576 ]
expect_that "the JSON log's last line says it was cut" \
  bash -c 'tail -n 1 "$1" | grep -qx "{\"cut\":true,\"message\":\"--log-max reached: later calls are not logged; the report counts them\"}"' - "$WORK/log.jsonl"
lines=$(wc -l <"$ERR")
expect_that "stderr has a handful of lines, not $N: $lines" [ "$lines" -le 10 ]
expect_stderr_matches "getppid\\(\\) -> deny EPERM \\[rule \"no-getppid\""
expect_stderr_matches "repeated [0-9]+ more times"
# The repeats and the rate-limited lines add up to every refusal: N in all.
total=$(awk -v n=0 '/getppid\(\) -> deny/ {n++} /repeated [0-9]+ more time/ {match($0, /repeated [0-9]+/); n += substr($0, RSTART + 9, RLENGTH - 9)} /more lines? not shown/ {match($0, /\([0-9]+/); n += substr($0, RSTART + 1, RLENGTH - 1)} END {print n}' "$ERR")
expect_that "stderr accounts for every refusal ($total of $N)" [ "$total" = "$N" ]

# --log-max 0: no cap.
sg --policy "$P" --log "$WORK/all.jsonl" --log-max 0 --quiet -- /usr/bin/python3 -c "
import os
for _ in range(3000): os.getppid()"
expect_status 0
expect_that "no cap: every call logged" [ "$(grep -c '"syscall":"getppid"' "$WORK/all.jsonl")" = 3000 ]
sg --log-max 10 -- /bin/true
expect_status 125
expect_stderr_contains "--log-max"
finish
