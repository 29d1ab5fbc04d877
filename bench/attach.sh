#!/usr/bin/env bash
# The cost of a traced call in a process `sysgate attach` attached to (the
# pure-ptrace engine, allow-all policy) against `strace -p` on the same
# process, and native. The workload starts, prints "ready", and waits for a
# go file; the tracer attaches (sysgate: its "attached to PID" line; strace:
# its "Process PID attached" line and TracerPid), then the go file is made and
# the workload times its own loop (CLOCK_MONOTONIC) and prints the seconds:
#   getppid  N × syscall(SYS_getppid)                    (N calls)
#   openat   N × openat("/etc/hostname") + close         (2N calls)
# Runners, interleaved in each repetition: native (no tracer), sg-attach
# (`sysgate attach --policy allow-all PID`), strace-p (`strace -p PID -o
# /dev/null`) and, for reference, sg-run-ptrace (`sysgate run --engine ptrace
# --policy allow-all -- W`, the program started traced). Prints markdown:
# medians of the in-process seconds, µs per call over native, and
# sg-attach / strace-p (target: below 1, cheaper than strace). See
# bench/README.md, "Attach".
#
#   BENCH_REPS=N        repetitions (default 5)
#   BENCH_CALLS=N       getppid calls per run (default 100000); openat makes N/4 iterations (N/2 calls)
#   BENCH_TIMEOUT=S     seconds before a run counts as hung (default 60)
#   BENCH_CPUS=LIST     run everything under `taskset -c LIST`; unset: unpinned
#   SYSGATE=PATH        the sysgate binary (default build/sysgate)
#   BENCH_OUT=FILE      also write the tables to FILE
#   CC=...              C compiler (default cc)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
reps=${BENCH_REPS:-5}
calls=${BENCH_CALLS:-100000}
limit=${BENCH_TIMEOUT:-60}
sysgate=${SYSGATE:-$repo/build/sysgate}
cc=${CC:-cc}
say() { echo "attach: $*" >&2; }
[[ -x $sysgate ]] || { say "no sysgate binary at $sysgate (build it, or set SYSGATE)"; exit 1; }
"$sysgate" attach --help >/dev/null 2>&1 || "$sysgate" --help 2>&1 | grep -q 'sysgate attach' ||
  { say "$sysgate has no attach command"; exit 1; }
command -v strace >/dev/null || { say "strace is not installed"; exit 1; }
scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo none)
if [[ $scope == 3 ]] || { [[ $scope == 1 || $scope == 2 ]] && [[ $(id -u) != 0 ]]; }; then
  say "Yama ptrace_scope is $scope: this user cannot attach to a process that is not its descendant"
  exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sysgate-bench-attach.XXXXXX")
running=()  # pids killed if this script ends early
cleanup() {
  local p
  for p in "${running[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  for p in "${running[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

cat >"$tmp/wl.c" <<'EOF'
// attach-bench workload: prints "ready", waits for GO to exist (1 ms polls,
// not timed), then times its loop and prints the seconds.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
int main(int argc, char** argv) {
  if (argc != 4) return 2;
  long n = atol(argv[2]);
  printf("ready\n");
  fflush(stdout);
  struct timespec ms = {0, 1000000};
  while (access(argv[3], F_OK) != 0) nanosleep(&ms, NULL);
  double t0 = now();
  if (strcmp(argv[1], "getppid") == 0) {
    for (long i = 0; i < n; ++i) syscall(SYS_getppid);
  } else {
    for (long i = 0; i < n; ++i) {
      int fd = openat(AT_FDCWD, "/etc/hostname", O_RDONLY);
      if (fd < 0) return 3;
      close(fd);
    }
  }
  printf("%.6f\n", now() - t0);
  return 0;
}
EOF
"$cc" -O2 -Wall -Wextra -o "$tmp/wl" "$tmp/wl.c"
printf 'version: 1\nname: allow-all\ndefault: allow\n' >"$tmp/allow.yaml"
"$sysgate" check "$tmp/allow.yaml" >/dev/null
pin=()
placement="unpinned (the scheduler places tracer and tracee)"
if [[ -n ${BENCH_CPUS:-} ]]; then
  pin=(taskset -c "$BENCH_CPUS")
  placement="everything pinned to CPU $BENCH_CPUS"
fi

# wait_for FILE ERE SECONDS: until a line of FILE matches.
wait_for() {
  local i
  for ((i = 0; i < $3 * 200; i++)); do
    grep -qE -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.005
  done
  return 1
}

results=$tmp/results.txt  # workload runner rep seconds|fail
: >"$results"
# run_one WORKLOAD RUNNER REP: one measured run.
run_one() {
  local w=$1 r=$2 rep=$3 n go=$tmp/go wpid tpid="" out=$tmp/w.out err=$tmp/t.err secs
  n=$calls
  [[ $w == openat ]] && n=$((calls / 4))
  rm -f "$go" "$out" "$err"
  : >"$err"
  if [[ $r == sg-run-ptrace ]]; then
    touch "$go"
    timeout -k 5 "$limit" "${pin[@]}" "$sysgate" run --engine ptrace --policy "$tmp/allow.yaml" -- "$tmp/wl" "$w" "$n" "$go" >"$out" 2>"$err" </dev/null || true
  else
    "${pin[@]}" "$tmp/wl" "$w" "$n" "$go" >"$out" 2>/dev/null </dev/null &
    wpid=$!
    running=("$wpid")
    wait_for "$out" '^ready$' 10 || { say "$w/$r: the workload did not start"; }
    case $r in
      sg-attach)
        "${pin[@]}" "$sysgate" attach --policy "$tmp/allow.yaml" "$wpid" >/dev/null 2>"$err" </dev/null &
        tpid=$!
        wait_for "$err" "^sysgate: attached to $wpid " 10 || say "$w/$r: no attached line: $(head -c 300 "$err")"
        ;;
      strace-p)
        "${pin[@]}" strace -p "$wpid" -o /dev/null 2>"$err" </dev/null &
        tpid=$!
        wait_for "$err" "Process $wpid attached" 10 || say "$w/$r: strace did not attach: $(head -c 300 "$err")"
        ;;
    esac
    [[ -n $tpid ]] && running+=("$tpid")
    touch "$go"
    local i
    for ((i = 0; i < limit * 20; i++)); do
      kill -0 "$wpid" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL "$wpid" 2>/dev/null || true
    wait "$wpid" 2>/dev/null || true
    if [[ -n $tpid ]]; then
      for ((i = 0; i < 100; i++)); do kill -0 "$tpid" 2>/dev/null || break; sleep 0.05; done
      kill -KILL "$tpid" 2>/dev/null || true
      wait "$tpid" 2>/dev/null || true
    fi
    running=()
  fi
  secs=$(sed -n 2p "$out" 2>/dev/null)
  [[ $secs =~ ^[0-9.]+$ ]] || { say "$w/$r rep $rep failed: $(head -c 300 "$err")"; secs=fail; }
  echo "$w $r $rep $secs" >>"$results"
}

runners=(native sg-attach strace-p sg-run-ptrace)
start=$(date -u '+%Y-%m-%d %H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((rep = 1; rep <= reps; rep++)); do
  for w in getppid openat; do
    for r in "${runners[@]}"; do
      say "rep $rep/$reps: $w under $r"
      run_one "$w" "$r" "$rep"
    done
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "$start; $("$sysgate" --version 2>/dev/null | head -1); $(uname -sr), $(nproc) CPUs; $(strace -V | head -1); $reps interleaved repetitions; $placement. Load average before: $load_before; after: $load_after."
  echo
  echo "In-process seconds, median (spread = (max - min) / median); µs per call over native; calls: getppid $calls, openat $((calls / 2)) (openat + close)."
  echo
  echo "| workload | native | sg-attach | strace -p | sg-run-ptrace | sg-attach µs/call | strace -p µs/call | sg-run-ptrace µs/call | sg-attach / strace -p |"
  echo "|---|---|---|---|---|---|---|---|---|"
  awk -v calls="$calls" '
    function median(list,   a, n, i, j, t) {
      n = split(list, a, " ")
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      if (n == 0) return -1
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function spread(list,   a, n, i, lo, hi, m) {
      n = split(list, a, " "); lo = hi = a[1] + 0
      for (i = 2; i <= n; i++) { if (a[i] + 0 < lo) lo = a[i] + 0; if (a[i] + 0 > hi) hi = a[i] + 0 }
      m = median(list)
      return m > 0 ? 100 * (hi - lo) / m : 0
    }
    $4 != "fail" { v[$1, $2] = v[$1, $2] " " $4 }
    $4 == "fail" { failed[$1, $2]++ }
    END {
      split("getppid openat", ws, " ")
      split("native sg-attach strace-p sg-run-ptrace", rs, " ")
      for (k = 1; k <= 2; k++) {
        w = ws[k]; n = (w == "getppid") ? calls : calls / 2
        line = "| " w
        for (i = 1; i <= 4; i++) {
          m[i] = median(v[w, rs[i]])
          line = line sprintf(" | %s", m[i] < 0 ? "fail" : sprintf("%.4f (%.0f%%)%s", m[i], spread(v[w, rs[i]]), failed[w, rs[i]] ? " " failed[w, rs[i]] " failed" : ""))
        }
        for (i = 2; i <= 4; i++)
          line = line sprintf(" | %s", (m[i] < 0 || m[1] < 0) ? "-" : sprintf("%.2f", (m[i] - m[1]) * 1e6 / n))
        line = line sprintf(" | %s", (m[2] < 0 || m[3] <= 0 || m[1] < 0) ? "-" : sprintf("%.2f", (m[2] - m[1]) / (m[3] - m[1])))
        print line " |"
        if (m[2] >= 0 && m[3] > 0) target = target sprintf("%s%s: %s", sep, w, (m[2] < m[3]) ? "sg-attach cheaper than strace -p" : "sg-attach NOT cheaper than strace -p"); sep = "; "
      }
      print ""
      print "Target (a traced call of an attached process cheaper than under strace -p): " target "."
    }' "$results"
} | tee "${BENCH_OUT:-/dev/null}"
