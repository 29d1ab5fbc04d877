#!/bin/bash
# ctest-timeout: 300
# Stress: stress-ng stressors of the classes that exercise processes, signals,
# threads, memory and files, each for a bounded time (stress-ng --timeout),
# natively and under sysgate twice: with an allow-all policy (every call
# decided in the kernel) and with a filesystem section (every path call
# checked by the supervisor, a deny entry masked). sysgate must end by itself
# (no hang: every run is under `timeout`), must not crash (its verdict is OK
# or NONZERO_EXIT with the program's status, never INTERNAL_ERROR or a
# signal), and every stressor must pass, fail or be skipped as it does
# natively (stress-ng's exit status, and per stressor its "fail:" and
# "skipping" lines and its metrics line).
#
# Needs the Debian package stress-ng (scripts/install-deps.sh --tests); skips without
# it. In CI one stress-ng runs all stressors of a class at once (1 instance
# each, --timeout 1s): 5 classes x 3 runs. bench/stress.sh runs the long
# lists one stressor per stress-ng with longer timeouts and prints the table:
#   SNG_SECONDS=N    stress-ng --timeout of every run (default 1)
#   SNG_EACH=1       one stress-ng run per stressor (default: one per class)
#   SNG_LONG=1       the long lists as well (stressors too slow for CI)
#   SNG_BY_DESIGN=1  also run the stressors sysgate refuses by design (below);
#                    their results are shown, not asserted
#   SNG_TABLE=FILE   append one line per stressor:
#                    "class|stressor|native|allow-all|filesystem" (each
#                    "outcome ops", outcome ran/fail/skip/none)
#
# Not run in CI, and why (SNG_BY_DESIGN=1 runs them for the table):
#   ptrace       the program is traced by sysgate already and the built-in
#                rule sysgate:no-ptrace refuses ptrace: stress-ng skips it
#   vm-segv      its child calls ptrace(PTRACE_TRACEME), which is refused,
#                then stops itself with SIGSTOP; stress-ng never continues it
#                and waits forever. The same hang natively under `strace -f`
#                (a traced child cannot TRACEME): stress-ng's, not sysgate's
#   vm-rw        process_vm_writev is refused by the built-in rule
#                sysgate:no-process-vm-writev: stress-ng reports "fail"
#   userfaultfd  the program runs without capabilities and
#                vm.unprivileged_userfaultfd is 0: stress-ng skips it
#   io-uring     with a filesystem section io_uring_setup is refused
#                (sysgate:no-io-uring: io_uring would open paths unchecked):
#                stress-ng reports "fail"; allow-all runs it
# Left out altogether: stressors needing capabilities the sandboxed program
# never has (chroot, bind-mount, cap, mlock beyond RLIMIT_MEMLOCK, rt
# scheduling: schedpolicy, nice below 0, fanotify, quota, swap, reboot),
# hardware and network classes, and mmapfork, which natively takes 30 s to
# wind down after a 1 s run.
source "$(dirname "$0")/../lib.sh"

if ! command -v stress-ng >/dev/null 2>&1; then
  log "skip: stress-ng is not installed (Debian package stress-ng; scripts/install-deps.sh --tests installs it)"
  exit 77
fi

SNG_SECONDS=${SNG_SECONDS:-1}
SNG_EACH=${SNG_EACH:-0}
SNG_LONG=${SNG_LONG:-0}
SNG_BY_DESIGN=${SNG_BY_DESIGN:-0}
SNG_TABLE=${SNG_TABLE:-}
# A run that takes this long hangs: stress-ng's own timeout plus generous room
# for winding down hundreds of children under the ptrace engine.
SG_TIMEOUT=$((SNG_SECONDS + 60))

declare -A CLASS_LIST=(
  [processes]="fork vfork clone exec spawn wait zombie exit-group session"
  [signals]="kill sigq sigsegv sigfpe sigchld sigpipe sigrt sigsuspend sigabrt"
  [threads]="pthread futex mutex"
  [memory]="mmap malloc brk mremap mprotect madvise memfd"
  [files]="open dir dentry rename symlink link fstat chmod getdent dup flock"
)
declare -A CLASS_LONG=(
  [processes]="vforkmany daemon forkheavy"
  [signals]="sigpending signal sigtrap sigfd sigio signest itimer alarm timer"
  [threads]=""
  [memory]="vm stack munmap msync mincore remap"
  [files]="access chdir filename touch utime fcntl lockf fallocate io readahead seek sync-file xattr inotify dnotify mknod chown"
)
BY_DESIGN="ptrace vm-segv vm-rw userfaultfd io-uring"
CLASSES="processes signals threads memory files"

# Sizes kept small: several runs may share the machine with other tests.
SIZES=(--vm-bytes 32M --mmap-bytes 32M --mremap-bytes 32M --memfd-bytes 16M --malloc-max 4096
       --fallocate-bytes 16M --stack-fill)

RUN=$WORK/run
mkdir -p "$RUN"
cd "$RUN" || exit 1

FS_POLICY=$(policy stress-fs.yaml <<'EOF'
# allow-all plus a filesystem section: every path call is checked by the
# supervisor; stress-ng's own files are under the working directory.
version: 1
name: stress-fs
abi: [x86_64]
default: allow
filesystem:
  read: ["/**"]
  exec: ["/usr/**", "/proc/self/exe"]
  write: ["${CWD}/**", /dev/null, /dev/zero, "/dev/shm/**", "/tmp/**"]
  deny: [/etc/shadow]
EOF
)

# outcome FILE NAME: "ran OPS", "fail", "skip" or "none" for stressor NAME in
# stress-ng's output FILE.
outcome() {
  local f=$1 n=$2 ops
  if grep -qE "^stress-ng: fail: +\[[0-9]+\] $n:|\($n\) terminated with an error, exit status=2" "$f"; then
    echo fail
    return
  fi
  if grep -qE "^stress-ng: [a-z]+: +\[[0-9]+\] ($n:|$n stressor).*(skipping|skipped|not implemented|not supported)|\($n\) terminated with an error, exit status=[34]" "$f"; then
    echo skip
    return
  fi
  ops=$(sed -nE "s/^stress-ng: metrc: +\[[0-9]+\] $n +([0-9]+) .*/\1/p" "$f" | head -1)
  if [ -n "$ops" ]; then echo "ran $ops"; else echo none; fi
}

# Under the ptrace engine every call stops twice, and several stressors of a
# class share 2 CPUs with the supervisor: stress-ng's own timing-bound checks
# then differ from native at random (a vm worker "aborted early, out of system
# resources" where its parent gives up on it, signal stressors ending before
# their metrics line; each passes when run alone). There sysgate must still end
# by itself with a consistent verdict, and stress-ng's outcomes are recorded,
# not compared.
# The same under the instrumented (ASan) supervisor of CI's second pass, whose
# stops are several times slower (it runs with a reduced SYSGATE_STRESS_SCALE).
# vm is in the long list for that reason: its worker gives up ("aborted
# early") whenever the supervisor is slow to answer, under either engine.
STRICT=1
[ "$ENGINE" = ptrace ] && STRICT=0
[ "${SYSGATE_STRESS_SCALE:-20000}" -lt 20000 ] && STRICT=0

# stress MODE STRESSORS...: one stress-ng run with STRESSORS, natively
# (MODE native) or under sysgate (allow, fs). Output in $WORK/MODE.out, exit
# status in RC (and the report in $WORK/MODE.json).
stress() {
  local mode=$1
  shift
  local args=() s
  for s in "$@"; do args+=("--$s" 1); done
  # Its messages go to a file of their own: under sysgate they would share
  # stderr with sysgate's lines.
  args+=(--timeout "${SNG_SECONDS}s" --metrics-brief --temp-path "$RUN" --log-file "$RUN/stress-ng.log"
         "${SIZES[@]}")
  rm -rf "$RUN"/tmp-stress-ng-* "$RUN/stress-ng.log" "$WORK/$mode.json"
  case $mode in
    native)
      SG_CMD="stress-ng ${args[*]}"
      timeout -k 5 "$SG_TIMEOUT" stress-ng "${args[@]}" >/dev/null 2>&1 </dev/null
      RC=$?
      cp "$RUN/stress-ng.log" "$WORK/$mode.out" 2>/dev/null || : >"$WORK/$mode.out" ;;
    allow | fs)
      local pol=$POLICIES/allow-all.yaml
      [ "$mode" = fs ] && pol=$FS_POLICY
      sg --policy "$pol" --report "$WORK/$mode.json" -- stress-ng "${args[@]}"
      { cat "$RUN/stress-ng.log" 2>/dev/null; grep '^sysgate' "$ERR"; } >"$WORK/$mode.out" ;;
  esac
}

# verdict_ok MODE: the sysgate run of MODE ended by itself, with the
# program's status and the verdict that goes with it.
verdict_ok() {
  local mode=$1 what=$2
  if [ "$RC" = 124 ] || [ "$RC" = 137 ]; then
    fail "$what under $mode: sysgate did not finish within $SG_TIMEOUT s (status $RC)"
    return 1
  fi
  local v
  v=$(python3 -S -c 'import json, sys; r = json.load(open(sys.argv[1])); print(r["verdict"], r["exit_code"], r["signal"])' \
      "$WORK/$mode.json" 2>&1)
  case "$RC:$v" in
    "0:OK 0 None") ok "$what under $mode: sysgate ended, verdict OK" ;;
    [1-9]:"NONZERO_EXIT $RC None") ok "$what under $mode: sysgate ended, verdict NONZERO_EXIT $RC" ;;
    *) fail "$what under $mode: status $RC, report: $v"; return 1 ;;
  esac
}

# compare WHAT STRESSORS...: native vs allow-all vs filesystem section.
# ASSERT=0 only records (the by-design stressors).
compare() {
  local what=$1 cls=$2 assert=$3
  shift 3
  local native_rc mode s n a f
  stress native "$@"
  native_rc=$RC
  cp "$WORK/native.out" "$WORK/native.saved"
  if [ "$native_rc" = 124 ] || [ "$native_rc" = 137 ]; then
    log "note: $what did not end natively within $SG_TIMEOUT s; not compared"
    return
  fi
  for mode in allow fs; do
    stress "$mode" "$@"
    cp "$WORK/$mode.out" "$WORK/$mode.saved"
    local sg_rc=$RC
    if [ "$assert" = 1 ]; then
      verdict_ok "$mode" "$what" || { log "  output: $(tail -20 "$WORK/$mode.out")"; }
      if [ "$STRICT" = 0 ]; then
        log "$what under $mode: stress-ng exits $sg_rc, natively $native_rc (recorded under the ptrace engine)"
      elif [ "$sg_rc" = "$native_rc" ]; then ok "$what under $mode: stress-ng exits $sg_rc, as natively"; else
        fail "$what under $mode: stress-ng exits $sg_rc, natively $native_rc"
        log "  native: $(grep -E 'fail|skip|error' "$WORK/native.saved" | head -5)"
        log "  $mode: $(grep -E 'fail|skip|error|sysgate' "$WORK/$mode.saved" | grep -v oom_score_adj | head -10)"
      fi
    fi
  done
  for s in "$@"; do
    n=$(outcome "$WORK/native.saved" "$s")
    a=$(outcome "$WORK/allow.saved" "$s")
    f=$(outcome "$WORK/fs.saved" "$s")
    log "$s: native: $n; allow-all: $a; filesystem: $f"
    [ -n "$SNG_TABLE" ] && printf '%s|%s|%s|%s|%s\n' "$cls" "$s" "$n" "$a" "$f" >>"$SNG_TABLE"
    [ "$assert" = 1 ] && [ "$STRICT" = 1 ] || continue
    # No metrics line natively: the stressor's worker did not report within the
    # run (seen once in CI for symlink, link and fstat, the machine busy with
    # the other tests); there is nothing to compare sysgate's runs with.
    if [ "$n" = none ]; then
      log "note: $s printed no metrics natively; not compared"
      continue
    fi
    for mode in allow fs; do
      local got
      if [ "$mode" = allow ]; then got=$a; else got=$f; fi
      if [ "${got%% *}" = "${n%% *}" ]; then ok "$s under $mode: ${got%% *}, as natively"; else
        fail "$s under $mode: '$got', natively '$n'"
        log "  $(grep -E "\] ($s[: ]|.*\($s\))" "$WORK/$mode.saved" | head -5)"
      fi
    done
  done
}

log "stress-ng $(stress-ng --version 2>&1 | head -1); engine $ENGINE; uid $(id -u); ${SNG_SECONDS}s per run"
for cls in $CLASSES; do
  list=${CLASS_LIST[$cls]}
  [ "$SNG_LONG" = 1 ] && list="$list ${CLASS_LONG[$cls]}"
  if [ "$SNG_EACH" = 1 ]; then
    for s in $list; do compare "$s" "$cls" 1 "$s"; done
  else
    # shellcheck disable=SC2086
    compare "class $cls" "$cls" 1 $list
  fi
done
if [ "$SNG_BY_DESIGN" = 1 ]; then
  for s in $BY_DESIGN; do
    # vm-segv hangs by itself (see above): a short hang guard, not asserted.
    if [ "$s" = vm-segv ]; then SG_TIMEOUT=$((SNG_SECONDS + 10)); fi
    compare "$s" by-design 0 "$s"
    SG_TIMEOUT=$((SNG_SECONDS + 60))
  done
fi
finish
