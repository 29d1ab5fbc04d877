#!/bin/bash
# execve from a thread that is not the thread group leader, while 8 sibling
# threads loop making checked opens, 20 times in a row (each new image does it
# again), the last exec being /bin/echo: every stage runs, no checked open of
# the allowed file ever fails, and the run ends with the last image's output
# and status 0, with no denial reported (a sibling's open that the exec cut
# short is not a call to refuse). Run twice.
source "$(dirname "$0")/../tracer_lib.sh"
box
SG_TIMEOUT=30
W=$WORK
mkdir -p "$W/ok"
echo ALLOWED >"$W/ok/aa"
cp "$PROGS/tr_threads" "$W/tr_exec_chain"
P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ, "$W/**"]
  write: ["/dev/null"]
  exec: ["$W/tr_exec_chain", "/usr/bin/echo"]
EOP
)
STAGES=20
EXPECTED=$( (seq 0 $STAGES | sed 's/^/stage /'; echo "chain done $STAGES") )
for run in 1 2; do
  log "--- run $run"
  sg --policy "$P" --report "$REPORT" -- "$W/tr_exec_chain" exec_chain "$W/ok/aa" 0 "$STAGES"
  expect_finished
  expect_status 0
  expect_stdout_equals "$EXPECTED"
  expect_report 'r["verdict"] == "OK" and r["denials"]["count"] == 0'
  expect_no_process "$W/tr_exec_chain"
done
finish
