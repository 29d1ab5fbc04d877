#!/usr/bin/env bash
# Stress, the long versions of the integration tests stress_ng and
# concurrent_runs, and the supervisor's own memory under many tasks, with both
# engines, as root. Prints markdown tables (bench/README.md, "Stress"):
#  1. stress-ng, one stressor per run, the CI lists and the long lists and the
#     stressors refused by design (integration/tests/stress_ng.sh with
#     SNG_EACH=1 SNG_LONG=1 SNG_BY_DESIGN=1): natively, under an allow-all
#     policy and under a filesystem section, per engine; result and bogo ops.
#  2. 8 concurrent sysgate runs x 250 runs of the mixed workload
#     (integration/tests/concurrent_runs.sh with CONCURRENT_RUNS=250).
#  3. the peak RSS (VmHWM, sampled from /proc/PID/status every 20 ms) of the
#     sysgate process: a trivial run; 100,000 threads over time (1000 batches
#     of 100, sg_mixed threads 1000 100); 1,000 processes held at once for 5 s
#     (sg_mixed hold 1000 5); under allow-all and under a filesystem section.
#
#   SYSGATE=PATH            the sysgate binary (default build/sysgate)
#   PROGS=DIR               the integration test programs (default build/integration/programs)
#   BENCH_ENGINES=LIST      default "seccomp ptrace"
#   BENCH_SNG_SECONDS=N     stress-ng --timeout per stressor (default 3)
#   BENCH_CONCURRENT_RUNS=K runs per worker (default 250)
#   BENCH_SKIP=LIST         parts to skip: stress-ng, concurrent, rss
#   BENCH_OUT=FILE          also write the tables to FILE
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
export SYSGATE=${SYSGATE:-$repo/build/sysgate}
export PROGS=${PROGS:-$repo/build/integration/programs}
export POLICIES=$repo/integration/policies
engines=${BENCH_ENGINES:-seccomp ptrace}
skip=" ${BENCH_SKIP:-} "
out=${BENCH_OUT:-/dev/null}
say() { echo "stress: $*" >&2; }
emit() { printf '%s\n' "$*" | tee -a "$out"; }
[[ -x $SYSGATE ]] || { say "no sysgate binary at $SYSGATE (build it, or set SYSGATE)"; exit 1; }
[[ -x $PROGS/sg_mixed ]] || { say "no $PROGS/sg_mixed (build the integration programs, or set PROGS)"; exit 1; }
[ "$(id -u)" = 0 ] || say "note: not root; the 1,000-process hold may hit RLIMIT_NPROC"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sysgate-stress.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
: >"$out"

emit "$(date -u '+%Y-%m-%d %H:%M UTC'); sysgate $("$SYSGATE" --version 2>/dev/null | head -1); checkout $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?'); Linux $(uname -r), $(nproc) CPUs; $(stress-ng --version 2>/dev/null | head -1 | cut -d, -f1,2); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
emit ""

# ---- 1. stress-ng -------------------------------------------------------
if [[ $skip != *" stress-ng "* ]]; then
  for e in $engines; do
    say "stress-ng, engine $e (about 4 minutes)"
    : >"$tmp/sng.$e"
    ENGINE=$e SNG_EACH=1 SNG_LONG=1 SNG_BY_DESIGN=1 SNG_SECONDS=${BENCH_SNG_SECONDS:-3} \
      SNG_TABLE="$tmp/sng.$e" bash "$repo/integration/tests/stress_ng.sh" >"$tmp/sng.$e.log" 2>&1
    echo "$?" >"$tmp/sng.$e.rc"
    grep -E '^FAIL' "$tmp/sng.$e.log" >&2 || true
  done
  emit "### stress-ng, ${BENCH_SNG_SECONDS:-3} s per stressor, 1 instance: result (bogo ops)"
  emit ""
  emit "ran = exit 0 with a metrics line; skip = stress-ng skipped it; fail = a \"fail:\" line or exit 2;"
  emit "none = no metrics line (killed by the hang guard). Native from the first engine's pass."
  emit ""
  header="| class | stressor | native"
  sep="|---|---|---"
  for e in $engines; do header+=" | allow-all $e | filesystem $e"; sep+="|---|---"; done
  emit "$header |"
  emit "$sep|"
  first=${engines%% *}
  while IFS='|' read -r cls s n a f; do
    fmt() { local o=$1; case $o in "ran "*) echo "ran (${o#ran })" ;; *) echo "$o" ;; esac; }
    row="| $cls | $s | $(fmt "$n")"
    for e in $engines; do
      line=$(grep -E "^$cls\|$s\|" "$tmp/sng.$e" | head -1)
      IFS='|' read -r _ _ _ ea ef <<<"$line"
      row+=" | $(fmt "${ea:-?}") | $(fmt "${ef:-?}")"
    done
    emit "$row |"
  done <"$tmp/sng.$first"
  emit ""
  for e in $engines; do
    emit "- $e: $(grep -E 'all [0-9]+ checks passed|checks failed' "$tmp/sng.$e.log" | tail -1) (test status $(cat "$tmp/sng.$e.rc"))"
  done
  emit ""
fi

# ---- 2. concurrent runs -------------------------------------------------
if [[ $skip != *" concurrent "* ]]; then
  : >"$tmp/conc"
  for e in $engines; do
    say "concurrent runs, engine $e"
    ENGINE=$e CONCURRENT_RUNS=${BENCH_CONCURRENT_RUNS:-250} CONCURRENT_SUMMARY="$tmp/conc" \
      bash "$repo/integration/tests/concurrent_runs.sh" >"$tmp/conc.$e.log" 2>&1
    echo "$e $?" >>"$tmp/conc.rc"
    grep -E '^(FAIL|bad )' "$tmp/conc.$e.log" | head -20 >&2 || true
  done
  emit "### Concurrent runs"
  emit ""
  emit "| engine | runs | as expected | wall ms | per case: runs (slowest run) |"
  emit "|---|---|---|---|---|"
  while IFS='|' read -r e runs good ms summary; do emit "| $e | $runs | $good | $ms | $summary |"; done <"$tmp/conc"
  emit ""
fi

# ---- 3. supervisor RSS --------------------------------------------------
# peak_rss ARGS...: runs `sysgate run ARGS...`, samples its VmHWM; prints
# "KiB status seconds".
peak_rss() {
  local start pid hwm=0 v rc
  start=$(date +%s%N)
  "$SYSGATE" run --quiet "$@" >/dev/null 2>"$tmp/rss.err" </dev/null &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    v=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
    [ -n "$v" ] && hwm=$v
    sleep 0.02
  done
  wait "$pid"
  rc=$?
  printf '%s %s %s\n' "$hwm" "$rc" "$(awk -v ns=$(($(date +%s%N) - start)) 'BEGIN {printf "%.1f", ns / 1e9}')"
}
if [[ $skip != *" rss "* ]]; then
  mkdir -p "$tmp/w/ok"
  cp "$PROGS/sg_mixed" "$tmp/w/sg_mixed"
  cat >"$tmp/fs.yaml" <<EOF
version: 1
name: rss-fs
abi: [x86_64]
default: allow
filesystem:
  read: ["/usr/**", "/etc/**", "/proc/**", "/sys/**", "/dev/**", "$tmp/w/**"]
  write: [/dev/null]
  exec: ["$tmp/w/sg_mixed"]
EOF
  emit "### Supervisor peak RSS (VmHWM of the sysgate process, KiB)"
  emit ""
  emit "| engine | policy | trivial run | 100,000 threads (1000 x 100) | 1,000 processes held 5 s |"
  emit "|---|---|---|---|---|"
  for e in $engines; do
    for pol in allow-all fs; do
      if [ $pol = allow-all ]; then pf=$POLICIES/allow-all.yaml; else pf=$tmp/fs.yaml; fi
      say "rss: engine $e, policy $pol"
      read -r t_kb t_rc _ < <(peak_rss --engine "$e" --policy "$pf" -- "$tmp/w/sg_mixed" exit 0)
      read -r th_kb th_rc th_s < <(peak_rss --engine "$e" --policy "$pf" -- "$tmp/w/sg_mixed" threads 1000 100)
      read -r h_kb h_rc h_s < <(peak_rss --engine "$e" --policy "$pf" -- "$tmp/w/sg_mixed" hold 1000 5)
      emit "| $e | $pol | $t_kb (exit $t_rc) | $th_kb (exit $th_rc, ${th_s} s) | $h_kb (exit $h_rc, ${h_s} s) |"
    done
  done
  emit ""
fi
emit "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
