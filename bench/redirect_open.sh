#!/usr/bin/env bash
# Cost per redirected open against a checked open: a program doing N
# openat+close of one file (workloads/openpath.c) in a fresh directory D, under
#   - nothing (native);
#   - the floor tracer, stopping on exactly the calls the policy traces;
#   - sysgate with policies/redirect-checked.yaml: a filesystem section that
#     allows D/**, so every openat of D/original stops and is checked (the
#     "checked open");
#   - sysgate with policies/redirect-checked.yaml again, the path passed from a
#     MAP_SHARED page (the "copied checked open": copy-on-check must copy it, so
#     the open takes the redirect's path through the supervisor: the copy into
#     scratch memory and an exit stop that puts the register back; a
#     single-threaded checked open from private memory needs neither);
#   - sysgate with policies/redirect-rule.yaml: the same section plus a rule
#     {syscalls: [openat], args: {path: {eq: D/original}}, action: {redirect: D/target}}
#     (the "redirected open": the program opens D/original, the kernel D/target);
# single-threaded and with 4 threads (N/4 opens each, started together: the
# total stays N), sysgate with both engines, interleaved in one run. Every run
# checks first, outside the timed loop, that the file it opens begins with
# "original" (or "target" when redirected). Prints medians of the in-process
# seconds, ratios, microseconds per open over native, and the ratios
# redirect/checked (target <= 1.3), redirect/copied and redirect/floor, from
# the medians and from the fastest run of each runner; with
# BENCH_COUNT=1, also the stops and supervisor system calls per open, counted
# with strace on the supervisor. See bench/README.md.
#
# Every run has a timeout: a run that does not end in time is killed and
# printed as "hang (timeout)"; by default that runner is not run again for
# that thread count in later repetitions.
#
#   BENCH_REPS=N          repetitions (default 5)
#   BENCH_OPENS=N         opens per run, in all (default 25000)
#   BENCH_THREADS=LIST    thread counts (default "1 4")
#   BENCH_ENGINES=LIST    sysgate engines (default "seccomp ptrace")
#   BENCH_TIMEOUT=S       seconds before a run counts as hung (default 60)
#   BENCH_RETRY_HANGS=1   run a runner that hung again in later repetitions
#   BENCH_CPUS=LIST       run every command under `taskset -c LIST`; unset: unpinned
#   BENCH_COPIED=0        leave out the copied checked open
#   BENCH_COUNT=1         also count stops and supervisor system calls per open
#                         (strace on sysgate, not on the program)
#   BENCH_RAW=FILE        also write the raw results (threads runner repetition seconds wall) to FILE
#   SYSGATE=PATH          the sysgate binary (default build/sysgate)
#   CC=...                C compiler (default cc)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
reps=${BENCH_REPS:-5}
opens=${BENCH_OPENS:-25000}
thread_counts=${BENCH_THREADS:-1 4}
engines=${BENCH_ENGINES:-seccomp ptrace}
limit=${BENCH_TIMEOUT:-60}
copied=${BENCH_COPIED:-1}
count=${BENCH_COUNT:-0}
retry_hangs=${BENCH_RETRY_HANGS:-0}
sysgate=${SYSGATE:-$repo/build/sysgate}
cc=${CC:-cc}
say() { echo "redirect_open: $*" >&2; }
[[ -x $sysgate ]] || { say "no sysgate binary at $sysgate (build it, or set SYSGATE)"; exit 1; }
for e in $engines; do
  [[ $e == seccomp || $e == ptrace ]] || { say "BENCH_ENGINES: unknown engine '$e' (seccomp, ptrace)"; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sysgate-redirect-open.XXXXXX")
tmp=$(realpath "$tmp") # ${CWD} in the policies is the realpath of --cwd
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
"$cc" -O2 -Wall -Wextra -pthread -o "$tmp/openpath" "$here/workloads/openpath.c"
"$cc" -O2 -Wall -Wextra -o "$tmp/floor" "$here/floor_tracer.c"
# The original and the target: two files at the same depth, told apart by
# their first word.
echo original >"$tmp/original"
echo target >"$tmp/target"
checked_policy=$here/policies/redirect-checked.yaml
redirect_policy=$here/policies/redirect-rule.yaml
# ${CWD} is the directory the commands run in (and sysgate's --cwd).
(cd "$tmp" && "$sysgate" check "$checked_policy" "$redirect_policy" >/dev/null)
# The x86_64 calls a policy makes stop, as `sysgate explain` lists them.
traced_by() {
  (cd "$tmp" && "$sysgate" explain "$1") |
    awk '/^ABI x86_64/ { on = 1; next } /^ABI / { on = 0 } on && $1 ~ /^[0-9]+$/ && $3 == "traced:" { printf "%s%s", sep, $1; sep = "," }'
}
traced=$(traced_by "$checked_policy")
[[ ,$traced, == *,257,* ]] || { say "openat (257) is not traced by $checked_policy: '$traced'"; exit 1; }
traced_redirect=$(traced_by "$redirect_policy")
[[ $traced_redirect == "$traced" ]] ||
  say "note: the two policies trace different calls (checked: $traced; redirect: $traced_redirect); the floor takes the checked policy's"
pin=()
if [[ -n ${BENCH_CPUS:-} ]]; then pin=(taskset -c "$BENCH_CPUS"); fi

runners=(native floor)
for e in $engines; do
  runners+=("$e-checked")
  [[ $copied == 0 ]] || runners+=("$e-copied")
  runners+=("$e-redirect")
done
label() {
  case $1 in
    native) echo "native" ;;
    floor) echo "floor tracer, same calls stop" ;;
    *-checked) echo "sysgate, ${1%-checked} engine, checked open" ;;
    *-copied) echo "sysgate, ${1%-copied} engine, checked open, path in shared memory (copied)" ;;
    *-redirect) echo "sysgate, ${1%-redirect} engine, redirected open" ;;
  esac
}
cmd=()
runner_cmd() {  # runner threads [opens] -> cmd
  local expect=original
  [[ $1 == *-redirect ]] && expect=target
  local w=("$tmp/openpath" "$tmp/original" "${3:-$opens}" "$2" "$expect")
  [[ $1 == *-copied ]] && w+=(shared)
  local sg=("$sysgate" run --engine "${1%-*}" --cwd "$tmp" --policy)
  case $1 in
    native) cmd=("${w[@]}") ;;
    floor) cmd=("$tmp/floor" "$traced" -- "${w[@]}") ;;
    *-checked | *-copied) cmd=("${sg[@]}" "$checked_policy" -- "${w[@]}") ;;
    *-redirect) cmd=("${sg[@]}" "$redirect_policy" -- "${w[@]}") ;;
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

results=$tmp/results.txt  # threads runner rep in-process-seconds|hang|fail|skipped wall-seconds
: >"$results"
declare -A hung_at=()
# Runs runner $1 with $2 threads, repetition $3, under the timeout.
run_one() {
  local r=$1 th=$2 rep=$3 pid wd which='' rc=0 t0 t1 out
  runner_cmd "$r" "$th"
  t0=$EPOCHREALTIME
  "${cmd[@]}" >"$tmp/out" 2>"$tmp/err" </dev/null &
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
    if [[ $r == seccomp-* || $r == ptrace-* ]] && ((killed)); then remove_cgroups_of "$pid"; fi
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
    say "FAILED: $r, $th threads (exit $rc, output '$out'; stderr: $(grep -m1 -i -e openpath -e error -e denied "$tmp/err" || head -c 200 "$tmp/err"))"
    echo "$th $r $rep fail NA" >>"$results"
    return
  fi
  echo "$th $r $rep $out $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')" >>"$results"
}

# One repetition runs every (threads, runner) pair once, in an order rotated
# by one each repetition, so no pair always follows the same other (a checked
# and a redirected run of one engine stay next to each other).
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
if [[ -n ${BENCH_RAW:-} ]]; then cp "$results" "$BENCH_RAW"; fi
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
  "$opens opens per run; $reps interleaved repetitions; timeout ${limit} s; $placement." \
  "Load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)."

# Shared by the awk programs below.
# shellcheck disable=SC2016 # awk's fields, not the shell's
awk_lib='
  function median(list,   a, i, j, n, t) {
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
    if ($4 ~ /^[0-9.]+$/) { ok[$2] = ok[$2] " " $4; wall[$2] = wall[$2] " " $5; nok[$2]++; at[$2, $3] = $4 }
    else if ($4 == "hang") { nhang[$2]++; if (!($2 in firsthang)) firsthang[$2] = $3 }
    else if ($4 == "fail") nfail[$2]++
    else if ($4 == "skipped") nskip[$2]++
  }
'
for th in $thread_counts; do
  echo
  if ((th == 1)); then
    echo "### $opens x openat+close, 1 thread, in-process seconds, median of $reps"
  else
    echo "### $opens x openat+close, $th threads ($((opens / th)) each), in-process seconds, median of $reps"
  fi
  echo
  echo "| runner | seconds | ratio to native | ratio to floor | µs per open | µs per open over native | spread % | wall seconds |"
  echo "|---|---|---|---|---|---|---|---|"
  awk -v th="$th" -v runners="${runners[*]}" -v opens="$opens" \
    -v labels="$(for r in "${runners[@]}"; do label "$r"; done | paste -sd '|')" "$awk_lib"'
    END {
      nr = split(runners, rs, " "); split(labels, ls, "|")
      for (i = 1; i <= nr; i++) if (nok[rs[i]] > 0) med[rs[i]] = median(ok[rs[i]])
      for (i = 1; i <= nr; i++) {
        r = rs[i]
        if (nok[r] == 0) {
          what = nhang[r] > 0 ? "hang (timeout)" : "failed"
          printf "| %s | %s | - | - | - | - | - | - |\n", ls[i], what
          continue
        }
        m = med[r]
        rn = ("native" in med) ? sprintf("x%.2f", m / med["native"]) : "-"
        rf = ("floor" in med) ? sprintf("x%.2f", m / med["floor"]) : "-"
        us = ("native" in med) ? sprintf("%.2f", (m - med["native"]) / opens * 1e6) : "-"
        note = ""
        if (nhang[r] > 0) note = note sprintf(" (%d of %d runs hung)", nhang[r], nhang[r] + nok[r])
        if (nfail[r] > 0) note = note sprintf(" (%d runs failed)", nfail[r])
        printf "| %s | %.4f%s | %s | %s | %.2f | %s | %.0f | %.3f |\n", ls[i], m, note, rn, rf, m / opens * 1e6, us, spread(ok[r], m), median(wall[r])
      }
      for (i = 1; i <= nr; i++) {
        r = rs[i]
        if (nhang[r] > 0)
          printf "\n%s: no end within the timeout at repetition %d, killed%s.\n", ls[i], firsthang[r], \
            (nskip[r] > 0 ? sprintf("; not run again (%d later repetitions skipped; BENCH_RETRY_HANGS=1 retries)", nskip[r]) : "")
      }
    }' "$results"
done

# The ratio tables: from the medians (with the median of the per-repetition
# ratios in brackets), and from the fastest run of each runner. Interference
# only adds time, and on a small VM the runs of one runner fall into a fast
# mode (tracer and program placed well) and slower ones; the fastest runs
# compare the fast modes.
ratio_table() {  # median|min
  local th
  echo
  if [[ $1 == median ]]; then
    echo "### Redirected against checked open: µs per open over native, and ratios (medians)"
    echo
    echo "Ratios of the medians' per-open costs over native; in brackets the median of the per-repetition ratios."
  else
    echo "### Redirected against checked open: µs per open over native, and ratios (fastest run of each, best of $reps)"
  fi
  echo
  echo "| threads | engine | floor µs | checked µs | copied µs | redirect µs | redirect / checked (target <= 1.3) | redirect / copied | redirect / floor |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for th in $thread_counts; do
    awk -v th="$th" -v engines="$engines" -v opens="$opens" -v reps="$reps" -v mode="$1" "$awk_lib"'
      function least(list,   a, i, n, lo) {
        n = split(list, a, " "); lo = a[1]
        for (i = 2; i <= n; i++) if (a[i] < lo) lo = a[i]
        return lo
      }
      function cost(r) { return (med[r] - med["native"]) / opens * 1e6 }
      # Per repetition: (a - native) / (b - native) in the same repetition.
      function rep_ratio(a, b,   k, l, n) {
        if (mode != "median") return ""
        l = ""; n = 0
        for (k = 1; k <= reps; k++)
          if ((a, k) in at && (b, k) in at && ("native", k) in at && at[b, k] - at["native", k] > 0) {
            l = l " " (at[a, k] - at["native", k]) / (at[b, k] - at["native", k]); n++
          }
        return n > 0 ? sprintf(" (%.2f)", median(l)) : ""
      }
      function ratio(a, b) {
        return (a in med && b in med && cost(b) > 0) ? sprintf("%.2f%s", cost(a) / cost(b), rep_ratio(a, b)) : "-"
      }
      function us(r) { return (r in med && "native" in med) ? sprintf("%.2f", cost(r)) : "-" }
      END {
        for (r in ok) med[r] = mode == "median" ? median(ok[r]) : least(ok[r])
        ne = split(engines, es, " ")
        for (i = 1; i <= ne; i++) {
          c = es[i] "-checked"; p = es[i] "-copied"; d = es[i] "-redirect"
          if (!("native" in med) || !(c in med) || !(d in med)) {
            printf "| %s | %s | %s | %s | %s | %s | - (a run hung or failed) | - | - |\n", th, es[i], us("floor"), us(c), us(p), us(d)
            continue
          }
          rc = cost(d) / cost(c)
          printf "| %s | %s | %s | %s | %s | %s | %s %s | %s | %s |\n", th, es[i], us("floor"), us(c), us(p), us(d), \
            ratio(d, c), (rc <= 1.3 ? "ok" : "MISSED"), ratio(d, p), ratio(d, "floor")
        }
      }' "$results"
  done
}
ratio_table median
ratio_table min

# --- counts -----------------------------------------------------------------
# strace on the supervisor alone (no -f: the program stays sysgate's tracee),
# at two sizes, so start-up and teardown cancel out: per open =
# (count at 3 n - count at n) / (2 n). Stops are the wait4 calls that returned
# a stopped task; the other wait4 calls are the stop poll's empty answers.
if [[ $count == 1 ]]; then
  command -v strace >/dev/null || { say "BENCH_COUNT=1 needs strace"; exit 1; }
  n1=$((opens / 10 > 0 ? opens / 10 : 1))
  n3=$((3 * n1))
  counts=$tmp/counts.txt
  : >"$counts"
  for th in $thread_counts; do
    for r in "${runners[@]}"; do
      [[ $r == native || $r == floor ]] && continue
      for n in "$n1" "$n3"; do
        runner_cmd "$r" "$th" "$n"
        if ! strace -qq -o "$tmp/strace.txt" "${cmd[@]}" >/dev/null 2>&1 </dev/null; then
          say "counting: $r, $th threads, $n opens failed"
          continue 2
        fi
        awk -v key="$th $r $n" '
          { name = $0; sub(/\(.*/, "", name); calls++; by[name]++ }
          /^wait4\(/ && / = [1-9][0-9]*$/ { stops++ }
          END {
            printf "%s %d %d %d %d %d %d\n", key, calls, stops, by["ptrace"], by["wait4"],
              by["newfstatat"] + by["readlink"], by["process_vm_readv"] + by["pwrite64"] + by["ioctl"]
          }' "$tmp/strace.txt" >>"$counts"
      done
    done
  done
  echo
  echo "### Stops and supervisor system calls per open (strace on sysgate, $n1 and $n3 opens, difference / $((n3 - n1)))"
  echo
  echo "| threads | runner | system calls | stops | ptrace | wait4 | path lookups (newfstatat, readlink) | tracee memory (process_vm_readv, pwrite64, ioctl) |"
  echo "|---|---|---|---|---|---|---|---|"
  awk -v n1="$n1" -v n3="$n3" -v labels="$(for r in "${runners[@]}"; do echo "$r=$(label "$r")"; done | paste -sd '|')" '
    BEGIN { m = split(labels, l, "|"); for (i = 1; i <= m; i++) { k = l[i]; sub(/=.*/, "", k); v = l[i]; sub(/^[^=]*=/, "", v); lab[k] = v } }
    { key = $1 " " $2; if ($3 == n1) a[key] = $0; else if ($3 == n3) { b[key] = $0; order[++no] = key } }
    END {
      for (i = 1; i <= no; i++) {
        k = order[i]
        if (!(k in a)) continue
        split(a[k], x, " "); split(b[k], y, " "); d = n3 - n1
        split(k, kk, " ")
        printf "| %s | %s |", kk[1], lab[kk[2]]
        for (j = 4; j <= 9; j++) printf " %.2f |", (y[j] - x[j]) / d
        printf "\n"
      }
    }' "$counts"
fi
