# shellcheck shell=bash disable=SC2034  # (variables the test scripts read)
# Helpers of the attach tests (`sysgate attach PID...`): the integration
# helpers (../lib.sh: fail/ok/finish, expect_*, policy) plus starting the
# programs attached to and `sysgate attach` itself in the background, each with
# a watchdog and removed at exit, polling sysgate's stderr for its "attached"
# and "detached" lines, and reading what att_loop printed.
#
# Environment (integration/attach/CMakeLists.txt): SYSGATE, PROGS (att_loop,
# att_block), ENGINE=ptrace (attach always uses the pure-ptrace engine; lib.sh
# wants the variable). Knobs: ATTACH_MARGIN_MS (default 1500): how late after
# sysgate's "attached"/"detached" line the program may first see the change.
#
# Nothing outlives a script: every process it starts (the programs, sysgate,
# strace, the watchdogs) is killed by pid at exit.

ATT_OWN_WORK=0
[ -n "${WORK:-}" ] || ATT_OWN_WORK=1
ENGINE=${ENGINE:-ptrace}
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
TEST_NAME="attach.$(basename "$0" .sh)"
[ "$(id -u)" = 0 ] || TEST_NAME+=.user

REPORT=$WORK/report.json
MARGIN_NS=$((${ATTACH_MARGIN_MS:-1500} * 1000000))
ATT_STARTED=()  # pids killed at exit

attach_cleanup() {
  local p
  for p in "${ATT_STARTED[@]}"; do kill -KILL "$p" 2>/dev/null; done
  for p in "${ATT_STARTED[@]}"; do wait "$p" 2>/dev/null; done
  ATT_STARTED=()
}
if [ "$ATT_OWN_WORK" = 1 ]; then
  trap 'attach_cleanup; rm -rf "$WORK"' EXIT
else
  trap 'attach_cleanup' EXIT
fi

# now_ns: CLOCK_REALTIME in nanoseconds (att_loop stamps its opens with it).
now_ns() {
  local t=$EPOCHREALTIME
  printf '%s\n' "$((10#${t/./} * 1000))"
}

skip() {
  log "skip: $*"
  exit 77
}

# The Yama LSM's ptrace_scope (0-3), or "none" without Yama.
YAMA_SCOPE=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo none)

# require_attach: skip unless this user may attach to a process of its own
# that is not its descendant (what every test here does).
require_attach() {
  case "$YAMA_SCOPE" in
    3) skip "Yama ptrace_scope is 3 (/proc/sys/kernel/yama/ptrace_scope): no process may attach to another, not even root's" ;;
    1 | 2)
      if [ "$(id -u)" != 0 ]; then
        skip "Yama ptrace_scope is $YAMA_SCOPE: as uid $(id -u), attaching to a process that is not one's descendant is refused (needs ptrace_scope 0 or CAP_SYS_PTRACE)"
      fi
      ;;
  esac
  command -v python3 >/dev/null || skip "python3 is needed to read the JSON reports"
}

# allow_all_policy: the path of a policy that allows every call.
allow_all_policy() {
  policy allow.yaml <<'EOP'
version: 1
default: allow
EOP
}

# loop_files: A and D, two small files for att_loop to open and read
# (allowed.txt "allowed", other.txt "other").
loop_files() {
  A=$WORK/allowed.txt
  D=$WORK/other.txt
  echo allowed >"$A"
  echo other >"$D"
}

# start_prog NAME CMD...: CMD in the background, stdout $WORK/NAME.out, stderr
# $WORK/NAME.err, stdin /dev/null; PROG_PID is its pid (a child of this shell:
# `wait` gives its status).
start_prog() {
  local name=$1
  shift
  "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" </dev/null &
  PROG_PID=$!
  ATT_STARTED+=("$PROG_PID")
}

# wait_prog PID [SECONDS]: waits for a program of start_prog (30 s by
# default; then it is killed and the status is 124); PROG_RC is its status.
wait_prog() {
  local pid=$1 i
  for ((i = 0; i < ${2:-30} * 20; i++)); do
    if [ "$(proc_field "$pid" State | cut -c1)" = Z ] || ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid"
      PROG_RC=$?
      return 0
    fi
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  PROG_RC=124
  fail "pid $pid did not end within ${2:-30} s (killed)"
}

# attach_bg NAME ARGS...: `sysgate attach ARGS...` in the background with
# SIGINT/SIGTERM/SIGHUP at their defaults (a background job of a script
# ignores SIGINT otherwise); stdout $WORK/NAME.out, stderr $WORK/NAME.err,
# which become $OUT and $ERR (lib.sh's expect_std*). ATT_PID is sysgate's
# pid. A watchdog kills it after ATT_TIMEOUT seconds (default 60).
attach_bg() {
  local name=$1
  shift
  OUT=$WORK/$name.out
  ERR=$WORK/$name.err
  ATT_NAME=$name
  SG_CMD="$SYSGATE attach $*"
  : >"$OUT"
  : >"$ERR"
  rm -f "$WORK/$name.timedout"
  env --default-signal=INT,TERM,HUP "$SYSGATE" attach "$@" >"$OUT" 2>"$ERR" </dev/null &
  ATT_PID=$!
  ATT_STARTED+=("$ATT_PID")
  local pid=$ATT_PID limit=${ATT_TIMEOUT:-60} mark=$WORK/$name.timedout
  (
    end=$((SECONDS + limit))
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$SECONDS" -ge "$end" ]; then
        touch "$mark"
        attach_hang_dump "$pid" >"$WORK/$name.hang" 2>&1
        kill -KILL "$pid" 2>/dev/null
        exit 0
      fi
      sleep 0.2
    done
  ) >/dev/null 2>&1 </dev/null &
  ATT_WATCHDOG=$!
  ATT_STARTED+=("$ATT_WATCHDOG")
}

# attach_hang_dump PID: where sysgate PID and every task it traces are, for
# a hang's failure message: each one's state, tracer, kernel wait channel and
# current call (/proc/TID/syscall).
attach_hang_dump() {
  local t tid
  for t in /proc/"$1"/task/*; do
    echo "sysgate task ${t##*/}: $(proc_field "$1/task/${t##*/}" State) wchan=$(cat "$t/wchan" 2>/dev/null) syscall=$(cat "$t/syscall" 2>/dev/null) sigpnd=$(proc_field "$1/task/${t##*/}" SigPnd) shdpnd=$(proc_field "$1/task/${t##*/}" ShdPnd) sigblk=$(proc_field "$1/task/${t##*/}" SigBlk)"
  done
  for t in /proc/[0-9]*/task/[0-9]*; do
    [ "$(proc_field "${t#/proc/}" TracerPid 2>/dev/null)" = "$1" ] || continue
    tid=${t##*/}
    echo "traced $tid: $(proc_field "${t#/proc/}" State) wchan=$(cat "$t/wchan" 2>/dev/null) syscall=$(cat "$t/syscall" 2>/dev/null) sigpnd=$(proc_field "${t#/proc/}" SigPnd) shdpnd=$(proc_field "${t#/proc/}" ShdPnd)"
  done
}

# att_wait: waits for the sysgate of the last attach_bg; RC is its exit
# status (124 when the watchdog had to kill it, which is a failure).
att_wait() {
  wait "$ATT_PID"
  RC=$?
  kill -KILL "$ATT_WATCHDOG" 2>/dev/null
  wait "$ATT_WATCHDOG" 2>/dev/null
  if [ -e "$WORK/$ATT_NAME.timedout" ]; then
    RC=124
    fail "sysgate attach did not end within ${ATT_TIMEOUT:-60} s (killed by the watchdog); its tasks and tracees then: $(tr '\n' '|' <"$WORK/$ATT_NAME.hang" 2>/dev/null)"
  fi
}

# att_run ARGS...: `sysgate attach ARGS...` in the foreground (bounded); RC.
att_run() {
  SG_CMD="$SYSGATE attach $*"
  OUT=$WORK/att_run.out
  ERR=$WORK/att_run.err
  timeout -k 5 "${ATT_TIMEOUT:-60}" env --default-signal=INT,TERM,HUP "$SYSGATE" attach "$@" >"$OUT" 2>"$ERR" </dev/null
  RC=$?
}

# att_running: the sysgate of the last attach_bg has not exited.
att_running() {
  local st
  [ -r "/proc/$ATT_PID/stat" ] || return 1
  st=$(proc_field "$ATT_PID" State | cut -c1)
  [ -n "$st" ] && [ "$st" != Z ]
}

# wait_line FILE ERE [SECONDS]: until a line of FILE matches ERE (10 s).
wait_line() {
  local i
  for ((i = 0; i < ${3:-10} * 100; i++)); do
    grep -qE -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.01
  done
  return 1
}

# wait_attached PID [SECONDS]: until $ERR has "sysgate: attached to PID (N
# threads)" (20 s by default; sooner false if sysgate exits first). Sets
# ATTACHED_NS (when this shell saw it) and ATTACHED_THREADS (N). On failure it
# fails the test and returns 1.
wait_attached() {
  local pid=$1 i line
  for ((i = 0; i < ${2:-20} * 200; i++)); do
    line=$(grep -m1 -E "^sysgate: attached to $pid \([0-9]+ threads?\)$" "$ERR" 2>/dev/null)
    if [ -n "$line" ]; then
      ATTACHED_NS=$(now_ns)
      ATTACHED_THREADS=$(sed -E 's/.*\(([0-9]+) threads?\)$/\1/' <<<"$line")
      ok "sysgate says: $line"
      return 0
    fi
    if ! att_running && [ "$i" -gt 0 ]; then
      grep -qE "^sysgate: attached to $pid " "$ERR" 2>/dev/null && continue
      fail "sysgate ended before its 'attached to $pid' line"
      return 1
    fi
    sleep 0.005
  done
  fail "no 'sysgate: attached to $pid (N threads)' line within ${2:-20} s"
  return 1
}

# wait_detached PID [SECONDS]: until $ERR has "sysgate: detached from PID"
# (20 s). Sets DETACHED_NS. Fails the test and returns 1 otherwise.
wait_detached() {
  local pid=$1 i
  for ((i = 0; i < ${2:-20} * 200; i++)); do
    if grep -qxF "sysgate: detached from $pid" "$ERR" 2>/dev/null; then
      DETACHED_NS=$(now_ns)
      ok "sysgate says: sysgate: detached from $pid"
      return 0
    fi
    if ! att_running && [ "$i" -gt 0 ]; then
      grep -qxF "sysgate: detached from $pid" "$ERR" 2>/dev/null && continue
      fail "sysgate ended without a 'detached from $pid' line"
      return 1
    fi
    sleep 0.005
  done
  fail "no 'sysgate: detached from $pid' line within ${2:-20} s"
  return 1
}

# proc_field PID FIELD: a field of /proc/PID/status ("State", "TracerPid").
proc_field() {
  local k v status
  status=$(cat "/proc/$1/status" 2>/dev/null) || return 1
  while IFS=$'\t' read -r k v; do
    if [ "$k" = "$2:" ]; then
      printf '%s\n' "$v"
      return 0
    fi
  done <<<"$status"
  return 1
}

# expect_traced_by PID TRACER: every thread of PID has TracerPid TRACER.
expect_traced_by() {
  local t bad=""
  for t in /proc/"$1"/task/*; do
    [ "$(proc_field "$1/task/${t##*/}" TracerPid)" = "$2" ] || bad+=" ${t##*/}:$(proc_field "$1/task/${t##*/}" TracerPid)"
  done
  if [ -z "$bad" ]; then ok "every thread of $1 is traced by $2"; else fail "threads of $1 not traced by $2 (tid:TracerPid):$bad"; fi
}

# expect_untraced PID: no thread of PID is traced, stopped or in a tracing
# stop (given up to 1 s to settle after sysgate has gone).
expect_untraced() {
  local pid=$1 i t bad
  for ((i = 0; i < 20; i++)); do
    bad=""
    for t in /proc/"$pid"/task/*; do
      local tid=${t##*/} st tr
      st=$(proc_field "$pid/task/$tid" State)
      tr=$(proc_field "$pid/task/$tid" TracerPid)
      case "$st" in
        T* | t*) bad+=" $tid:'$st'" ;;
      esac
      [ "${tr:-0}" = 0 ] || bad+=" $tid:TracerPid=$tr"
    done
    [ -z "$bad" ] && break
    sleep 0.05
  done
  if [ -z "$bad" ]; then ok "$pid and its threads run untraced"; else fail "$pid is left traced or stopped:$bad"; fi
}

# expect_report PYTHON-EXPR [FILE]: true with `r` bound to the JSON report.
expect_report() {
  local out file=${2:-$REPORT}
  if out=$(python3 -S - "$file" "$1" 2>&1 <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
v = eval(sys.argv[2], {"r": r, "re": re, "json": json})
sys.exit(0 if v is True else 1)
PY
  ); then ok "report: $1"; else
    fail "report: $1 ${out:+($out)} (report: $(head -c 1500 "$file" 2>/dev/null || echo none))"
  fi
}

# field KEY FILE [WHO]: the value of KEY=VALUE on the "end who=WHO" line of
# att_loop's output (WHO unset: the "done" line).
field() {
  local line
  if [ -n "${3:-}" ]; then
    line=$(grep -m1 "^end who=$3 " "$2")
  else
    line=$(grep -m1 "^done " "$2")
  fi
  grep -oE "(^| )$1=[^ ]*" <<<"$line" | head -1 | sed 's/^ //; s/^[^=]*=//'
}

# expect_end FILE WHO CONTENT: WHO's end line: no other error, every read
# right, the file's checksum CONTENT (as a native run read it).
expect_end() {
  local f=$1 who=$2 want=$3 line
  line=$(grep -m1 "^end who=$who " "$f")
  if [ -z "$line" ]; then
    fail "$who printed no end line (output: $(tail -5 "$f" | tr '\n' '|'))"
    return
  fi
  if [ "$(field other_errors "$f" "$who")" = 0 ] && [ "$(field bad_reads "$f" "$who")" = 0 ] &&
    [ "$(field content "$f" "$who")" = "$want" ] && [ "$(field reads "$f" "$who")" = "$(field iters "$f" "$who")" ]; then
    ok "$who: no other error, $(field reads "$f" "$who") reads all with checksum $want"
  else
    fail "$who: expected other_errors=0 bad_reads=0 reads=iters content=$want: $line; $(grep "^other who=$who " "$f" | head -5 | tr '\n' '|')"
  fi
}

# expect_phases FILE WHO FIRST [RES:NS]...: the results att_loop's worker WHO
# saw from its DENIED open are exactly FIRST, then each RES in turn; a RES
# must begin after the event seen at NS (this shell's clock when it saw
# sysgate's line): no open stamped after NS may still give the result before
# (strict), and the first open with RES must come within ATTACH_MARGIN_MS of
# NS. NS "-" skips the timing checks of that change.
expect_phases() {
  local f=$1 who=$2 first=$3
  shift 3
  local got want="$first" spec
  for spec in "$@"; do want+=" ${spec%%:*}"; done
  got=$(awk -v w="$who" '$1 == "phase" && $2 == "who=" w { sub(/^res=/, "", $6); printf "%s%s", sep, $6; sep = " " }' "$f")
  if [ "$got" != "$want" ]; then
    fail "$who saw '$got' from its denied opens, expected '$want' ($(grep "^phase who=$who " "$f" | head -8 | tr '\n' '|'))"
    return
  fi
  ok "$who saw $want, in that order"
  local n=1 line t prev_t res ns
  for spec in "$@"; do
    n=$((n + 1))
    res=${spec%%:*}
    ns=${spec#*:}
    [ "$ns" = - ] && continue
    line=$(grep "^phase who=$who " "$f" | sed -n "${n}p")
    t=$(sed -E 's/.* t=([0-9]+) .*/\1/' <<<"$line")
    prev_t=$(sed -E 's/.* prev_t=([0-9]+) .*/\1/' <<<"$line")
    if [ "$prev_t" -gt "$ns" ]; then
      fail "$who: an open made $(((prev_t - ns) / 1000000)) ms after sysgate's line was seen still gave the old result (before $res): $line"
    else
      ok "$who: no open after sysgate's line gave the old result"
    fi
    if [ "$t" -gt $((ns + MARGIN_NS)) ]; then
      fail "$who: the first $res came $(((t - ns) / 1000000)) ms after sysgate's line (margin ${ATTACH_MARGIN_MS:-1500} ms): $line"
    else
      ok "$who: $res within $(((t > ns ? t - ns : 0) / 1000000)) ms of sysgate's line"
    fi
  done
}

# native_content FILE: the checksum att_loop computes for FILE natively.
native_content() {
  "$PROGS/att_loop" -n 3 -i 0 "$1" /dev/null >"$WORK/native_content.out" 2>&1 </dev/null
  field content "$WORK/native_content.out" main
}

# in_syscall PID NRS... [SECONDS]: until the thread PID sleeps inside one of
# the system calls numbered NRS (/proc/PID/syscall), 10 s at most.
in_syscall() {
  local pid=$1 i nr
  shift
  for ((i = 0; i < 1000; i++)); do
    read -r nr _ <"/proc/$pid/syscall" 2>/dev/null
    for n in "$@"; do
      if [ "$nr" = "$n" ] && [ "$(proc_field "$pid" State | cut -c1)" = S ]; then return 0; fi
    done
    sleep 0.01
  done
  return 1
}
