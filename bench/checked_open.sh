#!/usr/bin/env bash
# Cost per checked open: a program doing N openat+close of an allowed file
# (workloads/openat.c, /etc/hostname) under a policy with a filesystem section,
# so every openat stops and its path is read, resolved and matched. Single-
# threaded (the loop in the main thread, no thread created) and with 4 threads
# (N/4 opens each, started together: the total stays N). Runners, interleaved
# in one run: native, the floor tracer stopping on exactly the calls the policy
# traces, strace -f --seccomp-bpf -e trace=%file, and sysgate with both engines.
# Prints medians of the in-process seconds, ratios to native and to the floor,
# and microseconds per checked open over native. See bench/README.md.
#
# Every run has a timeout: a run that does not end in time is killed and
# printed as "hang (timeout)"; by default that runner is not run again for
# that thread count in later repetitions.
#
#   BENCH_REPS=N          repetitions (default 5)
#   BENCH_OPENS=N         opens per run, in all (default 25000)
#   BENCH_THREADS=LIST    thread counts (default "1 4")
#   BENCH_TIMEOUT=S       seconds before a run counts as hung (default 60)
#   BENCH_RETRY_HANGS=1   run a runner that hung again in later repetitions
#   BENCH_CPUS=LIST       run every command under `taskset -c LIST`; unset: unpinned
#   SYSGATE=PATH          the sysgate binary (default build/sysgate)
#   SYSGATE_BEFORE=PATH   another sysgate binary (an older build) run alongside, seccomp engine
#   CC=...                C compiler (default cc)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
reps=${BENCH_REPS:-5}
opens=${BENCH_OPENS:-25000}
thread_counts=${BENCH_THREADS:-1 4}
limit=${BENCH_TIMEOUT:-60}
retry_hangs=${BENCH_RETRY_HANGS:-0}
sysgate=${SYSGATE:-$repo/build/sysgate}
cc=${CC:-cc}
say() { echo "checked_open: $*" >&2; }
[[ -x $sysgate ]] || { say "no sysgate binary at $sysgate (build it, or set SYSGATE)"; exit 1; }
command -v strace >/dev/null || { say "strace is not installed"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sysgate-checked-open.XXXXXX")
running=() # the run in progress and its watchdog: killed if this script ends early
cleanup() {
  local p
  for p in "${running[@]}"; do
    if kill -KILL "$p" 2>/dev/null; then
      wait "$p" 2>/dev/null || true
      remove_cgroups_of "$p"
    fi
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
trap 'exit 141' PIPE
"$cc" -O2 -Wall -Wextra -pthread -o "$tmp/openat" "$here/workloads/openat.c"
"$cc" -O2 -Wall -Wextra -o "$tmp/floor" "$here/floor_tracer.c"
cat >"$tmp/loop.yaml" <<EOP
version: 1
default: allow
filesystem:
  read: ["/usr/**", "/etc/**", "/proc/**", "/dev/**", "$tmp/**"]
  write: [/dev/null, /dev/tty]
  exec: ["$tmp/openat"]
EOP
"$sysgate" check "$tmp/loop.yaml" >/dev/null
# The x86_64 calls the policy makes stop, as `sysgate explain` lists them (openat among them).
traced=$("$sysgate" explain "$tmp/loop.yaml" |
  awk '/^ABI x86_64/ { on = 1; next } /^ABI / { on = 0 } on && $1 ~ /^[0-9]+$/ && $3 == "traced:" { printf "%s%s", sep, $1; sep = "," }')
[[ ,$traced, == *,257,* ]] || { say "openat (257) is not traced by the policy: '$traced'"; exit 1; }
pin=()
if [[ -n ${BENCH_CPUS:-} ]]; then pin=(taskset -c "$BENCH_CPUS"); fi

runners=(native floor strace sg-seccomp sg-ptrace)
before=${SYSGATE_BEFORE:-}
if [[ -n $before ]]; then
  [[ -x $before ]] || { say "no sysgate binary at SYSGATE_BEFORE=$before"; exit 1; }
  runners+=(sg-before)
fi
label() {
  case $1 in
    sg-before) echo "sysgate given by SYSGATE_BEFORE, seccomp engine" ;;
    native) echo "native" ;;
    floor) echo "floor tracer, same calls stop" ;;
    strace) echo "strace -f --seccomp-bpf -e trace=%file" ;;
    sg-seccomp) echo "sysgate, seccomp engine" ;;
    sg-ptrace) echo "sysgate, ptrace engine" ;;
  esac
}
cmd=()
runner_cmd() {  # runner threads -> cmd
  local w=("$tmp/openat" "$opens" "$2")
  case $1 in
    native) cmd=("${w[@]}") ;;
    floor) cmd=("$tmp/floor" "$traced" -- "${w[@]}") ;;
    strace) cmd=(strace -f --seccomp-bpf -e trace=%file -o /dev/null "${w[@]}") ;;
    sg-seccomp) cmd=("$sysgate" run --policy "$tmp/loop.yaml" -- "${w[@]}") ;;
    sg-ptrace) cmd=("$sysgate" run --engine ptrace --policy "$tmp/loop.yaml" -- "${w[@]}") ;;
    sg-before) cmd=("$before" run --policy "$tmp/loop.yaml" -- "${w[@]}") ;;
  esac
  cmd=("${pin[@]}" "${cmd[@]}")
}

# A sysgate killed with SIGKILL cannot remove its cgroups (sysgate-PID-N);
# remove those of the process we killed once they are empty.
remove_cgroups_of() {
  local pid=$1 d i removed=
  for ((i = 0; i < 50; i++)); do
    local busy=0
    while IFS= read -r d; do
      # rmdir fails while a process (or a child group) is left in it
      if rmdir "$d" 2>/dev/null; then removed+=" $d"; else busy=1; fi
    done < <(find /sys/fs/cgroup -maxdepth 4 -depth -type d -name "sysgate-$pid-*" 2>/dev/null)
    if ((busy == 0)); then
      [[ -z $removed ]] || say "removed the cgroups the killed sysgate left:$removed"
      return 0
    fi
    sleep 0.1
  done
  say "cgroups of the killed sysgate (pid $pid) are left: $(find /sys/fs/cgroup -maxdepth 4 -type d -name "sysgate-$pid-*" 2>/dev/null | tr '\n' ' ')"
}

results=$tmp/results.txt  # threads runner rep in-process-seconds|hang|fail wall-seconds
: >"$results"
declare -A hung_at=()
# Runs runner $1 with $2 threads, repetition $3, under the timeout.
run_one() {
  local r=$1 th=$2 rep=$3 pid wd which='' rc=0 t0 t1 out
  runner_cmd "$r" "$th"
  t0=$EPOCHREALTIME
  "${cmd[@]}" >"$tmp/out" 2>/dev/null </dev/null &
  pid=$!
  sleep "$limit" &
  wd=$!
  running=("$pid" "$wd")
  wait -n -p which "$pid" "$wd" || rc=$?
  t1=$EPOCHREALTIME
  running=("$wd")
  [[ $which == "$wd" ]] && running=("$pid")
  if [[ $which == "$wd" ]]; then
    # Hung. sysgate forwards a first SIGTERM to the program and tears the run
    # down on a second one (sysgate(1), SIGNALS); then SIGKILL.
    kill -TERM "$pid" 2>/dev/null || true
    sleep 1
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 30; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    local killed=0
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; killed=1; fi
    wait "$pid" 2>/dev/null || true
    running=()
    if [[ $r == sg-* ]] && ((killed)); then remove_cgroups_of "$pid"; fi
    say "$r, $th threads, repetition $rep: no end after ${limit} s: hang (timeout)$( ((killed)) && echo ', SIGKILLed')"
    echo "$th $r $rep hang NA" >>"$results"
    [[ $retry_hangs == 1 ]] || hung_at[$r/$th]=$rep
    return
  fi
  # SIGKILL: a SIGTERM that reaches the forked shell before it has become
  # `sleep` would run this script's EXIT trap there (rm -rf "$tmp").
  kill -KILL "$wd" 2>/dev/null || true
  wait "$wd" 2>/dev/null || true
  running=()
  out=$(cat "$tmp/out")
  if [[ $rc -ne 0 || ! $out =~ ^[0-9]+\.[0-9]+$ ]]; then
    say "FAILED: $r, $th threads (exit $rc, output '$out')"
    echo "$th $r $rep fail NA" >>"$results"
    return
  fi
  echo "$th $r $rep $out $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')" >>"$results"
}

# One repetition runs every (threads, runner) pair once, in an order rotated
# by one each repetition, so no pair always follows the same other.
pairs=()
for th in $thread_counts; do for r in "${runners[@]}"; do pairs+=("$th:$r"); done; done
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((rep = 1; rep <= reps; rep++)); do
  say "repetition $rep/$reps"
  n=${#pairs[@]}
  for ((i = 0; i < n; i++)); do
    p=${pairs[$(((i + rep - 1) % n))]}
    th=${p%%:*} r=${p#*:}
    if [[ -n ${hung_at[$r/$th]:-} ]]; then
      echo "$th $r $rep skipped NA" >>"$results"
      continue
    fi
    run_one "$r" "$th" "$rep"
  done
done

# --- report -----------------------------------------------------------------
version=$("$sysgate" --version 2>/dev/null || echo "sysgate ?")
if [[ -n ${SYSGATE:-} ]]; then
  origin="the binary given by SYSGATE"
else
  origin="build/ of checkout $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n $(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null) ]]; then origin+=" with uncommitted changes"; fi
fi
placement=${BENCH_CPUS:+"all commands pinned with taskset -c $BENCH_CPUS"}
placement=${placement:-unpinned}
echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $version ($origin); Linux $(uname -r), $(nproc) CPUs;" \
  "$(strace -V | head -1 | sed 's/ -- version//'); $opens opens per run; $reps interleaved repetitions;" \
  "timeout ${limit} s; $placement. Load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)."
for th in $thread_counts; do
  echo
  if ((th == 1)); then
    echo "### $opens x openat+close, 1 thread, in-process seconds, median of $reps"
  else
    echo "### $opens x openat+close, $th threads ($((opens / th)) each), in-process seconds, median of $reps"
  fi
  echo
  echo "| runner | seconds | ratio to native | ratio to floor | µs per checked open over native | spread % | wall seconds |"
  echo "|---|---|---|---|---|---|---|"
  awk -v th="$th" -v runners="${runners[*]}" -v opens="$opens" -v reps="$reps" \
    -v labels="$(for r in "${runners[@]}"; do label "$r"; done | paste -sd '|')" '
    function median(list, n,   a, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function spread(list, med,   a, i, n, lo, hi) {
      n = split(list, a, " "); lo = hi = a[1]
      for (i = 2; i <= n; i++) { if (a[i] < lo) lo = a[i]; if (a[i] > hi) hi = a[i] }
      return med > 0 ? (hi - lo) / med * 100 : 0
    }
    $1 == th {
      if ($4 ~ /^[0-9.]+$/) { ok[$2] = ok[$2] " " $4; wall[$2] = wall[$2] " " $5; nok[$2]++ }
      else if ($4 == "hang") { nhang[$2]++; if (!($2 in firsthang)) firsthang[$2] = $3 }
      else if ($4 == "fail") nfail[$2]++
      else if ($4 == "skipped") nskip[$2]++
    }
    END {
      nr = split(runners, rs, " "); split(labels, ls, "|")
      for (i = 1; i <= nr; i++) if (nok[rs[i]] > 0) med[rs[i]] = median(ok[rs[i]])
      for (i = 1; i <= nr; i++) {
        r = rs[i]
        if (nok[r] == 0) {
          what = nhang[r] > 0 ? "hang (timeout)" : "failed"
          printf "| %s | %s | - | - | - | - | - |\n", ls[i], what
          continue
        }
        m = med[r]
        rn = ("native" in med) ? sprintf("x%.2f", m / med["native"]) : "-"
        rf = ("floor" in med) ? sprintf("x%.2f", m / med["floor"]) : "-"
        us = ("native" in med) ? sprintf("%.2f", (m - med["native"]) / opens * 1e6) : "-"
        note = ""
        if (nhang[r] > 0) note = note sprintf(" (%d of %d runs hung)", nhang[r], nhang[r] + nok[r])
        if (nfail[r] > 0) note = note sprintf(" (%d runs failed)", nfail[r])
        printf "| %s | %.4f%s | %s | %s | %s | %.0f | %.3f |\n", ls[i], m, note, rn, rf, us, spread(ok[r], m), median(wall[r])
      }
      for (i = 1; i <= nr; i++) {
        r = rs[i]
        if (nhang[r] > 0)
          printf "\n%s: no end within the timeout at repetition %d, killed%s.\n", ls[i], firsthang[r], \
            (nskip[r] > 0 ? sprintf("; not run again (%d later repetitions skipped; BENCH_RETRY_HANGS=1 retries)", nskip[r]) : "")
      }
    }' "$results"
done
