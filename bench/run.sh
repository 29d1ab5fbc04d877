#!/usr/bin/env bash
# sysgate benchmarks: native vs sysgate (kernel-decided, every call traced,
# ptrace engine) vs strace -f vs the floor tracer, measured in one run with
# the runners interleaved, printed as markdown tables. See bench/README.md.
#
# Environment:
#   SYSGATE=PATH          the sysgate binary (default: build/sysgate, else built
#                         from this checkout into the temporary directory)
#   BENCH_REPS=N          repetitions of the microbenchmarks (default 5)
#   BENCH_BUILD_REPS=N    repetitions of the GoogleTest build (default 3)
#   BENCH_SKIP_BUILD=1    skip the GoogleTest build
#   BENCH_WORKLOADS=LIST  microbenchmarks to run (default "getppid openat forkexec")
#   BENCH_CPUS=LIST       run every command under `taskset -c LIST` (e.g. 0 puts
#                         tracer and tracee on one CPU); unset: unpinned
#   BENCH_OUT=FILE        also write the tables to FILE
#   CC=...                C compiler for the workloads (default cc)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
reps=${BENCH_REPS:-5}
build_reps=${BENCH_BUILD_REPS:-3}
workloads=${BENCH_WORKLOADS:-getppid openat forkexec}
cc=${CC:-cc}
gtest_src=/usr/src/googletest

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sysgate-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
say() { echo "bench: $*" >&2; }

# --- build ------------------------------------------------------------------
for src in "$here"/workloads/*.c "$here/floor_tracer.c"; do
  "$cc" -O2 -Wall -Wextra -pthread -o "$tmp/$(basename "$src" .c)" "$src"
done
floor=$tmp/floor_tracer

sysgate=${SYSGATE:-}
if [[ -z $sysgate && -x $repo/build/sysgate ]]; then sysgate=$repo/build/sysgate; fi
if [[ -z $sysgate ]]; then
  say "building sysgate (Release) into $tmp/sysgate-build"
  cmake -S "$repo" -B "$tmp/sysgate-build" -DCMAKE_BUILD_TYPE=Release -DSYSGATE_TESTS=OFF >/dev/null
  cmake --build "$tmp/sysgate-build" -j"$(nproc)" >/dev/null
  sysgate=$tmp/sysgate-build/sysgate
fi
[[ -x $sysgate ]] || { say "no sysgate binary at '$sysgate'"; exit 1; }
command -v strace >/dev/null || { say "strace is not installed"; exit 1; }
pol=$here/policies
"$sysgate" check "$pol/allow-all.yaml" "$pol/trace-all.yaml" >/dev/null

pin=()
if [[ -n ${BENCH_CPUS:-} ]]; then pin=(taskset -c "$BENCH_CPUS"); fi

# --- runners ----------------------------------------------------------------
runners=(native sg-allow sg-trace sg-ptrace strace floor floor-poll floor-none)
build_runners=(native sg-allow sg-trace strace floor)

# Sets cmd to the command line of runner $1 for the program that follows.
cmd=()
runner_cmd() {
  local r=$1
  shift
  case $r in
    native) cmd=("$@") ;;
    sg-allow) cmd=("$sysgate" run --policy "$pol/allow-all.yaml" --log /dev/null -- "$@") ;;
    sg-trace) cmd=("$sysgate" run --policy "$pol/trace-all.yaml" --log /dev/null -- "$@") ;;
    sg-ptrace) cmd=("$sysgate" run --engine ptrace --policy "$pol/allow-all.yaml" --log /dev/null -- "$@") ;;
    strace) cmd=(strace -f -o /dev/null "$@") ;;
    floor) cmd=("$floor" all -- "$@") ;;
    floor-poll) cmd=("$floor" poll -- "$@") ;;
    floor-none) cmd=("$floor" none -- "$@") ;;
  esac
  cmd=("${pin[@]}" "${cmd[@]}")
}

results=$tmp/results.txt # workload runner rep in-process-seconds wall-seconds
: >"$results"

now() { echo "$EPOCHREALTIME"; }

# Runs runner $1 on microbenchmark $2; records its in-process and wall time.
run_micro() {
  local r=$1 w=$2 rep=$3 out t0 t1 rc=0
  runner_cmd "$r" "$tmp/$w"
  t0=$(now)
  out=$("${cmd[@]}" 2>/dev/null) || rc=$?
  t1=$(now)
  if [[ $rc -ne 0 || ! $out =~ ^[0-9]+\.[0-9]+$ ]]; then
    say "FAILED: $w under $r (exit $rc, output '$out')"
    echo "$w $r $rep NA NA" >>"$results"
    return
  fi
  echo "$w $r $rep $out $(echo "$t0 $t1" | awk '{printf "%.6f", $2 - $1}')" >>"$results"
}

# Configures and builds GoogleTest in a fresh directory under runner $1.
run_build() {
  local r=$1 rep=$2 dir t0 t1 rc=0
  dir=$(mktemp -d "$tmp/gtest.XXXXXX")
  # shellcheck disable=SC2016 # expanded by the inner shell
  local script='cmake -S "$1" -B "$2" >/dev/null && make -C "$2" -j2 >/dev/null'
  runner_cmd "$r" /bin/sh -c
  t0=$(now)
  "${cmd[@]}" "$script" sh "$gtest_src" "$dir" >/dev/null 2>&1 || rc=$?
  t1=$(now)
  rm -rf "$dir"
  if [[ $rc -ne 0 ]]; then
    say "FAILED: gtest-build under $r (exit $rc)"
    echo "gtest-build $r $rep NA NA" >>"$results"
    return
  fi
  local wall
  wall=$(echo "$t0 $t1" | awk '{printf "%.6f", $2 - $1}')
  echo "gtest-build $r $rep $wall $wall" >>"$results"
}

# Runner order rotates each repetition, so no runner always follows another.
rotated() {
  local k=$1
  shift
  local -a a=("$@")
  local n=${#a[@]} i
  for ((i = 0; i < n; i++)); do echo "${a[$(((i + k) % n))]}"; done
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for w in $workloads; do
  for ((rep = 1; rep <= reps; rep++)); do
    say "$w: repetition $rep/$reps"
    for r in $(rotated $((rep - 1)) "${runners[@]}"); do run_micro "$r" "$w" "$rep"; done
  done
done

build_ran=0
build_ran_reps=skipped
if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  if [[ -f $gtest_src/CMakeLists.txt ]] && command -v cmake >/dev/null && command -v make >/dev/null; then
    build_ran=1
    build_ran_reps=$build_reps
    for ((rep = 1; rep <= build_reps; rep++)); do
      say "gtest-build: repetition $rep/$build_reps"
      for r in $(rotated $((rep - 1)) "${build_runners[@]}"); do run_build "$r" "$rep"; done
    done
  else
    say "skipping the GoogleTest build: $gtest_src, cmake or make missing (apt-get install googletest cmake make)"
  fi
fi

# --- report -----------------------------------------------------------------
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
version=$("$sysgate" --version 2>/dev/null || echo "sysgate ?")
placement=${BENCH_CPUS:+"all commands pinned with taskset -c $BENCH_CPUS"}
placement=${placement:-unpinned (the scheduler places tracer and tracee)}

report() {
  echo "# sysgate benchmarks"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $version ($sysgate; checkout $commit); Linux $(uname -r)," \
    "$(nproc) CPUs; $(strace -V | head -1 | sed 's/ -- version//'); $reps interleaved repetitions" \
    "(GoogleTest build: $build_ran_reps); $placement. Load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  awk -v runners="${runners[*]}" -v build_runners="${build_runners[*]}" -v workloads="$workloads" \
    -v build_ran="$build_ran" -f "$here/report.awk" "$results"
}
report | tee ${BENCH_OUT:+"$BENCH_OUT"}
