#!/bin/bash
# 64 threads sleep inside checked calls (open of a FIFO nobody opens for
# writing), then sysgate gets SIGTERM: it is forwarded to the program, which
# dies of it (sysgate(1), SIGNALS): sysgate exits within 1 s with 143
# (128+SIGTERM), verdict SIGNALED, and nothing of the program is left. The
# same with the threads in read(2) of a pipe (calls the policy does not
# check). Then --wall-time 1s ends such a run at 1 s.
source "$(dirname "$0")/../tracer_lib.sh"
box
W=$WORK
mkdir -p "$W/ok"
mkfifo "$W/ok/fifo"
cp "$PROGS/tr_threads" "$W/tr_blocked"
P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ, "$W/**"]
  write: ["/dev/null"]
  exec: ["$W/tr_blocked"]
EOP
)
# sysgate runs: it has not exited (a zombie not yet waited for has).
sg_running() {
  local st
  read -r _ _ st _ 2>/dev/null <"/proc/$SG_PID/stat" || return 1
  [ "$st" != Z ]
}

for how in "fifo $W/ok/fifo" pipe; do
  log "--- 64 threads blocked: $how"
  # shellcheck disable=SC2086 # $how is two words for fifo
  sg_bg --policy "$P" --report "$REPORT" -- "$W/tr_blocked" block 64 $how
  # sg_bg is not bounded by timeout: the watchdog ends a run that hangs.
  rm -f "$WORK/watchdog.stop"
  (for _ in $(seq 400); do [ -e "$WORK/watchdog.stop" ] && exit 0; sleep 0.1; done; kill -KILL "$SG_PID" 2>/dev/null) &
  WATCHDOG=$!
  for _ in $(seq 400); do grep -q '^ready' "$OUT" && break; sg_running || break; sleep 0.05; done
  if ! grep -qx 'ready 64' "$OUT"; then
    kill -KILL "$SG_PID" 2>/dev/null
    sg_wait
    touch "$WORK/watchdog.stop"
    wait "$WATCHDOG"
    fail "the program did not get its 64 threads to sleep inside their calls within 20 s"
    continue
  fi
  ok "64 threads sleep inside their calls"
  start=$(date +%s%N)
  kill -TERM "$SG_PID"
  while sg_running && [ $(($(date +%s%N) - start)) -lt 1000000000 ]; do sleep 0.005; done
  elapsed_ms=$((($(date +%s%N) - start) / 1000000))
  if sg_running; then
    fail "sysgate still runs 1 s after SIGTERM"
    for _ in $(seq 100); do sg_running || break; sleep 0.05; done
    kill -KILL "$SG_PID" 2>/dev/null
  else
    ok "sysgate exited $elapsed_ms ms after SIGTERM"
  fi
  sg_wait
  touch "$WORK/watchdog.stop"
  wait "$WATCHDOG"
  expect_status 143
  expect_report 'r["verdict"] == "SIGNALED" and r["signal"] == {"number": 15, "name": "SIGTERM"}'
  expect_report 'r["exit_status"] == 143 and r["error"] is None'
  expect_stdout_lacks "woke up"
  expect_no_process "$W/tr_blocked"
done

# --wall-time ends the same run, whatever the threads are doing, in time.
log "--- 64 threads blocked in checked opens, --wall-time 1s"
start=$(date +%s%N)
sg --policy "$P" --report "$REPORT" --wall-time 1s -- "$W/tr_blocked" block 64 fifo "$W/ok/fifo"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
expect_status 137
expect_report 'r["verdict"] == "WALL_TIME_LIMIT" and 1.0 <= r["wall_time_s"] < 2.0'
expect_that "sysgate returned ${elapsed_ms} ms after it started (limit 1 s)" [ "$elapsed_ms" -lt 3000 ]
expect_no_process "$W/tr_blocked"
finish
