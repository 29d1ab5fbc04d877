#!/bin/bash
# Signals handled exactly: SIGUSR1 x5 and SIGTERM x3 from a child, SIGSTOP and
# SIGCONT from the child (no progress while stopped), SIGCHLD; then the test
# stops and continues the program from outside and checks it really stopped.
source "$(dirname "$0")/../lib.sh"
for pol in default allow-all; do
  if [ $pol = default ]; then popt=(); else popt=(--policy "$POLICIES/allow-all.yaml"); fi
  sg "${popt[@]}" -- "$PROGS/sg_signals"
  expect_status 0
  expect_stdout_contains "usr1=5 term=3 chld=1 cont=1 usr2=0 stopped_ok=1 resumed_ok=1 child_ok=1"
  # A child that stops itself: its parent sees the stop and the continue.
  sg "${popt[@]}" -- "$PROGS/sg_signals" childstop
  expect_status 0
  expect_stdout_equals "$(printf 'childstop: stopped\nchildstop: continued\nchildstop: exited 5')"
done

utime() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null; }
state() { awk '{print $3}' "/proc/$1/stat" 2>/dev/null; }
sg_bg -- "$PROGS/sg_signals" external
for _ in $(seq 1 200); do grep -q '^ready' "$OUT" 2>/dev/null && break; sleep 0.05; done
PID=$(sed -n 's/^ready //p' "$OUT")
if [ -z "$PID" ]; then
  fail "the program never said ready"
  kill -KILL "$SG_PID" 2>/dev/null
else
  kill -STOP "$PID"
  sleep 0.3
  st=$(state "$PID")
  t1=$(utime "$PID")
  sleep 0.5
  t2=$(utime "$PID")
  expect_that "stopped by SIGSTOP (state $st)" grep -qx '[Tt]' <<<"$st"
  expect_that "no cpu time while stopped ($t1 -> $t2)" [ "$t1" = "$t2" ]
  kill -CONT "$PID"
  sleep 0.5
  t3=$(utime "$PID")
  expect_that "runs again after SIGCONT ($t2 -> $t3)" [ "$t3" -gt "$t2" ]
  kill -USR2 "$PID"
fi
sg_wait
expect_status 0
expect_stdout_contains "usr1=5 term=3 chld=1 cont=2 usr2=1 stopped_ok=1 resumed_ok=1 child_ok=1"
finish
