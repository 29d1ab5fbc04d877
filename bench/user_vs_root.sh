#!/usr/bin/env bash
# Per-run overhead of `sysgate run` as an ordinary user against root, measured
# in one run. Three workloads, each run N times sequentially by every runner:
# native (the program alone, as root and as the user), sysgate as root, as
# root with --no-cgroups (what root costs without the cgroups a user cannot
# make), and as uid/gid 65534 (`setpriv --reuid=65534 --regid=65534
# --clear-groups`):
#   (a) /bin/true under the built-in default policy;
#   (b) a tiny C program (reads numbers, prints the sum) under --policy grade-c
#       --cpu-time 1s --memory 64MiB (as root the limits go to cgroups, as a
#       user to whatever the host offers; the report's mechanism is printed);
#   (c) /bin/true under policies/deny-mask.yaml: a filesystem section with
#       `deny` entries, masked in a mount namespace (as root directly, as a
#       user in a user namespace that sysgate makes first).
# Each run is timed on its own (CLOCK_MONOTONIC around fork+exec+wait, in a
# small C timer that runs as the runner's user, so setpriv's own start-up is
# outside the figures). Each sysgate runner's overhead is taken against the
# native run of its own user. Runners are interleaved in blocks (the
# root/user order alternating), so all figures come from the same machine in
# the same state. Prints mean and median wall milliseconds per run, overhead
# = sysgate - native, and the ratios user/root and user/(root --no-cgroups) of
# the overheads; then the same for the median CPU time of each run (sysgate
# and everything it ran, from wait4's rusage), which a busy machine disturbs
# far less than wall time.
# See bench/README.md.
#
#   BENCH_RUNS=N      runs per runner and workload (default 200)
#   BENCH_BLOCK=N     runs per block between runner switches (default 20)
#   BENCH_UID=UID     the ordinary user's uid and gid (default 65534)
#   SYSGATE=PATH      the sysgate binary (default build/sysgate)
#   CC=...            C compiler (default cc)
#
# Everything the user runs (a copy of the sysgate binary, the policy, the
# programs, their input) is staged in a world-readable temporary directory, so
# the checkout may live where the user cannot read (under /root). Needs root,
# setpriv (util-linux) and a C compiler.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
runs=${BENCH_RUNS:-200}
block=${BENCH_BLOCK:-20}
uid=${BENCH_UID:-65534}
sysgate=${SYSGATE:-$repo/build/sysgate}
cc=${CC:-cc}
say() { echo "user_vs_root: $*" >&2; }
[[ -x $sysgate ]] || { say "no sysgate binary at $sysgate (build it, or set SYSGATE)"; exit 1; }
[[ $(id -u) -eq 0 ]] || { say "run it as root (it compares root with uid $uid)"; exit 1; }
command -v setpriv >/dev/null || { say "setpriv is not installed (util-linux)"; exit 1; }
((runs > 0 && block > 0)) || { say "BENCH_RUNS and BENCH_BLOCK must be positive"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sysgate-user-vs-root.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
mkdir "$tmp/box" "$tmp/root" "$tmp/user"
chown "$uid:$uid" "$tmp/user"
chmod 700 "$tmp/root"

# The timer: runs PROGRAM N times, each fork+exec+wait timed with
# CLOCK_MONOTONIC, prints one line per run: wall nanoseconds, and CPU
# nanoseconds (user + system of PROGRAM and every process it waited for,
# from wait4's rusage). stdin from -i FILE (else /dev/null), stdout to -o FILE
# (else /dev/null), stderr to /dev/null. Exits 1 if any run exits non-zero.
cat >"$tmp/timer.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static long long now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}
int main(int argc, char **argv) {
  const char *in = "/dev/null", *out = "/dev/null";
  int i = 2;
  if (argc < 3) return 2;
  long n = atol(argv[1]);
  for (; i < argc && strcmp(argv[i], "--") != 0; i += 2) {
    if (i + 1 >= argc) return 2;
    if (strcmp(argv[i], "-i") == 0) in = argv[i + 1];
    else if (strcmp(argv[i], "-o") == 0) out = argv[i + 1];
    else return 2;
  }
  if (i + 1 >= argc) return 2;
  char **prog = argv + i + 1;
  int failed = 0;
  for (long k = 0; k < n; k++) {
    long long t0 = now();
    pid_t pid = fork();
    if (pid == 0) {
      int fi = open(in, O_RDONLY), fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644), fe = open("/dev/null", O_WRONLY);
      if (fi < 0 || fo < 0 || fe < 0) _exit(125);
      dup2(fi, 0), dup2(fo, 1), dup2(fe, 2);
      execv(prog[0], prog);
      _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid) return 1;
    long long t1 = now();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed = 1;
    long long cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
    printf("%lld %lld\n", t1 - t0, cpu);
  }
  return failed;
}
C
"$cc" -O2 -Wall -Wextra -o "$tmp/timer" "$tmp/timer.c"
cat >"$tmp/sum.c" <<'C'
#include <stdio.h>
int main(void) { long x, s = 0; while (scanf("%ld", &x) == 1) s += x; printf("%ld\n", s); return 0; }
C
"$cc" -O2 -o "$tmp/box/a.out" "$tmp/sum.c"
echo "1 2 3 4 5" >"$tmp/box/in.txt"
cp "$sysgate" "$tmp/sysgate"
cp "$here/policies/deny-mask.yaml" "$tmp/deny-mask.yaml"
chmod -R a+rX "$tmp/box" "$tmp/timer" "$tmp/sysgate" "$tmp/deny-mask.yaml"
sg=$tmp/sysgate
"$sg" check "$tmp/deny-mask.yaml" >/dev/null

as_user() { setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"; }
as_user test -x "$sg" -a -r "$tmp/deny-mask.yaml" -a -w "$tmp/user" || {
  say "uid $uid cannot reach $tmp (set TMPDIR to a directory every user can traverse, such as /tmp)"
  exit 1
}

# The command line of workload $1 run by $2 (native|sysgate), with its output
# in directory $3 (root|user), into cmd; the timer's options (the program's
# stdin and stdout, for native) into topts.
cmd=()
topts=()
workload_cmd() {
  local w=$1 who=$2 dir=$tmp/$3
  topts=()
  case $w in
    true) cmd=("$sg" run -- /bin/true) ;;
    grade)
      cmd=("$sg" run --policy grade-c --cpu-time 1s --memory 64MiB --stdin "$tmp/box/in.txt"
        --stdout "$dir/out.txt" --cwd "$tmp/box" -- ./a.out) ;;
    mask) cmd=("$sg" run --policy "$tmp/deny-mask.yaml" -- /bin/true) ;;
  esac
  if [[ $who == native ]]; then
    case $w in
      true | mask) cmd=(/bin/true) ;;
      grade) cmd=("$tmp/box/a.out") topts=(-i "$tmp/box/in.txt" -o "$dir/out.txt") ;;
    esac
  fi
}

workloads=(true grade mask)
label() {
  case $1 in
    true) echo "(a) /bin/true, default policy" ;;
    grade) echo "(b) sum.c, grade-c --cpu-time 1s --memory 64MiB" ;;
    mask) echo "(c) /bin/true, deny-mask.yaml (2 masks)" ;;
  esac
}

# One checked run per workload and sysgate runner with a report: it must be
# OK, and the report says how the limits, masks and cgroups were made.
declare -A how
for w in "${workloads[@]}"; do
  for r in root nocg user; do
    u=${r/nocg/root}
    workload_cmd "$w" sysgate "$u"
    run=("${cmd[@]:0:2}" --report "$tmp/$u/report.json" "${cmd[@]:2}")
    [[ $r == nocg ]] && run=("${cmd[@]:0:2}" --no-cgroups --report "$tmp/$u/report.json" "${cmd[@]:2}")
    rc=0
    if [[ $u == user ]]; then
      (cd "$tmp/box" && as_user "${run[@]}" </dev/null >/dev/null 2>"$tmp/$u/err.txt") || rc=$?
    else
      (cd "$tmp/box" && "${run[@]}" </dev/null >/dev/null 2>"$tmp/$u/err.txt") || rc=$?
    fi
    if [[ $rc -ne 0 ]] || ! grep -q '"verdict":"OK"' "$tmp/$u/report.json"; then
      say "$(label "$w") under $r: exit $rc, not OK"
      cat "$tmp/$u/err.txt" >&2
      exit 1
    fi
    if [[ $w == grade && $(cat "$tmp/$u/out.txt") != 15 ]]; then
      say "$(label "$w") under $r: wrong output '$(cat "$tmp/$u/out.txt")'"
      exit 1
    fi
    report=$(cat "$tmp/$u/report.json")
    cpu=$(grep -o '"cpu_time":{[^}]*}' <<<"$report" | grep -o '"mechanism":"[^"]*"' | cut -d'"' -f4 || true)
    mem=$(grep -o '"memory":{[^}]*}' <<<"$report" | grep -o '"mechanism":"[^"]*"' | cut -d'"' -f4 || true)
    masks=$(grep -o '"masks":{[^}]*}' <<<"$report" | grep -o '"namespace":"[^"]*"' | cut -d'"' -f4 || true)
    cgroups=$(grep -o '"cgroups":\[[^]]*\]' <<<"$report" | grep -o 'sysgate-' | wc -l || true)
    case $cgroups in
      0) h="no cgroup" ;;
      1) h="1 cgroup" ;;
      *) h="$cgroups cgroups" ;;
    esac
    [[ -n $cpu ]] && h+=", cpu_time by $cpu, memory by ${mem:-?}"
    [[ $w == mask ]] && h+=", masks in a ${masks:-?} namespace"
    how[$w,$r]=$h
  done
done

results=$tmp/results.txt # workload runner wall-ns cpu-ns
: >"$results"
# Runs runner $2 (native-root|native-user|root|nocg|user) on workload $1 for $3 runs.
time_block() {
  local w=$1 r=$2 n=$3 who dir rc=0
  case $r in
    native-root) who=native dir=root ;;
    native-user) who=native dir=user ;;
    nocg) who=sysgate dir=root ;;
    *) who=sysgate dir=$r ;;
  esac
  workload_cmd "$w" "$who" "$dir"
  [[ $r == nocg ]] && cmd=("${cmd[@]:0:2}" --no-cgroups "${cmd[@]:2}")
  local t=("$tmp/timer" "$n" "${topts[@]}" -- "${cmd[@]}")
  if [[ $dir == user ]]; then
    (cd "$tmp/box" && as_user "${t[@]}") >"$tmp/block.txt" || rc=$?
  else
    (cd "$tmp/box" && "${t[@]}") >"$tmp/block.txt" || rc=$?
  fi
  [[ $rc -eq 0 ]] || { say "$(label "$w") under $r: a run failed (timer exit $rc)"; exit 1; }
  awk -v w="$w" -v r="$r" '{ print w, r, $1, $2 }' "$tmp/block.txt" >>"$results"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
k=0
for ((done_ = 0; done_ < runs; done_ += block)); do
  n=$((runs - done_ < block ? runs - done_ : block))
  say "runs $((done_ + 1))-$((done_ + n)) of $runs"
  for w in "${workloads[@]}"; do
    if ((k++ % 2 == 0)); then order=(native-root root nocg native-user user); else order=(native-user user native-root root nocg); fi
    for r in "${order[@]}"; do time_block "$w" "$r" "$n"; done
  done
done

commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
version=$("$sg" --version 2>/dev/null || echo "sysgate ?")
echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $version (checkout $commit); Linux $(uname -r), $(nproc) CPUs;" \
  "$runs sequential runs per runner and workload, interleaved in blocks of $block; user = uid/gid $uid." \
  "Load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
for w in "${workloads[@]}"; do
  echo "- $(label "$w"): root: ${how[$w,root]}; root --no-cgroups: ${how[$w,nocg]}; user: ${how[$w,user]}"
done
echo
for w in "${workloads[@]}"; do echo "$w $(label "$w")"; done >"$tmp/labels.txt"
awk '
  NR == FNR { w = $1; $1 = ""; lab[w] = substr($0, 2); order[++nw] = w; next }
  { k = ++n[$1, $2]; v[$1, $2, k] = $3 / 1e6; sum[$1, $2] += $3 / 1e6; c[$1, $2, k] = $4 / 1e6 }
  function median(w, r, cpu,    m, i, j, t, a) {
    m = n[w, r]
    for (i = 1; i <= m; i++) a[i] = cpu ? c[w, r, i] : v[w, r, i]
    for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  function ratio(u, r) { return r > 0 ? sprintf("%.2f", u / r) : "-" }
  END {
    split("native-root root nocg native-user user", rs, " ")
    for (s = 1; s <= 2; s++) {
      stat = s == 1 ? "mean" : "median"
      printf "### %s ms per run\n\n", stat
      print "| workload | native (root) | sysgate as root | root --no-cgroups | native (user) | sysgate as user |"
      print "|---|---|---|---|---|---|"
      for (i = 1; i <= nw; i++) {
        w = order[i]
        for (j = 1; j <= 5; j++) x[w, rs[j]] = s == 1 ? sum[w, rs[j]] / n[w, rs[j]] : median(w, rs[j], 0)
        printf "| %s | %.3f | %.3f | %.3f | %.3f | %.3f |\n", lab[w], x[w, "native-root"], x[w, "root"], x[w, "nocg"],
          x[w, "native-user"], x[w, "user"]
      }
      printf "\n### overhead per run (sysgate - native of the same user), %s, ms\n\n", stat
      print "| workload | root | root --no-cgroups | user | user / root | user / root --no-cgroups |"
      print "|---|---|---|---|---|---|"
      for (i = 1; i <= nw; i++) {
        w = order[i]
        orr = x[w, "root"] - x[w, "native-root"]; on = x[w, "nocg"] - x[w, "native-root"]; ou = x[w, "user"] - x[w, "native-user"]
        printf "| %s | %.3f | %.3f | %.3f | %s | %s |\n", lab[w], orr, on, ou, ratio(ou, orr), ratio(ou, on)
      }
      print ""
    }
    print "### CPU ms per run (user + system of sysgate and all it ran), median; overhead = sysgate - native\n"
    print "| workload | native (root) | root | root --no-cgroups | native (user) | user | overhead: root | root --no-cgroups | user | user / root | user / root --no-cgroups |"
    print "|---|---|---|---|---|---|---|---|---|---|---|"
    for (i = 1; i <= nw; i++) {
      w = order[i]
      for (j = 1; j <= 5; j++) y[rs[j]] = median(w, rs[j], 1)
      orr = y["root"] - y["native-root"]; on = y["nocg"] - y["native-root"]; ou = y["user"] - y["native-user"]
      printf "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %s | %s |\n", lab[w], y["native-root"], y["root"],
        y["nocg"], y["native-user"], y["user"], orr, on, ou, ratio(ou, orr), ratio(ou, on)
    }
    print ""
  }' "$tmp/labels.txt" "$results"
echo "user / root ≤ 1: a run as an ordinary user costs no more than as root (the target)."
