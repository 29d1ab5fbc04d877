#!/usr/bin/env bash
# Per-run overhead for graders: N sequential runs of a trivial C program
# (reads numbers, prints their sum), natively and under `sysgate run` with the
# shipped grade-c policy and grading limits (cgroups, and with --no-cgroups),
# measured in one run, interleaved in blocks. Prints milliseconds per run and
# the overhead against native. See bench/README.md.
#
#   BENCH_RUNS=N   runs per runner (default 200)
#   SYSGATE=PATH   the sysgate binary (default build/sysgate)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
runs=${BENCH_RUNS:-200}
sysgate=${SYSGATE:-$repo/build/sysgate}
[[ -x $sysgate ]] || { echo "no sysgate binary at $sysgate (build it, or set SYSGATE)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sysgate-grading.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/sum.c" <<'C'
#include <stdio.h>
int main(void) { long x, s = 0; while (scanf("%ld", &x) == 1) s += x; printf("%ld\n", s); return 0; }
C
cc -O2 -o "$tmp/a.out" "$tmp/sum.c"
echo "1 2 3 4 5" >"$tmp/in.txt"
limits=(--cpu-time 2s --wall-time 5s --memory 256MiB --processes 1 --output 1MiB)

run_native() { "$tmp/a.out" <"$tmp/in.txt" >"$tmp/out.txt"; }
run_sysgate() {
  "$sysgate" run --policy grade-c "${limits[@]}" "$@" --stdin "$tmp/in.txt" --stdout "$tmp/out.txt" \
    --cwd "$tmp" --report "$tmp/report.json" -- ./a.out 2>/dev/null
}
run_nocg() { run_sysgate --no-cgroups; }

declare -A total=([native]=0 [sysgate]=0 [nocg]=0)
block=20
now() { date +%s%N; }
for ((done_ = 0; done_ < runs; done_ += block)); do
  for r in native sysgate nocg; do
    t0=$(now)
    for ((i = 0; i < block; i++)); do "run_$r"; done
    t1=$(now)
    total[$r]=$((total[$r] + t1 - t0))
  done
done
grep -q '"verdict":"OK"' "$tmp/report.json" || { echo "the last sysgate run was not OK" >&2; exit 1; }
ms() { awk -v ns="$1" -v n="$runs" 'BEGIN { printf "%.2f", ns / n / 1e6 }'; }
native=$(ms "${total[native]}")
echo "| runner | ms per run | overhead per run, ms |"
echo "|---|---|---|"
echo "| native | $native | - |"
for r in sysgate nocg; do
  m=$(ms "${total[$r]}")
  label=$([[ $r == sysgate ]] && echo "sysgate grade-c (cgroups)" || echo "sysgate grade-c --no-cgroups")
  echo "| $label | $m | $(awk -v a="$m" -v b="$native" 'BEGIN { printf "%.2f", a - b }') |"
done
echo "($runs sequential runs each, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
