#!/bin/bash
# SIGTERM to sysgate is forwarded to the program (exit 143); a program that
# ignores it is killed with its tree by a second one; nothing is left.
source "$(dirname "$0")/../lib.sh"
box
cp "$PROGS/sg_call" "$WORK/sg_sleeper"
sg_bg -- "$WORK/sg_sleeper" mark started sleep 20000
for _ in $(seq 1 100); do grep -q started "$OUT" && break; sleep 0.05; done
kill -TERM "$SG_PID"
sg_wait
expect_status 143 "the program died of the forwarded SIGTERM"
expect_no_process "$WORK/sg_sleeper"
sg_bg -- sh -c "trap '' TERM; '$WORK/sg_sleeper' mark started sleep 20000 & wait; wait"
for _ in $(seq 1 100); do grep -q started "$OUT" && break; sleep 0.05; done
kill -TERM "$SG_PID"
sleep 0.5
expect_that "sysgate still runs after one SIGTERM the program ignores" kill -0 "$SG_PID"
kill -TERM "$SG_PID"
start=$(date +%s)
sg_wait
expect_that "the second SIGTERM ended the run at once" [ $(($(date +%s) - start)) -lt 5 ]
expect_status_in 143 137
expect_no_process "$WORK/sg_sleeper"
finish
