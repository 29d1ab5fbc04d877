#!/usr/bin/env bash
# Per-run overhead for graders: N sequential runs of a trivial C program
# (reads numbers, prints their sum), natively and under `sysgate run` with the
# shipped grade-c policy: with the grading limits (cgroups for memory and
# processes), with only the time and output limits (no memory or pids cgroup:
# on a host whose cgroup v2 has no controllers, only the v2 cgroup that
# accounts CPU), and with --no-cgroups; measured in one run, interleaved in
# blocks. Prints milliseconds per run and the overhead against native. The
# "time and output limits only" runner uses grade-c with its own memory and
# processes limits taken out (grade-c sets both). `sysgate --version` is the
# binary's own start and exit, the part of every run that no policy changes.
# The floor tracer (floor_tracer.c) runs the program stopping on exactly the
# calls grade-c makes stop, and does nothing else (no policy, limits, report,
# Landlock or copy-on-check): the least a supervisor started per run can add
# here; "nothing traced" is the same tracer with an allow-all filter. With
# BASELINE set, the same sysgate runners again with that binary (before and
# after a change, in one run). See bench/README.md.
#
#   BENCH_RUNS=N     runs per runner (default 200)
#   SYSGATE=PATH     the sysgate binary (default build/sysgate)
#   BASELINE=PATH    another sysgate binary to compare with (optional)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
runs=${BENCH_RUNS:-200}
sysgate=${SYSGATE:-$repo/build/sysgate}
baseline=${BASELINE:-}
[[ -x $sysgate ]] || { echo "no sysgate binary at $sysgate (build it, or set SYSGATE)" >&2; exit 1; }
[[ -z $baseline || -x $baseline ]] || { echo "BASELINE=$baseline is not executable" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sysgate-grading.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/sum.c" <<'C'
#include <stdio.h>
int main(void) { long x, s = 0; while (scanf("%ld", &x) == 1) s += x; printf("%ld\n", s); return 0; }
C
cc -O2 -o "$tmp/a.out" "$tmp/sum.c"
cc -O2 -o "$tmp/floor" "$here/floor_tracer.c"
grade_c_calls=$("$here/traced_calls.sh" "$sysgate" grade-c)
echo "1 2 3 4 5" >"$tmp/in.txt"
limits=(--cpu-time 2s --wall-time 5s --memory 256MiB --processes 1 --output 1MiB)
time_limits=(--cpu-time 2s --wall-time 5s --output 1MiB)
sed 's/^limits: .*/limits: {cpu_time: 2s, wall_time: 5s, output: 64MiB}/' "$repo/policies/grade-c.yaml" >"$tmp/grade-c-time.yaml"
grep -q '^limits: {cpu_time: 2s, wall_time: 5s, output: 64MiB}$' "$tmp/grade-c-time.yaml" ||
  { echo "policies/grade-c.yaml has no one-line limits: the time-limits runner cannot drop its memory limit" >&2; exit 1; }

run_native() { "$tmp/a.out" <"$tmp/in.txt" >"$tmp/out.txt"; }
run_floor() { "$tmp/floor" "$grade_c_calls" -- "$tmp/a.out" <"$tmp/in.txt" >"$tmp/out.txt"; }
run_floornone() { "$tmp/floor" none -- "$tmp/a.out" <"$tmp/in.txt" >"$tmp/out.txt"; }
# run_sg BINARY POLICY LIMIT-OPTIONS...
run_sg() {
  local bin=$1 policy=$2
  shift 2
  "$bin" run --policy "$policy" "$@" --stdin "$tmp/in.txt" --stdout "$tmp/out.txt" \
    --cwd "$tmp" --report "$tmp/report.json" -- ./a.out 2>/dev/null
  # Read by the shell itself: a grep here would add its own fork and exec
  # (about 1.3 ms) to every sysgate run and none to the native one.
  local report
  IFS= read -r report <"$tmp/report.json" || true
  [[ $report == *'"verdict":"OK"'* ]] || { echo "a sysgate run ($bin $*) was not OK" >&2; exit 1; }
}
declare -A label=(
  [native]="native"
  [cg]="grade-c, all limits (cgroups)" [time]="grade-c, time and output limits only" [nocg]="grade-c, all limits, --no-cgroups"
  [version]="sysgate --version (its own start and exit)"
  [floor]="floor tracer, the calls grade-c makes stop" [floornone]="floor tracer, nothing traced"
)
runners=(native cg time nocg version floor floornone)
run_version() { "$sysgate" --version >/dev/null; }
run_cg() { run_sg "$sysgate" grade-c "${limits[@]}"; }
run_time() { run_sg "$sysgate" "$tmp/grade-c-time.yaml" "${time_limits[@]}"; }
run_nocg() { run_sg "$sysgate" grade-c "${limits[@]}" --no-cgroups; }
if [[ -n $baseline ]]; then
  runners+=(bcg btime bnocg bversion)
  label+=([bcg]="baseline: ${label[cg]}" [btime]="baseline: ${label[time]}" [bnocg]="baseline: ${label[nocg]}"
    [bversion]="baseline: ${label[version]}")
  run_bversion() { "$baseline" --version >/dev/null; }
  run_bcg() { run_sg "$baseline" grade-c "${limits[@]}"; }
  run_btime() { run_sg "$baseline" "$tmp/grade-c-time.yaml" "${time_limits[@]}"; }
  run_bnocg() { run_sg "$baseline" grade-c "${limits[@]}" --no-cgroups; }
fi

declare -A total
for r in "${runners[@]}"; do total[$r]=0; done
block=20
now() { date +%s%N; }
for ((done_ = 0; done_ < runs; done_ += block)); do
  for r in "${runners[@]}"; do
    t0=$(now)
    for ((i = 0; i < block; i++)); do "run_$r"; done
    t1=$(now)
    total[$r]=$((total[$r] + t1 - t0))
  done
done
ms() { awk -v ns="$1" -v n="$runs" 'BEGIN { printf "%.2f", ns / n / 1e6 }'; }
native=$(ms "${total[native]}")
echo "| runner | ms per run | overhead per run, ms |"
echo "|---|---|---|"
echo "| native | $native | - |"
for r in "${runners[@]:1}"; do
  m=$(ms "${total[$r]}")
  echo "| ${label[$r]} | $m | $(awk -v a="$m" -v b="$native" 'BEGIN { printf "%.2f", a - b }') |"
done
echo "($runs sequential runs each, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)${baseline:+; baseline $baseline})"
# Each pointer ld.so fills in at start is a write to a page of the binary
# (a copy-on-write fault): how many the binaries ask for.
relocations() { readelf -rW "$1" 2>/dev/null | grep -c R_X86_64_RELATIVE || true; }
if command -v readelf >/dev/null; then
  echo "(load-time relocations: sysgate $(relocations "$sysgate")${baseline:+, baseline $(relocations "$baseline")})"
fi
