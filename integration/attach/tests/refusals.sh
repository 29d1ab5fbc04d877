#!/bin/bash
# ctest-timeout: 120
# What `sysgate attach` refuses, and how: exit status 122 and a message that
# names the PID and the reason, the target left running untraced:
#  - a PID with no process (one that just exited): "no such process";
#  - a thread id (not the thread group leader): names the thread;
#  - a zombie: refused (the reason is only noted: sysgate passes on
#    ptrace's "Operation not permitted");
#  - a process already traced by `strace -p`: the message names strace's pid
#    (TracerPid in /proc/PID/status); the same with a second `sysgate attach`
#    while a first is attached: names the first sysgate's pid (the first then
#    detaches normally, exit 0);
#  - as root: uid 65534 (setpriv) attaching to root's process (a different
#    user's): refused, naming the permission; and uid 65534 attaching to a
#    process of its own that is not its descendant, which Yama's
#    ptrace_scope decides: allowed with 0 (or without Yama), refused naming
#    ptrace_scope with 1 or 2;
#  - as an ordinary user (attach.refusals.user): a process of another user
#    (pid 1, when it is not ours);
#  - with Yama ptrace_scope 3, any attach, naming ptrace_scope.
# And the usage errors, exit status 125: no PID, a PID that is not a number
# ("abc", "12abc"), a bad --detach-after.
source "$(dirname "$0")/../attach_lib.sh"
command -v python3 >/dev/null || skip "python3 is needed"

loop_files
P=$(allow_all_policy)
stop=$WORK/stop
start_prog loop "$PROGS/att_loop" -s "$stop" -T 100 "$A" "$D"
pid=$PROG_PID
lo=$WORK/loop.out
wait_line "$lo" '^phase who=main .* res=OK$' || { fail "att_loop did not start: $(cat "$lo")"; finish; }

# expect_refused WHAT ERE: the last att_run exited 122, its stderr names
# $target and matches ERE (case-insensitive).
expect_refused() {
  expect_status 122 "$1"
  if grep -qiE -- "$2" "$ERR" && grep -qw -- "$target" "$ERR"; then
    ok "$1: the message names $target and /$2/: $(head -c 300 "$ERR")"
  else
    fail "$1: the message should name $target and match /$2/ (case-insensitive): $(head -c 500 "$ERR")"
  fi
}

log "--- usage errors"
att_run
expect_status 125 "no PID"
att_run abc
expect_status 125 "PID abc"
att_run 12abc
expect_status 125 "PID 12abc"
att_run --policy "$P" --detach-after soon "$pid"
expect_status 125 "--detach-after soon"
expect_untraced "$pid"

if [ "$YAMA_SCOPE" = 3 ]; then
  log "--- Yama ptrace_scope 3"
  target=$pid
  att_run --policy "$P" "$pid"
  expect_refused "ptrace_scope 3" 'ptrace_scope|yama'
  expect_untraced "$pid"
  touch "$stop"
  wait_prog "$pid"
  log "the other refusals need an attach to be possible: not run (Yama ptrace_scope 3)"
  finish
fi

log "--- no such process"
sleep 0 &
gone=$!
wait "$gone"
if [ -e "/proc/$gone" ]; then log "note: pid $gone was reused at once; trying another"; sleep 0 & gone=$!; wait "$gone"; fi
target=$gone
att_run --policy "$P" "$gone"
expect_refused "no such process" 'no (such )?process|ESRCH|does not exist|not exist'

log "--- a zombie (exited, not yet reaped)"
# A child that exits at once under a parent that does not reap it.
bash -c 'sleep 0.01 & exec sleep 5' </dev/null >/dev/null 2>&1 &
zparent=$!
ATT_STARTED+=("$zparent")
zpid=
for _ in $(seq 200); do
  zpid=$(pgrep -P "$zparent" | head -1)
  [ -n "$zpid" ] && [ "$(proc_field "$zpid" State | cut -c1)" = Z ] && break
  sleep 0.01
done
if [ -n "$zpid" ] && [ "$(proc_field "$zpid" State | cut -c1)" = Z ]; then
  target=$zpid
  att_run --policy "$P" "$zpid"
  expect_refused "zombie $zpid" "$zpid"
  # The reason is not named yet (ptrace's EPERM is): a note, not a failure.
  grep -qiE 'zombie|exited|defunct' "$ERR" || log "note: the refusal of zombie $zpid does not say it has exited: $(head -c 300 "$ERR")"
else
  log "note: no zombie to try"
fi
kill -KILL "$zparent" 2>/dev/null
wait "$zparent" 2>/dev/null

log "--- a thread, not a process"
start_prog threaded "$PROGS/att_loop" -t 2 -s "$stop" -T 100 "$A" "$D"
tpid=$PROG_PID
wait_line "$WORK/threaded.out" '^phase who=t1 '
tid=
for t in /proc/"$tpid"/task/*; do
  [ "${t##*/}" != "$tpid" ] && { tid=${t##*/}; break; }
done
target=$tid
att_run --policy "$P" "$tid"
expect_refused "thread $tid of $tpid" 'thread'
expect_untraced "$tpid"

if [ "$(id -u)" != 0 ] && [ "$YAMA_SCOPE" != none ] && [ "$YAMA_SCOPE" != 0 ]; then
  log "--- Yama ptrace_scope $YAMA_SCOPE, as uid $(id -u): attaching to my own non-descendant"
  target=$pid
  att_run --policy "$P" "$pid"
  expect_refused "ptrace_scope $YAMA_SCOPE" 'ptrace_scope|yama'
  expect_untraced "$pid"
  touch "$stop"
  wait_prog "$pid"
  log "the tracer refusals need an attach to be possible: not run (Yama ptrace_scope $YAMA_SCOPE, not root)"
  finish
fi

if command -v strace >/dev/null; then
  log "--- already traced by strace -p"
  strace -o /dev/null -p "$pid" 2>"$WORK/strace.err" &
  spid=$!
  ATT_STARTED+=("$spid")
  for _ in $(seq 500); do [ "$(proc_field "$pid" TracerPid)" = "$spid" ] && break; sleep 0.01; done
  if [ "$(proc_field "$pid" TracerPid)" = "$spid" ]; then
    target=$pid
    att_run --policy "$P" "$pid"
    expect_refused "traced by strace" "$spid"
    expect_refused "traced by strace" 'trac'
    [ "$(proc_field "$pid" TracerPid)" = "$spid" ] && ok "strace still traces it" || fail "strace no longer traces $pid: TracerPid $(proc_field "$pid" TracerPid)"
  else
    fail "strace -p $pid did not attach: $(cat "$WORK/strace.err")"
  fi
  kill -TERM "$spid"
  wait "$spid"
  expect_untraced "$pid"
else
  log "note: strace is not installed: the strace case is not run"
fi

log "--- already attached by another sysgate attach"
attach_bg first --policy "$P" "$pid"
if wait_attached "$pid"; then
  first=$ATT_PID
  first_err=$ERR
  target=$pid
  att_run --policy "$P" "$pid"
  expect_refused "attached by sysgate $first" "$first"
  ERR=$first_err
  expect_traced_by "$pid" "$first"
  kill -INT "$first"
  wait_detached "$pid"
  att_wait
  expect_status 0 "the first sysgate, after SIGINT"
fi
expect_untraced "$pid"

if [ "$(id -u)" = 0 ]; then
  if command -v setpriv >/dev/null && getent passwd 65534 >/dev/null; then
    # The binaries where uid 65534 can run them, whatever the build directory is.
    bin=$WORK/bin
    mkdir -p "$bin"
    install -m 755 "$SYSGATE" "$bin/sysgate"
    install -m 755 "$PROGS/att_block" "$bin/att_block"
    chmod 755 "$WORK"
    chmod 644 "$P"
    as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --)

    log "--- uid 65534 attaching to root's process"
    target=$pid
    SG_CMD="${as_nobody[*]} $bin/sysgate attach --policy $P $pid"
    OUT=$WORK/nobody.out ERR=$WORK/nobody.err
    timeout -k 5 60 "${as_nobody[@]}" "$bin/sysgate" attach --policy "$P" "$pid" >"$OUT" 2>"$ERR" </dev/null
    RC=$?
    expect_refused "uid 65534 to root's process" 'permi|EPERM|user|uid|owner|privilege'
    expect_untraced "$pid"

    log "--- uid 65534 attaching to its own process (Yama ptrace_scope: $YAMA_SCOPE)"
    "${as_nobody[@]}" "$bin/att_block" sleep 30000 >/dev/null 2>&1 </dev/null &
    npid=$!
    ATT_STARTED+=("$npid")
    in_syscall "$npid" 35 230
    target=$npid
    SG_CMD="${as_nobody[*]} $bin/sysgate attach --policy $P --detach-after 500ms $npid"
    OUT=$WORK/nobody2.out ERR=$WORK/nobody2.err
    timeout -k 5 60 "${as_nobody[@]}" "$bin/sysgate" attach --policy "$P" --detach-after 500ms "$npid" >"$OUT" 2>"$ERR" </dev/null
    RC=$?
    case "$YAMA_SCOPE" in
      none | 0)
        expect_status 0 "uid 65534 to its own process, ptrace_scope $YAMA_SCOPE"
        expect_stderr_matches "^sysgate: attached to $npid \(1 threads?\)$"
        expect_stderr_contains "sysgate: detached from $npid"
        ;;
      *) expect_refused "uid 65534 to its own non-descendant, ptrace_scope $YAMA_SCOPE" 'ptrace_scope|yama' ;;
    esac
    expect_untraced "$npid"
    kill -KILL "$npid"
    wait "$npid" 2>/dev/null
  else
    log "note: no setpriv or no user 65534: the other-user cases are not run"
  fi
else
  uid1=$(proc_field 1 Uid | cut -f1)
  if [ -n "$uid1" ] && [ "$uid1" != "$(id -u)" ]; then
    log "--- uid $(id -u) attaching to pid 1 (uid $uid1)"
    target=1
    att_run --policy "$P" 1
    expect_refused "another user's process (pid 1)" 'permi|EPERM|user|uid|owner|privilege'
  else
    log "note: pid 1 is not another user's here: the other-user case is not run"
  fi
fi

touch "$stop"
wait_prog "$tpid"
[ "$PROG_RC" = 0 ] && ok "the threaded att_loop exited 0" || fail "the threaded att_loop exited $PROG_RC"
wait_prog "$pid"
if [ "$PROG_RC" = 0 ]; then ok "att_loop ran on unharmed and exited 0"; else fail "att_loop exited $PROG_RC: $(grep -E '^(other|end|done)' "$lo" | tr '\n' '|')"; fi
expect_that "att_loop's denied-file opens never failed (nothing was attached with a denial)" grep -qE '^end who=main .* denied_refused=0 ' "$lo"
expect_that "att_loop saw no error" grep -qE '^done threads=0 other_errors=0 bad_reads=0 ' "$lo"
finish
