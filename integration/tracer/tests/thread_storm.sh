#!/bin/bash
# Hundreds of short-lived threads (500, in waves of 50, every second one
# detached) each make 3 checked opens; then 24 threads block (in read of a
# pipe, in nanosleep, in a checked open of a FIFO with no writer) and the main
# thread calls exit(7). Every open succeeds, the run ends with status 7 at
# once, and nothing of the program is left.
source "$(dirname "$0")/../tracer_lib.sh"
box
SG_TIMEOUT=30
W=$WORK
mkdir -p "$W/ok"
echo ALLOWED >"$W/ok/aa"
mkfifo "$W/ok/fifo"
cp "$PROGS/tr_threads" "$W/tr_storm"
P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ, "$W/**"]
  write: ["/dev/null"]
  exec: ["$W/tr_storm"]
EOP
)
for run in 1 2 3; do
  log "--- run $run"
  start=$(date +%s%N)
  sg --policy "$P" --report "$REPORT" -- "$W/tr_storm" storm 500 50 "$W/ok/aa" "$W/ok/fifo"
  elapsed_ms=$((($(date +%s%N) - start) / 1000000))
  log "run took $elapsed_ms ms"
  expect_finished
  expect_status 7
  expect_stdout_equals "threads=500 opens=1500 ok=1500 blocked=24
refused_errnos: none"
  expect_report 'r["verdict"] == "NONZERO_EXIT" and r["exit_code"] == 7 and r["signal"] is None'
  expect_report 'r["denials"]["count"] == 0 and r["leftover_processes"] == []'
  expect_no_process "$W/tr_storm"
done
finish
