#!/bin/bash
# ctest-timeout: 300
# A SIGINT that reaches `sysgate attach` while it is still starting (loading
# the policy, seizing the threads) is not lost: 60 times, SIGINT is sent
# 0-15 ms after sysgate began to run (its exec) on a busy 3-thread att_loop,
# under the shipped default policy (whose loading makes the start long
# enough to be hit: the old code lost such a signal in one of about 15). Each time
# sysgate ends by itself within 10 s: exit 0 with "detached from PID" (the
# signal taken as soon as it supervises, or when it already did), or 130
# when the signal came before sysgate set up its signal handling (the
# default action). Never a sysgate that keeps supervising; the process is
# untraced and running after each.
source "$(dirname "$0")/../attach_lib.sh"
require_attach

loop_files
P=$(allow_all_policy)
start_prog loop "$PROGS/att_loop" -t 3 -i 0 -T 600 "$A" "$D"
pid=$PROG_PID
wait_line "$WORK/loop.out" '^phase who=t2 ' || { fail "att_loop did not start: $(cat "$WORK/loop.out")"; finish; }

ATT_TIMEOUT=10
detached=0
killed=0
bad=0
for ((c = 1; c <= 60; c++)); do
  attach_bg early --policy default "$pid"
  # Not before sysgate runs: until env has exec'd it, SIGINT is still
  # ignored as in any background job of a script.
  for ((i = 0; i < 100000; i++)); do
    comm=
    read -r comm <"/proc/$ATT_PID/comm" 2>/dev/null
    [ "$comm" = sysgate ] && break
  done
  sleep "0.0$(printf '%02d' $((RANDOM % 16)))"
  kill -INT "$ATT_PID" 2>/dev/null
  att_wait
  case "$RC" in
    0) grep -qxF "sysgate: detached from $pid" "$ERR" && detached=$((detached + 1)) || { bad=$((bad + 1)); fail "cycle $c: exit 0 without 'detached from $pid': $(head -c 300 "$ERR")"; } ;;
    130) killed=$((killed + 1)) ;;
    *) bad=$((bad + 1)); [ "$bad" -le 3 ] && fail "cycle $c: sysgate exited $RC: $(head -c 300 "$ERR")" ;;
  esac
  for t in /proc/"$pid"/task/*; do
    tr=$(proc_field "$pid/task/${t##*/}" TracerPid)
    if [ "${tr:-0}" != 0 ]; then
      bad=$((bad + 1))
      fail "cycle $c: thread ${t##*/} still traced by $tr"
      break
    fi
  done
  [ "$bad" -gt 5 ] && break
done
if [ "$bad" = 0 ]; then ok "60 early SIGINTs: $detached detached, $killed before sysgate handled signals (130), none lost"; else
  fail "$bad of $((c - 1)) early SIGINTs went wrong"
fi
expect_untraced "$pid"
kill -KILL "$pid" 2>/dev/null
finish
