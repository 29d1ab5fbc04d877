#!/usr/bin/env bash
# sysgate batch against its baselines: N trivial graded runs (a static C
# program that sums its input; grade-c, its output compared as tokens)
#   loop        the program alone, N times one after another (bench/spawn_loop.c: fork, exec, wait)
#   run         N sequential `sysgate run --policy grade-c --stdin --stdout` (timed by spawn_loop)
#   batch -j1   `sysgate batch -j 1` of a job file of the same N runs
#   batch -j2   `sysgate batch -j 2`
# interleaved over BENCH_REPS repetitions, printed as a markdown table: runs
# per second, per-run latency p50/p99 (for batch: each run's fork-to-reap time,
# batch.elapsed_s of its report), and the overhead per run over the loop
# ((wall - loop's wall) / N; for -j2 the wall is compared as -j2 has 2 CPUs:
# (2 x wall - loop's wall) / N). See bench/README.md, "sysgate batch".
#
# Environment: SYSGATE (default build/sysgate), BASELINE (another sysgate
# binary: its batch -j1 and -j2 runners too, interleaved, for a before and
# after), BENCH_RUNS (default 500), BENCH_REPS (default 3), BENCH_CGROUPS=0
# (every runner with --no-cgroups), BENCH_OUT (also write the table there),
# BENCH_DIR (where the batches write; default $TMPDIR or /tmp), CC.
#
# The filesystem of BENCH_DIR is printed: a batch makes about six files a run
# and deletes two, and on ext4 each file made scans past the inodes deleted
# in the last seconds (minutes, while their blocks are not yet written back:
# `recently_deleted`), so on a disk with much recent churn the same batch
# takes twice as long as on a quiet one or on tmpfs.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
sysgate=${SYSGATE:-$repo/build/sysgate}
runs=${BENCH_RUNS:-500}
reps=${BENCH_REPS:-3}
cc=${CC:-cc}
baseline=${BASELINE:-}
[[ -x $sysgate ]] || { echo "bench: no sysgate at $sysgate (build first)" >&2; exit 1; }
[[ -z $baseline || -x $baseline ]] || { echo "bench: BASELINE=$baseline is not executable" >&2; exit 1; }
tmp=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/sysgate-bench-batch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
say() { echo "bench: $*" >&2; }

cgflag=()
[[ ${BENCH_CGROUPS:-1} == 0 ]] && cgflag=(--no-cgroups)

"$cc" -O2 -Wall -Wextra -o "$tmp/spawn_loop" "$here/spawn_loop.c"
cat >"$tmp/sum.c" <<'C'
#include <stdio.h>
int main(void) { long long s = 0, x; while (scanf("%lld", &x) == 1) s += x; printf("%lld\n", s); return 0; }
C
mkdir -p "$tmp/sub"  # the submission: what grade-c lets a run execute is its working directory's
"$cc" -O2 -static -o "$tmp/sub/a.out" "$tmp/sum.c"
printf '1 2 3\n' >"$tmp/in.txt"
printf '6\n' >"$tmp/expected.txt"
{
  echo '{"defaults": {"policy": "grade-c", "command": ["./a.out"], "cwd": "sub", "stdin": "in.txt", "expect_stdout": "expected.txt", "compare": "tokens"}}'
  for i in $(seq 1 "$runs"); do printf '{"id": "r%d"}\n' "$i"; done
} >"$tmp/jobs.jsonl"

# field KEY LINE: the value of KEY=VALUE in LINE.
field() { grep -oE "(^| )$1=[^ ]*" <<<"$2" | head -1 | sed 's/^ //; s/^[^=]*=//'; }
now() { date +%s.%N; }

# batch_stats DIR: "p50_ms p99_ms" of the reports' batch.elapsed_s.
batch_stats() {
  python3 -S - "$1" <<'PY'
import json, os, sys
d = sys.argv[1] + "/reports"
v = sorted(json.load(open(os.path.join(d, f)))["batch"]["elapsed_s"] for f in os.listdir(d) if f.endswith(".json"))
print("%.3f %.3f" % (v[len(v) // 2] * 1e3, v[min(len(v) - 1, len(v) * 99 // 100)] * 1e3))
PY
}

declare -A wall p50 p99
add() { wall[$1]+="$2 "; p50[$1]+="$3 "; p99[$1]+="$4 "; }
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

for rep in $(seq 1 "$reps"); do
  say "repetition $rep of $reps"
  line=$(cd "$tmp/sub" && "$tmp/spawn_loop" "$runs" "$tmp/in.txt" "$tmp/out.txt" -- ./a.out)
  add loop "$(field total_s "$line")" "$(field p50_ms "$line")" "$(field p99_ms "$line")"
  line=$(cd "$tmp/sub" && "$tmp/spawn_loop" "$runs" "$tmp/in.txt" "$tmp/out.txt" -- "$sysgate" run "${cgflag[@]}" --quiet --policy grade-c -- ./a.out)
  [[ $(field failed "$line") == 0 ]] || { say "sysgate run failed: $line"; exit 1; }
  add run "$(field total_s "$line")" "$(field p50_ms "$line")" "$(field p99_ms "$line")"
  for j in 1 2; do
    for who in "" ${baseline:+base-}; do
      bin=$sysgate
      [[ -n $who ]] && bin=$baseline
      rm -rf "$tmp/out-j$j"
      t0=$(now)
      "$bin" batch "${cgflag[@]}" -j "$j" --out "$tmp/out-j$j" "$tmp/jobs.jsonl" >/dev/null 2>&1 || { say "$bin batch -j$j failed"; exit 1; }
      t1=$(now)
      read -r a b <<<"$(batch_stats "$tmp/out-j$j")"
      add "${who}batch-j$j" "$(echo "$t1 - $t0" | bc -l)" "$a" "$b"
    done
  done
done
runners=(loop run batch-j1 batch-j2)
[[ -n $baseline ]] && runners+=(base-batch-j1 base-batch-j2)

loop_wall=$(median "${wall[loop]}")
{
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $("$sysgate" --version); $(uname -sr), $(nproc) CPUs; output on $(stat -f -c %T "$tmp"); $runs runs, $reps interleaved repetitions, medians${cgflag:+; --no-cgroups}${baseline:+; base-: $baseline}. Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| runner | wall s | runs/s | p50 ms | p99 ms | overhead per run over the loop, ms |"
  echo "|---|---|---|---|---|---|"
  for r in "${runners[@]}"; do
    w=$(median "${wall[$r]}")
    cpus=1
    [[ $r == *batch-j2 ]] && cpus=2
    over=$(echo "($cpus * $w - $loop_wall) * 1000 / $runs" | bc -l)
    printf '| %s | %.3f | %.0f | %.3f | %.3f | %s |\n' "$r" "$w" "$(echo "$runs / $w" | bc -l)" \
      "$(median "${p50[$r]}")" "$(median "${p99[$r]}")" "$([[ $r == loop ]] && echo - || printf '%.3f' "$over")"
  done
} | tee ${BENCH_OUT:+"$BENCH_OUT"}
