#!/usr/bin/env bash
# Runs the libFuzzer harnesses of tests/fuzz (docs/fuzzing.md).
#   scripts/fuzz.sh list            the harnesses
#   scripts/fuzz.sh NAME SECONDS    one harness for SECONDS
#   scripts/fuzz.sh all SECONDS     every harness, one after the other
# Builds build-fuzz/ with clang (SYSGATE_FUZZ=ON) when needed. Each run starts
# from a scratch copy of the seed corpus tests/fuzz/corpus/NAME (the repository's
# corpus never grows), with -timeout=10 (a hang is a failure) and
# -rss_limit_mb=2048. Exits non-zero on any crash, hang, leak, out-of-memory or
# sanitizer report and says where the reproducer is.
# Environment: FUZZ_BUILD (build directory, default build-fuzz), FUZZ_WORK
# (scratch directory, default a fresh mktemp -d, kept on failure), FUZZ_JOBS
# (make -j, default 2), FUZZ_ARGS (more libFuzzer options).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${FUZZ_BUILD:-$root/build-fuzz}
fuzz_dir=$root/tests/fuzz

names() {
  for f in "$fuzz_dir"/fuzz_*.cpp; do
    f=${f##*/fuzz_}
    echo "${f%.cpp}"
  done
}

usage() {
  echo "usage: scripts/fuzz.sh list | NAME SECONDS | all SECONDS" >&2
  echo "harnesses: $(names | tr '\n' ' ')" >&2
  exit 2
}

(($# >= 1)) || usage
if [[ $1 == list ]]; then
  names
  exit 0
fi
(($# == 2)) || usage
target=$1
seconds=$2
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: SECONDS must be a positive number, got '$seconds'" >&2; exit 2; }
if [[ $target == all ]]; then
  selected=($(names))
else
  names | grep -qx -- "$target" || { echo "fuzz.sh: no harness '$target'" >&2; usage; }
  selected=("$target")
fi

# Configure (a fresh directory, with clang) and build the harnesses.
if [[ ! -f $build/CMakeCache.txt ]]; then
  command -v clang >/dev/null && command -v clang++ >/dev/null ||
    { echo "fuzz.sh: clang and clang++ are needed (scripts/install-deps.sh installs them)" >&2; exit 1; }
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DSYSGATE_FUZZ=ON -DSYSGATE_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j"${FUZZ_JOBS:-2}" --target "${selected[@]/#/fuzz_}" >"$build/fuzz-build.log" 2>&1 ||
  { cat "$build/fuzz-build.log" >&2; echo "fuzz.sh: building the harnesses failed" >&2; exit 1; }

work=${FUZZ_WORK:-$(mktemp -d /tmp/sysgate-fuzz.XXXXXX)}
mkdir -p "$work"
status=0
for name in "${selected[@]}"; do
  dir=$work/$name
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  [[ -d $fuzz_dir/corpus/$name ]] && cp -r "$fuzz_dir/corpus/$name/." "$dir/corpus/"
  opts=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$dir/artifacts/")
  [[ -f $fuzz_dir/$name.dict ]] && opts+=(-dict="$fuzz_dir/$name.dict")
  [[ -f $fuzz_dir/$name.options ]] && read -r -a extra <"$fuzz_dir/$name.options" && opts+=("${extra[@]}")
  # shellcheck disable=SC2206
  opts+=(${FUZZ_ARGS:-})
  echo "fuzz.sh: $name for ${seconds}s (log: $dir/log)"
  rc=0
  # libFuzzer writes its crash reproducer into artifacts/; the working corpus
  # grows in $dir/corpus only.
  (cd "$dir" && "$build/tests/fuzz/fuzz_$name" "${opts[@]}" "$dir/corpus" >"$dir/log" 2>&1) || rc=$?
  final=$(grep -a -E '^#[0-9]+[[:space:]]+DONE' "$dir/log" | tail -1 || true)
  execs=$(grep -a '^stat::number_of_executed_units' "$dir/log" | awk '{print $2}' || true)
  reports=$(grep -a -c -E '^(==[0-9]+==ERROR|SUMMARY: |.*runtime error:)' "$dir/log" || true)
  artifacts=$(ls -A "$dir/artifacts")
  if ((rc != 0)) || [[ -n $artifacts ]] || ((reports > 0)); then
    status=1
    echo "fuzz.sh: $name FAILED (exit $rc, ${execs:-?} executions)" >&2
    grep -a -E '^(==[0-9]+==ERROR|SUMMARY: |fuzz_[a-z_]+: )|runtime error:' "$dir/log" | head -5 >&2 || true
    for a in $artifacts; do
      echo "fuzz.sh: reproducer: $dir/artifacts/$a (rerun: $build/tests/fuzz/fuzz_$name $dir/artifacts/$a)" >&2
    done
    echo "fuzz.sh: full log: $dir/log" >&2
  else
    echo "fuzz.sh: $name ok: ${execs:-?} executions, ${final#*DONE}"
  fi
done
if ((status == 0)) && [[ -z ${FUZZ_WORK:-} ]]; then
  rm -rf "$work"
fi
exit $status
