#!/bin/bash
# ctest-timeout: 600
# Attach and detach, over and over, on a busy process: att_loop with 4
# threads opening, reading (and checksumming) a file and opening a denied one
# as fast as they can (5 threads in all). ATTACH_CYCLES cycles (100 by
# default; 1000 for the full run): odd cycles `--detach-after 1ms..40ms`,
# even ones SIGINT as soon as the attached line is out (or after a few ms).
# Every cycle: sysgate says "attached to PID (5 threads)" and "detached from
# PID" and exits 0, and the process is left running untraced (no thread
# stopped). At the end the process finishes its work by itself: no call
# failed other than the denied open (which only ever saw OK or EACCES), every
# read had the file's bytes, and each thread's running checksum over all its
# reads equals that of the same number of reads of the file's bytes.
#   ATTACH_CYCLES=1000 ctest -R 'attach.detach_load$' --output-on-failure
source "$(dirname "$0")/../attach_lib.sh"
require_attach

# The ASan pass (a reduced SYSGATE_STRESS_SCALE) makes a fifth, as the other
# stress tests do.
CYCLES=${ATTACH_CYCLES:-$((100 * ${SYSGATE_STRESS_SCALE:-20000} / 20000))}
[ "$CYCLES" -ge 10 ] || CYCLES=10
A=$WORK/allowed.bin
D=$WORK/denied.txt
head -c 1000 /dev/urandom >"$A"
echo "not secret" >"$D"
P=$(policy deny.yaml <<EOP
version: 1
default: allow
rules:
  - syscalls: [openat, open]
    args: {path: {eq: "$D"}}
    action: {deny: EACCES}
EOP
)
CONTENT=$(native_content "$A")
[ -n "$CONTENT" ] || { fail "att_loop does not run natively: $(cat "$WORK/native_content.out")"; finish; }

stop=$WORK/stop
start_prog loop "$PROGS/att_loop" -t 4 -i 0 -s "$stop" -T 3000 "$A" "$D"
pid=$PROG_PID
lo=$WORK/loop.out
for i in 0 1 2 3; do
  wait_line "$lo" "^phase who=t$i " || { fail "att_loop did not start: $(cat "$lo")"; finish; }
done

bad_cycles=0
cycle_fail() {
  bad_cycles=$((bad_cycles + 1))
  if [ "$bad_cycles" -le 5 ]; then
    fail "cycle $c ($how): $*"
  fi
}
t0=$SECONDS
for ((c = 1; c <= CYCLES; c++)); do
  if ((c % 2)); then
    how="--detach-after $((1 + RANDOM % 40))ms"
    # shellcheck disable=SC2086
    attach_bg cycle --policy "$P" $how "$pid"
  else
    how="SIGINT"
    attach_bg cycle --policy "$P" "$pid"
    for ((i = 0; i < 4000; i++)); do
      grep -q "^sysgate: attached to $pid " "$ERR" 2>/dev/null && break
      att_running || break
      sleep 0.005
    done
    ((c % 4 == 0)) && sleep "0.00$((RANDOM % 10))"
    kill -INT "$ATT_PID" 2>/dev/null
  fi
  att_wait
  if [ "$RC" != 0 ]; then
    cycle_fail "sysgate exited $RC: $(head -c 600 "$ERR")"
  elif ! grep -qxE "sysgate: attached to $pid \(5 threads\)" "$ERR" || ! grep -qxF "sysgate: detached from $pid" "$ERR"; then
    cycle_fail "stderr lacks 'attached to $pid (5 threads)' or 'detached from $pid': $(head -c 600 "$ERR")"
  fi
  # Nothing left traced or stopped.
  for t in /proc/"$pid"/task/*; do
    st=$(proc_field "$pid/task/${t##*/}" State)
    tr=$(proc_field "$pid/task/${t##*/}" TracerPid)
    case "$st" in
      T* | t*)
        sleep 0.2
        st=$(proc_field "$pid/task/${t##*/}" State)
        case "$st" in T* | t*) cycle_fail "thread ${t##*/} left '$st' after sysgate exited" ;; esac
        ;;
    esac
    [ "${tr:-0}" = 0 ] || cycle_fail "thread ${t##*/} still traced by $tr after sysgate exited"
  done
  if [ "$(proc_field "$pid" State | cut -c1)" = Z ] || ! kill -0 "$pid" 2>/dev/null; then
    fail "att_loop ended during cycle $c: $(grep -E '^(other|end|done|gave_up)' "$lo" | head -10 | tr '\n' '|')"
    break
  fi
  if [ "$bad_cycles" -gt 20 ]; then
    fail "more than 20 bad cycles; stopping at cycle $c"
    break
  fi
done
elapsed=$((SECONDS - t0))
if [ "$bad_cycles" = 0 ]; then ok "$((c - 1)) attach/detach cycles in $elapsed s, each clean"; else fail "$bad_cycles of $((c - 1)) cycles went wrong (the first 5 above)"; fi

touch "$stop"
wait_prog "$pid" 60
if [ "$PROG_RC" = 0 ]; then ok "att_loop finished its work and exited 0"; else fail "att_loop exited $PROG_RC: $(grep -E '^(other|end|done|gave_up)' "$lo" | head -20 | tr '\n' '|')"; fi
results=$(awk '$1 == "phase" { sub(/^res=/, "", $6); print $6 }' "$lo" | sort -u | tr '\n' ' ')
if [ "$results" = "EACCES OK " ]; then ok "the denied opens only ever saw OK and EACCES"; else fail "the denied opens saw: $results"; fi
for i in 0 1 2 3; do
  expect_end "$lo" "t$i" "$CONTENT"
  n=$(field iters "$lo" "t$i")
  [ -n "$n" ] || continue
  # What the same number of reads of the file's bytes gives, computed in memory.
  "$PROGS/att_loop" -R "$n" "$A" "$D" >"$WORK/replay.$i.out" 2>&1 </dev/null
  want=$(sed -nE 's/^replay n=[0-9]+ total=([0-9a-f]+)$/\1/p' "$WORK/replay.$i.out")
  got=$(field total "$lo" "t$i")
  if [ -n "$want" ] && [ "$want" = "$got" ]; then ok "t$i: running checksum of $n iterations $got, as computed from the file"; else
    fail "t$i: running checksum over $n iterations $got, computed from the file '$want'"
  fi
  refused=$(field denied_refused "$lo" "t$i")
  [ "${refused:-0}" -gt 0 ] && ok "t$i: $refused denied opens refused while attached" || fail "t$i: no open was ever refused: $(grep "^end who=t$i " "$lo")"
done
finish
