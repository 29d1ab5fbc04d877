#!/usr/bin/env bash
# CI build hermeticity (issue 12): the GoogleTest build of path_rules.sh
# (cmake + make -j2 of the sources Debian ships in /usr/src/googletest, wall
# time) in one run, interleaved, medians, each against native:
#   (a) native: the build alone;
#   (b) enforce: `sysgate run --policy policies/hermetic-build.yaml`, the
#       hermetic filesystem policy path_rules.sh measures;
#   (c) audit: the same policy with `--mode audit --access-report FILE`;
#   (d) learned: `sysgate run --policy learned.yaml`, the policy
#       `sysgate learn -o learned.yaml -- BUILD` wrote from a first run (made
#       once, before the repetitions; skipped, and said so, when this sysgate
#       has no learn command);
#   and the floor tracer (floor_tracer.c) stopping on the calls (b) stops:
#   what those stops alone cost.
# Every build runs in the same scratch directory (made afresh before each run:
# ${CWD} of the policies) with PATH=/usr/bin:/bin and TMPDIR inside it,
# natively too, so the policy allows what the build does and every runner does
# the same work (with the caller's PATH and TMPDIR a build may execute tools
# outside /usr or write its temporaries to /tmp, which (b) refuses and (c)
# does not). Prints wall seconds, the ratios to native against the target
# (<= 1.15), and what each access report of (c) lists: the build's sources
# read, the files left in its build tree created or written. With
# BENCH_COUNT=1, one more run of each sysgate runner with strace on the
# supervisor (not on the build) counts its stops and system calls, and one
# under `perf stat` (when perf is installed) its own CPU time. See
# bench/README.md.
#
#   BENCH_BUILD_REPS=N  repetitions (default 3)
#   BENCH_FLOOR=0       leave out the floor tracer
#   BENCH_COUNT=1       also count the supervisor's stops, system calls and CPU time
#   BENCH_TIMEOUT=S     seconds before a build is ended as hung (default 900)
#   BENCH_LEARN_ARGS=.. options for `sysgate learn` (e.g. "--generalise trees"; default none)
#   BENCH_KEEP=DIR      keep the access reports, the learned policy and every
#                       run's standard error in DIR
#   SYSGATE=PATH        the sysgate binary (default build/sysgate)
#   CC=...              C compiler for the floor tracer (default cc)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
reps=${BENCH_BUILD_REPS:-3}
with_floor=${BENCH_FLOOR:-1}
count=${BENCH_COUNT:-0}
limit=${BENCH_TIMEOUT:-900}
keep=${BENCH_KEEP:-}
read -r -a learn_args <<<"${BENCH_LEARN_ARGS:-}"
sysgate=${SYSGATE:-$repo/build/sysgate}
cc=${CC:-cc}
target=1.15
gtest_src=/usr/src/googletest
say() { echo "hermetic_audit: $*" >&2; }
[[ -x $sysgate ]] || { say "no sysgate binary at $sysgate (build it, or set SYSGATE)"; exit 1; }
sysgate=$(realpath "$sysgate") # the builds run in another directory
((reps > 0)) || { say "BENCH_BUILD_REPS must be positive"; exit 1; }
[[ -f $gtest_src/CMakeLists.txt ]] || { say "no GoogleTest sources in $gtest_src (apt-get install googletest)"; exit 1; }
for t in cmake make jq timeout; do
  command -v "$t" >/dev/null || { say "$t is not installed"; exit 1; }
done
if [[ $count == 1 ]]; then command -v strace >/dev/null || { say "BENCH_COUNT=1 needs strace"; exit 1; }; fi
if [[ -n $keep ]]; then mkdir -p "$keep"; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sysgate-hermetic.XXXXXX")
tmp=$(realpath "$tmp") # ${CWD} is a realpath
trap 'rm -rf "$tmp"' EXIT
work=$tmp/work # where every build runs: ${CWD}; its build tree and TMPDIR are inside
policy=$here/policies/hermetic-build.yaml
learned=$tmp/learned.yaml
"$cc" -O2 -Wall -Wextra -o "$tmp/floor" "$here/floor_tracer.c"
fresh_work() { rm -rf "$work" && mkdir -p "$work/tmp"; }
fresh_work
(cd "$work" && "$sysgate" check "$policy" >/dev/null)
# The x86_64 calls a policy makes stop, as `sysgate explain` lists them.
floor_calls=$(cd "$work" && "$sysgate" explain "$policy" |
  awk '/^ABI x86_64/ { on = 1; next } /^ABI / { on = 0 } on && $1 ~ /^[0-9]+$/ && $3 == "traced:" { printf "%s%s", sep, $1; sep = "," }')
has_learn=0
usage=$("$sysgate" --help 2>&1 || true)
if [[ $usage == *"sysgate learn"* ]]; then has_learn=1; fi

# The build, the same for every runner: configure and build in ./build.
build_env=(env PATH=/usr/bin:/bin TMPDIR="$work/tmp")
# shellcheck disable=SC2016 # expanded by the inner shell
build=(/bin/sh -c 'cmake -S "$1" -B build >/dev/null && make -C build -j2 >/dev/null' sh "$gtest_src")

runners=(native enforce audit)
((has_learn)) && runners+=(learned)
[[ $with_floor == 1 ]] && runners+=(floor)
label() {
  case $1 in
    native) echo "(a) native" ;;
    enforce) echo "(b) hermetic policy, enforced" ;;
    audit) echo "(c) same policy, --mode audit --access-report" ;;
    learned) echo "(d) policy learned by sysgate learn${learn_args[*]:+ ${learn_args[*]}}" ;;
    floor) echo "floor tracer, (b)'s calls stop" ;;
    learn) echo "sysgate learn (the first run of (d))" ;;
  esac
}
cmd=()
runner_cmd() {  # runner -> cmd
  case $1 in
    native) cmd=("${build[@]}") ;;
    enforce) cmd=("$sysgate" run --policy "$policy" -- "${build[@]}") ;;
    audit) cmd=("$sysgate" run --mode audit --policy "$policy" --access-report "$tmp/access.json" -- "${build[@]}") ;;
    learned) cmd=("$sysgate" run --policy "$learned" -- "${build[@]}") ;;
    floor) cmd=("$tmp/floor" "$floor_calls" -- "${build[@]}") ;;
    learn) cmd=("$sysgate" learn "${learn_args[@]}" -o "$learned" -- "${build[@]}") ;;
  esac
}

# Runs runner $1 once in a fresh $work; prints the wall seconds, or returns
# non-zero (and says why) when the build failed.
run_build() {
  local r=$1 tag=$2 t0 t1 rc=0
  fresh_work
  runner_cmd "$r"
  t0=$EPOCHREALTIME
  (cd "$work" && timeout -k 30 "$limit" "${build_env[@]}" "${cmd[@]}" </dev/null >/dev/null 2>"$tmp/stderr") || rc=$?
  t1=$EPOCHREALTIME
  [[ -z $keep ]] || cp "$tmp/stderr" "$keep/$r-$tag.stderr"
  if ((rc != 0)); then
    say "FAILED: $(label "$r"), $tag: exit $rc$( ((rc == 124)) && echo " (no end after $limit s)"); its standard error (first sysgate lines, last lines):"
    { grep -m 3 '^sysgate: ' "$tmp/stderr" || true; tail -n 4 "$tmp/stderr"; } | cut -c 1-400 | sed 's/^/    /' >&2
    return 1
  fi
  echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }'
}

# What the access report $1 of an audit run lists, checked against what the
# build read and left behind: every .cc under $gtest_src/*/src (what
# gtest-all.cc, gmock-all.cc and the two mains compile) read, every file left
# in the build tree created or written.
access_summary() {
  local f=$1 counts srcs read_srcs outs outs_listed missing
  counts=$(jq -r '[.files.read, .files.written, .files.created, .files.deleted, .files.executed, .files.probed, .network] | map(length) | @tsv' "$f")
  jq -r '.files.read[].path' "$f" | sort -u >"$tmp/read.txt"
  jq -r '(.files.created + .files.written)[].path' "$f" | sort -u >"$tmp/out.txt"
  find "$gtest_src"/*/src -name '*.cc' | sort >"$tmp/srcs.txt"
  srcs=$(wc -l <"$tmp/srcs.txt")
  read_srcs=$(comm -12 "$tmp/srcs.txt" "$tmp/read.txt" | wc -l)
  find "$work/build" -type f | sort >"$tmp/tree.txt"
  outs=$(wc -l <"$tmp/tree.txt")
  outs_listed=$(comm -12 "$tmp/tree.txt" "$tmp/out.txt" | wc -l)
  missing=$( (comm -23 "$tmp/srcs.txt" "$tmp/read.txt"; comm -23 "$tmp/tree.txt" "$tmp/out.txt") | sed "s|^$work/||" | head -n 5 | paste -sd ' ')
  read -r n_read n_written n_created n_deleted n_executed n_probed n_net <<<"$counts"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s/%s | %s/%s (%s) | %s |\n' "$2" \
    "$n_read" "$(grep -c "^$gtest_src/" "$tmp/read.txt" || true)" "$n_written" "$n_created" "$n_deleted" "$n_executed" "$n_probed" "$n_net" \
    "$read_srcs" "$srcs" "$outs_listed" "$outs" "$(grep -c '\.a$' "$tmp/tree.txt" || true) libraries" "${missing:-none}"
  [[ $read_srcs == "$srcs" && $outs_listed == "$outs" ]]
}

# Runner order rotates each repetition, so no runner always follows another.
rotated() {
  local k=$1
  shift
  local -a a=("$@")
  local n=${#a[@]} i
  for ((i = 0; i < n; i++)); do echo "${a[$(((i + k) % n))]}"; done
}

results=$tmp/results.txt # runner repetition seconds|NA
: >"$results"
audits=$tmp/audits.txt # one table row per access report
: >"$audits"
audit_ok=1
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

learn_seconds=
if ((has_learn)); then
  say "learning the policy of (d) from a first build"
  if learn_seconds=$(run_build learn first) && (cd "$work" && "$sysgate" check "$learned" >/dev/null); then
    [[ -z $keep ]] || cp "$learned" "$keep/learned.yaml"
  else
    say "no usable learned policy: (d) is left out"
    learn_seconds=failed
    kept=()
    for r in "${runners[@]}"; do [[ $r == learned ]] || kept+=("$r"); done
    runners=("${kept[@]}")
  fi
fi

for ((rep = 1; rep <= reps; rep++)); do
  for r in $(rotated $((rep - 1)) "${runners[@]}"); do
    say "repetition $rep/$reps: $(label "$r")"
    if s=$(run_build "$r" "$rep"); then
      echo "$r $rep $s" >>"$results"
    else
      echo "$r $rep NA" >>"$results"
      continue
    fi
    if [[ $r == audit ]]; then
      if [[ ! -s $tmp/access.json ]]; then
        say "(c), repetition $rep: no access report written"
        audit_ok=0
        continue
      fi
      [[ -z $keep ]] || cp "$tmp/access.json" "$keep/access-$rep.json"
      access_summary "$tmp/access.json" "$rep" >>"$audits" || audit_ok=0
    fi
  done
done

# --- report -----------------------------------------------------------------
median_of() {  # runner -> median seconds of its successful runs, or nothing
  awk -v r="$1" '$1 == r && $3 != "NA" { print $3 }' "$results" | sort -g |
    awk '{ a[NR] = $1 } END { if (NR) print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
version=$("$sysgate" --version 2>/dev/null || echo "sysgate ?")
echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $version ($sysgate; checkout $commit); Linux $(uname -r), $(nproc) CPUs;" \
  "cmake $(cmake --version | awk 'NR == 1 { print $3 }'); $reps interleaved repetitions; unpinned." \
  "Load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "### GoogleTest build (cmake + make -j2) under the hermetic policy: native, enforced, audited, learned; wall seconds, median of $reps"
echo
echo "| runner | seconds | ratio to native | target <= $target | spread % | runs |"
echo "|---|---|---|---|---|---|"
for r in "${runners[@]}"; do
  awk -v r="$r" -v label="$(label "$r")" -v target="$target" '
    $1 == "native" && $3 != "NA" { nat[++nn] = $3 }
    $1 == r { runs++; if ($3 != "NA") v[++n] = $3 }
    function median(a, k,   i, j, t) {
      for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
    }
    END {
      if (n == 0) { printf "| %s | failed | - | - | - | 0/%d |\n", label, runs; exit }
      m = median(v, n); sp = (v[n] - v[1]) / m * 100
      if (nn == 0) { printf "| %s | %.2f | - | - | %.0f | %d/%d |\n", label, m, sp, n, runs; exit }
      nm = median(nat, nn); q = m / nm
      verdict = (r == "native" || r == "floor") ? "-" : (q <= target ? "met" : "missed")
      printf "| %s | %.2f | x%.2f | %s | %.0f | %d/%d |\n", label, m, q, verdict, sp, n, runs
    }' "$results"
done
echo
if ((has_learn)); then
  if [[ $learn_seconds == failed ]]; then
    echo "(d) left out: sysgate learn did not write a policy that builds (see the messages above)."
  else
    awk -v s="$learn_seconds" -v m="$(median_of native)" -v args="${learn_args[*]:+ ${learn_args[*]}}" 'BEGIN {
      printf "(d) learned from one build under `sysgate learn%s`: %.2f s%s.\n", args, s, m != "" ? sprintf(" (x%.2f native)", s / m) : "" }'
  fi
else
  echo "(d) skipped: this sysgate has no learn command (\`sysgate --help\` does not list it)."
fi
echo
echo "### What the access reports of (c) list"
echo
echo "Files per kind; sources: the .cc files under $gtest_src/*/src read; build tree: the files left in it listed as created or written."
echo
echo "| repetition | read | read under $gtest_src | written | created | deleted | executed | probed | network | sources read | build tree listed | not listed |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
cat "$audits"
echo
if ((audit_ok)); then
  echo "Access reports: every source read and every output listed."
else
  echo "Access reports: INCOMPLETE (see the rows above and the messages on standard error)."
fi

# --- counts -----------------------------------------------------------------
# strace on the supervisor alone (no -f: the build stays sysgate's tracee).
# Stops are the wait4 calls that returned a task; the other wait4 calls are
# the stop poll's empty answers. The supervisor's own CPU time is perf's
# task-clock without the build (--no-inherit), in a run of its own. Which
# calls stop: strace -f -c on the native build, limited to the calls (b)
# traces (`sysgate explain`).
task_clock() { awk -F, '$3 == "task-clock" { printf "%.2f", $1 / 1000 }' "$1"; }
if [[ $count == 1 ]]; then
  has_perf=0
  command -v perf >/dev/null && has_perf=1
  echo
  echo "### The supervisor per build (one run each; strace on sysgate, not on the build)"
  echo
  echo "| runner | stops | system calls | ptrace | wait4, empty | path lookups (newfstatat, readlink, openat) | tracee memory (process_vm_readv, pread64, pwrite64) | writes | supervisor CPU s | supervisor CPU µs per stop |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  : >"$tmp/top.txt"
  for r in "${runners[@]}"; do
    [[ $r == enforce || $r == audit || $r == learned ]] || continue
    say "counting: $(label "$r")"
    runner_cmd "$r"
    fresh_work
    if ! (cd "$work" && "${build_env[@]}" strace -qq -o "$tmp/strace.txt" "${cmd[@]}" </dev/null >/dev/null 2>&1); then
      say "counting: $(label "$r") failed under strace"
      continue
    fi
    cpu=-
    fresh_work
    if ((has_perf)) && (cd "$work" && "${build_env[@]}" perf stat -x, -o "$tmp/perf.txt" -e task-clock --no-inherit -- "${cmd[@]}" </dev/null >/dev/null 2>&1); then
      cpu=$(task_clock "$tmp/perf.txt")
    fi
    awk -v label="$(label "$r")" -v cpu="$cpu" -v top="$tmp/top.txt" '
      { name = $0; sub(/\(.*/, "", name); calls++; by[name]++ }
      /^wait4\(/ { if (/ = [1-9][0-9]*$/) stops++; else empty++ }
      END {
        printf "| %s | %d | %d | %d | %d | %d | %d | %d | %s | %s |\n", label, stops, calls, by["ptrace"], empty,
          by["newfstatat"] + by["readlink"] + by["readlinkat"] + by["openat"],
          by["process_vm_readv"] + by["pread64"] + by["pwrite64"], by["write"] + by["writev"], cpu,
          (cpu != "-" && stops) ? sprintf("%.1f", cpu / stops * 1e6) : "-"
        # the six most frequent calls of the supervisor
        line = "- " label ":"
        for (k = 0; k < 6; k++) {
          best = ""; for (n in by) if (best == "" || by[n] > by[best]) best = n
          if (best == "") break
          line = line sprintf(" %s %d%s", best, by[best], k < 5 ? "," : ""); delete by[best]
        }
        print line >>top
      }' "$tmp/strace.txt"
  done
  echo
  echo "The supervisor's most frequent system calls:"
  echo
  cat "$tmp/top.txt"
  say "counting: (a) native"
  echo
  fresh_work
  if ((has_perf)) && (cd "$work" && "${build_env[@]}" perf stat -x, -o "$tmp/perf.txt" -e task-clock -- "${build[@]}" </dev/null >/dev/null 2>&1); then
    echo "CPU time of the native build (perf task-clock, the whole tree): $(task_clock "$tmp/perf.txt") s."
    echo
  fi
  traced_names=$(cd "$work" && "$sysgate" explain "$policy" |
    awk '/^ABI x86_64/ { on = 1; next } /^ABI / { on = 0 } on && $1 ~ /^[0-9]+$/ && $3 == "traced:" { printf "%s?%s", sep, $2; sep = "," }')
  fresh_work
  if (cd "$work" && "${build_env[@]}" strace -f -qq -c -U name,calls,errors -S calls -o "$tmp/calls.txt" --seccomp-bpf -e trace="$traced_names" -- "${build[@]}" </dev/null >/dev/null 2>&1); then
    echo "Calls of the native build that stop under (b) (strace -f -c, the calls \`sysgate explain\` lists as traced; errors: failed natively, e.g. ENOENT of a search):"
    echo
    awk 'NR > 2 && $1 !~ /^-/ { printf "%s%s %d (%d failed)", sep, $1, $2, $3 + 0; sep = ", " } END { print "" }' "$tmp/calls.txt"
  else
    say "counting: strace -f -c of the native build failed (calls: $traced_names)"
  fi
fi
echo
echo "($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
