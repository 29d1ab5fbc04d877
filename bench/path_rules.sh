#!/usr/bin/env bash
# Path rules (issue 3): an openat+close loop whose opens are checked against a
# filesystem section (each open read from memory, resolved, matched), against
# native and `strace -f --seccomp-bpf -e trace=%file`; and the GoogleTest build
# under a hermetic filesystem policy against native. Next to sysgate, the floor
# tracer (floor_tracer.c) stops on exactly the calls the policy traces and does
# nothing else: what those stops alone cost here. The build also runs under
# the same policy with `view: true` (the kernel answers stat-like calls in the
# filesystem view), and the floor tracer with that policy's stops. One run,
# interleaved, medians. See bench/README.md.
#
#   BENCH_REPS=N         repetitions of the loop (default 5)
#   BENCH_BUILD_REPS=N   repetitions of the build (default 2; 0 skips it)
#   SYSGATE=PATH         the sysgate binary (default build/sysgate)
#   BASELINE=PATH        another sysgate binary whose runners are interleaved
#                        with these (before and after a change, in one run)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
reps=${BENCH_REPS:-5}
build_reps=${BENCH_BUILD_REPS:-2}
sysgate=${SYSGATE:-$repo/build/sysgate}
[[ -x $sysgate ]] || { echo "no sysgate binary at $sysgate" >&2; exit 1; }
baseline=${BASELINE:-}
[[ -z $baseline || -x $baseline ]] || { echo "BASELINE=$baseline is not executable" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sysgate-paths.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cc -O2 -pthread -o "$tmp/openat" "$here/workloads/openat.c"
cc -O2 -o "$tmp/floor" "$here/floor_tracer.c"
cat >"$tmp/loop.yaml" <<EOP
version: 1
default: allow
filesystem:
  read: ["/usr/**", "/etc/**", "/proc/**", "/dev/**", "$tmp/**"]
  write: [/dev/null, /dev/tty]
  exec: ["$tmp/openat"]
EOP
cat >"$tmp/build.yaml" <<EOP
version: 1
default: allow
filesystem:
  read: ["/usr/**", "/etc/**", "/proc/**", "/sys/**", "/dev/**", "$tmp/**"]
  write: ["$tmp/**", /dev/null, /dev/tty]
  exec: ["/usr/bin/**", "/usr/lib/**", "/usr/libexec/**"]
EOP
# The same with the filesystem view: stat-like calls answered by the kernel.
sed 's/^filesystem:$/filesystem:\n  view: true/' "$tmp/build.yaml" >"$tmp/view.yaml"
"$sysgate" check "$tmp/loop.yaml" "$tmp/build.yaml" "$tmp/view.yaml" >/dev/null
# The x86_64 calls a policy makes stop, as `sysgate explain` lists them.
traced() { "$here/traced_calls.sh" "$sysgate" "$1"; }
loop_calls=$(traced "$tmp/loop.yaml")
build_calls=$(traced "$tmp/build.yaml")
view_calls=$(traced "$tmp/view.yaml")

loop_runners=(native sysgate strace floor)
build_runners=(native sysgate floor view floor-view)
if [[ -n $baseline ]]; then
  loop_runners+=(baseline)
  build_runners+=(baseline baseline-view)
fi
declare -A t
run() {  # runner -> in-process seconds of the openat loop
  case $1 in
    native) "$tmp/openat" ;;
    sysgate) "$sysgate" run --policy "$tmp/loop.yaml" -- "$tmp/openat" 2>/dev/null ;;
    baseline) "$baseline" run --policy "$tmp/loop.yaml" -- "$tmp/openat" 2>/dev/null ;;
    strace) strace -f --seccomp-bpf -e trace=%file -o /dev/null "$tmp/openat" ;;
    floor) "$tmp/floor" "$loop_calls" -- "$tmp/openat" ;;
  esac
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for ((i = 0; i < reps; i++)); do
  for r in "${loop_runners[@]}"; do t[$r]+="$(run "$r") "; done
done
n=$(echo "${t[native]}" | tr ' ' '\n' | grep . | median)
echo "### openat+close loop (25000 x, 50000 calls) under a filesystem section, in-process seconds, median of $reps"
echo
echo "| runner | seconds | ratio to native | µs per call over native |"
echo "|---|---|---|---|"
for r in "${loop_runners[@]}"; do
  m=$(echo "${t[$r]}" | tr ' ' '\n' | grep . | median)
  case $r in
    sysgate) name="sysgate filesystem section" ;;
    strace) name="strace -f --seccomp-bpf -e trace=%file" ;;
    floor) name="floor tracer, same calls stop" ;;
    baseline) name="baseline: sysgate filesystem section" ;;
    *) name=$r ;;
  esac
  awk -v m="$m" -v n="$n" -v r="$name" 'BEGIN { printf "| %s | %.3f | x%.2f | %.2f |\n", r, m, m / n, (m - n) / 50000 * 1e6 }'
done
if ((build_reps > 0)); then
  gb() {  # runner -> wall seconds of configuring and building GoogleTest
    local dir=$tmp/gtest-$1-$RANDOM s e
    s=$(date +%s.%N)
    case $1 in
      native) sh -c "cmake -S /usr/src/googletest -B $dir >/dev/null && make -C $dir -j2 >/dev/null" ;;
      sysgate) "$sysgate" run --policy "$tmp/build.yaml" -- sh -c "cmake -S /usr/src/googletest -B $dir >/dev/null && make -C $dir -j2 >/dev/null" 2>/dev/null ;;
      floor) "$tmp/floor" "$build_calls" -- sh -c "cmake -S /usr/src/googletest -B $dir >/dev/null && make -C $dir -j2 >/dev/null" ;;
      view) "$sysgate" run --policy "$tmp/view.yaml" --cwd "$tmp" -- sh -c "cmake -S /usr/src/googletest -B $dir >/dev/null && make -C $dir -j2 >/dev/null" 2>/dev/null ;;
      baseline) "$baseline" run --policy "$tmp/build.yaml" -- sh -c "cmake -S /usr/src/googletest -B $dir >/dev/null && make -C $dir -j2 >/dev/null" 2>/dev/null ;;
      baseline-view) "$baseline" run --policy "$tmp/view.yaml" --cwd "$tmp" -- sh -c "cmake -S /usr/src/googletest -B $dir >/dev/null && make -C $dir -j2 >/dev/null" 2>/dev/null ;;
      floor-view) "$tmp/floor" "$view_calls" -- sh -c "cmake -S /usr/src/googletest -B $dir >/dev/null && make -C $dir -j2 >/dev/null" ;;
    esac
    e=$(date +%s.%N)
    rm -rf "$dir"
    awk -v s="$s" -v e="$e" 'BEGIN { print e - s }'
  }
  declare -A b
  for ((i = 0; i < build_reps; i++)); do
    for r in "${build_runners[@]}"; do b[$r]+="$(gb "$r") "; done
  done
  bn=$(echo "${b[native]}" | tr ' ' '\n' | grep . | median)
  echo
  echo "### GoogleTest build (cmake + make -j2) under a hermetic filesystem policy, wall seconds, median of $build_reps"
  echo
  echo "| runner | seconds | ratio to native |"
  echo "|---|---|---|"
  for r in "${build_runners[@]}"; do
    m=$(echo "${b[$r]}" | tr ' ' '\n' | grep . | median)
    case $r in
      sysgate) name="sysgate, every path call stops" ;;
      floor) name="floor tracer, the same calls stop" ;;
      view) name="sysgate, view: true (stat-like calls answered by the kernel)" ;;
      floor-view) name="floor tracer, the same calls as view: true stop" ;;
      baseline) name="baseline: sysgate, every path call stops" ;;
      baseline-view) name="baseline: sysgate, view: true" ;;
      *) name=$r ;;
    esac
    awk -v m="$m" -v n="$bn" -v r="$name" 'BEGIN { printf "| %s | %.2f | x%.2f |\n", r, m, m / n }'
  done
fi
echo
echo "($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)${baseline:+; baseline $baseline})"
