#!/bin/bash
# sysgate batch: 60 runs of student-like programs with -j 4 (20 correct, 10
# wrong answers, 5 each of a CPU hog, a memory hog, a fork bomb, a forbidden
# open, a crash and an output flood). Every run gets exactly its expected
# verdict, the CPU hogs' CPU time is what a single run's is (neighbours do not
# disturb limits), the report holds the comparison, and summary.json/csv
# agree. Then the batch is interrupted with SIGINT midway (exit 130, no
# program left, no report of a run cut short) and resumed: the same summary.
source "$(dirname "$0")/grading_lib.sh"

batch_fixture
J=$TMP/jobs.jsonl
{
  echo "$BATCH_DEFAULTS"
  for i in $(seq -w 1 20); do batch_job ok "ok-$i"; done
  for i in $(seq -w 1 10); do batch_job wa "wa-$i"; done
  for i in 1 2 3 4 5; do
    for kind in cpu mem fork open segv flood; do batch_job "$kind" "$kind-$i"; done
  done
} >"$J"

# verdicts DIR: "id verdict" lines of DIR's summary, sorted.
verdicts() {
  "$PY" -S -c 'import json,sys; s=json.load(open(sys.argv[1]+"/summary.json")); [print(r["id"], r["verdict"]) for r in sorted(s["results"], key=lambda r: r["id"])]' "$1"
}

cd "$TMP" || exit 1
"$SYSGATE" batch -j 4 --out "$TMP/all" "$J" >"$TMP/batch.out" 2>"$TMP/batch.err"
RC=$?
expect "batch exits 0 when every verdict is the expected one (got $RC; $(tail -5 "$TMP/batch.out" | tr '\n' '|'))" [ "$RC" = 0 ]
expect "60 reports" [ "$(ls "$TMP/all/reports" | grep -c '\.json$')" = 60 ]
expect "no run's report is left half-made" [ -z "$(ls -A "$TMP/all/reports" | grep -E '^\.|\.tmp\.')" ]
expect "the working directories are removed" [ -z "$(ls -A "$TMP/all/work")" ]
expect "plain progress lines when stderr is not a terminal" grep -qE '^\[60/60\] ' "$TMP/batch.err"
S=$TMP/all/summary.json
py_check() {
  if "$PY" -S -c "import json,sys; s=json.load(open('$S')); r=lambda i: json.load(open('$TMP/all/reports/'+i+'.json')); sys.exit(0 if ($1) else 1)" 2>"$TMP/py.err"; then
    log "ok: $1"
  else
    fail "$1 ($(head -c 300 "$TMP/py.err"))"
  fi
}
py_check 's["runs"] == 60 and s["done"] == 60 and s["as_expected"] == 60 and s["all_as_expected"]'
py_check 's["verdicts"] == {"OK": 20, "WRONG_ANSWER": 10, "CPU_TIME_LIMIT": 5, "MEMORY_LIMIT": 5, "PROCESS_LIMIT": 5, "VIOLATION": 5, "SIGNALED": 5, "OUTPUT_LIMIT": 5}'
py_check 'all(r["as_expected"] for r in s["results"])'
# Limits undisturbed by neighbours: the CPU hogs stop at the limit, as a single run does (cpu_time.sh).
py_check 'all(0.9 <= r("cpu-%d" % i)["cpu_time_s"] <= 1.5 for i in range(1, 6))'
py_check 'all(r("ok-%02d" % i)["batch"]["comparison"]["matched"] for i in range(1, 21))'
py_check 'r("wa-01")["batch"]["comparison"]["first_difference"] == {"line": 1, "token": 1, "expected": "7", "got": "6", "why": "differs"}'
py_check 'r("wa-01")["batch"]["run_verdict"] == "OK" and r("wa-01")["verdict"] == "WRONG_ANSWER"'
py_check 'r("open-1")["violation"]["syscall"] == "openat" and r("cpu-1")["batch"]["comparison"] is None'
py_check 'r("mem-1")["limits"]["memory"]["value"] == 64 * 1024 * 1024'
expect "the output of a run is kept" grep -qx 6 "$TMP/all/out/ok-01.stdout"
expect "summary.csv has a header and 60 rows" [ "$(wc -l <"$TMP/all/summary.csv")" = 61 ]
expect "summary.csv's row of wa-01" grep -qE '^wa-01,WRONG_ANSWER,[0-9.]+,[0-9.]+,[0-9]+,0$' "$TMP/all/summary.csv"
expect "no program is left" [ -z "$(pgrep -f "$TMP/bin/")" ]

# An invalid job file: every error with its place, exit 3, nothing made or run.
printf '{"id": "a", "command": ["x"], "limits": {"cpu_time": "fast"}}\n{"id": "a", "comand": ["y"]}\n' >"$TMP/bad.jsonl"
"$SYSGATE" batch --out "$TMP/bad" "$TMP/bad.jsonl" >"$TMP/bad.out" 2>&1
RC=$?
expect "an invalid job file exits 3 (got $RC)" [ "$RC" = 3 ]
expect "the bad limit is named at its line and column" grep -qF "$TMP/bad.jsonl:1:42: cpu_time: 'fast' is not a duration" "$TMP/bad.out"
expect "the misspelt key is named" grep -qF "$TMP/bad.jsonl:2:13: unknown key 'comand'" "$TMP/bad.out"
expect "the duplicate id is named with the first's place" grep -qF "the id 'a' is also at $TMP/bad.jsonl:1:2" "$TMP/bad.out"
expect "no output directory for an invalid job file" [ ! -e "$TMP/bad" ]
"$SYSGATE" batch --wait --out "$TMP/bad2" "$J" >"$TMP/bad2.out" 2>&1
RC=$?
expect "--wait without --slurm is a usage error, 125 (got $RC)" [ "$RC" = 125 ]
expect "and makes nothing" [ ! -e "$TMP/bad2" ]

# A run whose verdict is not the expected one: exit status 1, named.
printf '{"id": "x", "command": ["%s"], "policy": "grade-c.yaml", "expect_verdict": "OK"}\n' "$TMP/bin/sgg_segv" >"$TMP/one.jsonl"
"$SYSGATE" batch --out "$TMP/one" "$TMP/one.jsonl" >"$TMP/one.out" 2>&1
RC=$?
expect "exit 1 when a verdict is not the expected one (got $RC)" [ "$RC" = 1 ]
expect "the unexpected run is named" grep -q "x: SIGNALED (expected OK)" "$TMP/one.out"

# Interrupted midway, then resumed: the same verdicts.
"$SYSGATE" batch -j 4 --out "$TMP/cut" "$J" >"$TMP/cut.out" 2>"$TMP/cut.err" &
B=$!
for _ in $(seq 1 300); do
  [ "$(ls "$TMP/cut/reports" 2>/dev/null | grep -c '\.json$')" -ge 30 ] && break
  sleep 0.1
done
kill -INT "$B"
wait "$B"
RC=$?
expect "an interrupted batch exits 130 (got $RC)" [ "$RC" = 130 ]
DONE=$(ls "$TMP/cut/reports" | grep -c '\.json$')
log "interrupted after $DONE reports"
expect "interrupted midway ($DONE of 60 reports)" test "$DONE" -ge 30 -a "$DONE" -lt 60
expect "no report of a run cut short" [ -z "$(ls -A "$TMP/cut/reports" | grep -E '^\.|\.tmp\.')" ]
expect "the summary so far is written" grep -q "\"done\": $DONE" "$TMP/cut/summary.json"
sleep 0.5
expect "no program is left after the interruption" [ -z "$(pgrep -f "$TMP/bin/")" ]
if [ "$GRADING_MODE" = cgroup ]; then
  left=$(find /sys/fs/cgroup -maxdepth 6 -type d -name 'sysgate-*' -newer "$TMP/cut.out" 2>/dev/null \
           | while read -r d; do [ -s "$d/cgroup.procs" ] && echo "$d"; done)
  expect "no run cgroup with a process in it is left ($left)" [ -z "$left" ]
fi
"$SYSGATE" batch -j 4 --out "$TMP/cut" "$J" >"$TMP/resume.out" 2>"$TMP/resume.err"
RC=$?
expect "the resumed batch exits 0 (got $RC)" [ "$RC" = 0 ]
expect "the resumed batch ran only the rest ($(grep -c '^\[' "$TMP/resume.err") lines)" \
  [ "$(grep -c '^\[' "$TMP/resume.err")" = $((60 - DONE)) ]
expect "the resumed batch's verdicts are the uninterrupted one's" \
  diff <(verdicts "$TMP/all") <(verdicts "$TMP/cut")

# A worker killed from outside (not told to stop by the batch) writes no
# report: the batch writes one, INTERNAL_ERROR naming the signal, and the
# program dies with its supervisor. With --rerun, over the OK report of an
# earlier batch, which must not stand for the new run.
printf '%s\n{"id": "spin", "command": ["%s/bin/sgg_sum"], "stdin": "tests/sum.in", "expect_stdout": "tests/sum.out"}\n' \
  "$BATCH_DEFAULTS" "$TMP" >"$TMP/first.jsonl"
"$SYSGATE" batch -j 1 --out "$TMP/killed" "$TMP/first.jsonl" >/dev/null 2>&1
expect "the earlier batch's run is OK" grep -q '"verdict": "OK"' "$TMP/killed/reports/spin.json"
printf '%s\n{"id": "spin", "command": ["%s/bin/sgg_spin"], "limits": {"cpu_time": "20s"}}\n' \
  "$BATCH_DEFAULTS" "$TMP" >"$TMP/killed.jsonl"
"$SYSGATE" batch -j 1 --rerun --out "$TMP/killed" "$TMP/killed.jsonl" >"$TMP/killed.out" 2>"$TMP/killed.err" &
B=$!
W=""
for _ in $(seq 1 100); do
  W=$(pgrep -P "$B" -x sysgate | head -1)
  [ -n "$W" ] && pgrep -f "$TMP/bin/sgg_spin" >/dev/null && break
  sleep 0.1
done
expect "the run's worker and program were seen" [ -n "$W" ]
[ -n "$W" ] && kill -KILL "$W"
wait "$B"
RC=$?
expect "the batch exits 1: the run is not as expected (got $RC)" [ "$RC" = 1 ]
expect "the batch wrote the run's report: INTERNAL_ERROR" \
  grep -q '"verdict": "INTERNAL_ERROR"' "$TMP/killed/reports/spin.json"
expect "the report names the signal" grep -q "killed by signal 9" "$TMP/killed/reports/spin.json"
expect "the working directory is removed" [ ! -e "$TMP/killed/work/spin" ]
sleep 0.5
expect "the program died with its supervisor" [ -z "$(pgrep -f "$TMP/bin/sgg_spin")" ]
# The killed supervisor's empty run cgroups (a later run would sweep them).
[ -n "$W" ] && find /sys/fs/cgroup -maxdepth 7 -type d -name "sysgate-$W-*" -exec rmdir {} + 2>/dev/null

# --rerun runs everything again; --collect sums up a directory without the job file.
"$SYSGATE" batch --collect "$TMP/cut" >"$TMP/collect.out" 2>&1
RC=$?
expect "--collect exits 0 (got $RC)" [ "$RC" = 0 ]
expect "--collect says 60 of 60" grep -q "^60 of 60 runs done" "$TMP/collect.out"

finish
