#!/bin/bash
# ctest-timeout: 300
# Stress: 8 sysgate runs at once, K runs each, of a mixed workload
# (programs/sg_mixed.c): threads, fork trees whose leaves exec, checked path
# calls (an allowed file read, a denied one refused with EACCES), signals to
# itself and to children, a death by signal, a non-zero exit, a kill rule, and
# every limit hit (CPU time, wall time, memory, processes, output). Every run
# must end by itself (each is under `timeout`) with its known verdict and exit
# status in the JSON report, and the checked calls as the program expects.
#   CONCURRENT_RUNS=K     runs per worker (default: 13 x SYSGATE_STRESS_SCALE
#                         / 20000, at least 3: 13 in CI, 3 in the ASan pass;
#                         bench/stress.sh: 250)
#   CONCURRENT_WORKERS=N  runs at once (default 8)
source "$(dirname "$0")/../lib.sh"

SCALE=${SYSGATE_STRESS_SCALE:-20000}
K=${CONCURRENT_RUNS:-$((13 * SCALE / 20000))}
[ "$K" -ge 3 ] || K=3
WORKERS=${CONCURRENT_WORKERS:-8}
# One run taking this long hangs (the longest case ends in about a second).
RUN_TIMEOUT=${CONCURRENT_TIMEOUT:-60}

W=$WORK
mkdir -p "$W/ok"
echo ALLOWED >"$W/ok/a"
echo SECRET >"$W/secret"
cp "$PROGS/sg_mixed" "$W/sg_mixed"
P=$(policy mixed.yaml <<EOP
version: 1
name: mixed
abi: [x86_64]
default: allow
rules:
  - name: no-vhangup
    syscalls: [vhangup]
    action: kill
filesystem:
  read: ["/usr/**", "/etc/**", "/proc/**", "/sys/**", "/dev/**", "$W/ok/**"]
  write: [/dev/null]
  exec: ["$W/sg_mixed"]
EOP
)

# The cases: NAME|sysgate options|program arguments|verdict|exit status|denials
CASES=(
  "mixed||mixed $W/ok/a $W/secret|OK|0|20"
  "threads||threads 20 10|OK|0|0"
  "tree||tree 3 2|OK|0|0"
  "paths||paths $W/ok/a $W/secret 50|OK|0|50"
  "signals||signals 50|OK|0|0"
  "die||die 10|SIGNALED|138|0"
  "exit||exit 3|NONZERO_EXIT|3|0"
  "cpu|--cpu-time 300ms|spin|CPU_TIME_LIMIT|137|0"
  "wall|--wall-time 500ms|sleep|WALL_TIME_LIMIT|137|0"
  "memory|--memory 64MiB|alloc|MEMORY_LIMIT|137|0"
  "processes|--processes 8|hold 50 0|PROCESS_LIMIT|137|0"
  "output|--output 64KiB|output|OUTPUT_LIMIT|137|0"
  "kill-rule||vhangup|VIOLATION|159|0"
)

# worker N: K runs, case (N + i) mod #CASES; one line per run in $W/w.N:
# "ok CASE MS" or "bad CASE MS what".
worker() {
  local n=$1 i c name opts args verdict status denials out rc ms got start
  local rep=$W/r.$n.json
  for ((i = 0; i < K; i++)); do
    c=${CASES[$(((n + i) % ${#CASES[@]}))]}
    IFS='|' read -r name opts args verdict status denials <<<"$c"
    rm -f "$rep"
    start=$(date +%s%N)
    # shellcheck disable=SC2086
    timeout -k 5 "$RUN_TIMEOUT" "$SYSGATE" run --engine "$ENGINE" --policy "$P" --quiet \
      --report "$rep" $opts -- "$W/sg_mixed" $args >"$W/o.$n" 2>"$W/e.$n" </dev/null
    rc=$?
    ms=$((($(date +%s%N) - start) / 1000000))
    if [ "$ms" -ge $((RUN_TIMEOUT * 1000)) ]; then
      echo "bad $name $ms hung: ended by timeout after $RUN_TIMEOUT s (status $rc)"
      continue
    fi
    got=$(python3 -S -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(r["verdict"], r["denials"]["count"])' "$rep" 2>&1)
    if [ "$rc" != "$status" ] || [ "$got" != "$verdict $denials" ]; then
      echo "bad $name $ms expected status $status, verdict $verdict, $denials denials; got status $rc, '$got'; stdout: $(head -c 300 "$W/o.$n" | tr '\n' ' '); stderr: $(head -c 300 "$W/e.$n" | tr '\n' ' ')"
      continue
    fi
    # The program's own checks (threads created, tree nodes, errnos, signals).
    if [ "$status" = 0 ] && ! grep -qE '(bad=0|failed=0|term_ok=1)' "$W/o.$n"; then
      echo "bad $name $ms the program's result line is missing: $(head -c 300 "$W/o.$n")"
      continue
    fi
    echo "ok $name $ms"
  done >"$W/w.$n"
}

log "$WORKERS workers x $K runs, engine $ENGINE, uid $(id -u)"
start=$(date +%s%N)
pids=()
for ((n = 0; n < WORKERS; n++)); do
  worker "$n" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
elapsed=$((($(date +%s%N) - start) / 1000000))

cat "$W"/w.* >"$W/all"
total=$(wc -l <"$W/all")
good=$(grep -c '^ok ' "$W/all")
expect_that "$WORKERS x $K runs made ($total)" [ "$total" = $((WORKERS * K)) ]
if [ "$good" = "$total" ]; then ok "every run ended with its verdict and status ($good of $total)"; else
  fail "$((total - good)) of $total runs were not as expected:"
  grep '^bad ' "$W/all" | head -20 >&2
fi
# Per case: runs, slowest run.
summary=$(awk '{n[$2]++; if ($3 > m[$2]) m[$2] = $3} END {for (c in n) printf "%s=%d (max %d ms) ", c, n[c], m[c]}' "$W/all")
log "per case: $summary"
log "$total runs in $elapsed ms"
[ -n "${CONCURRENT_SUMMARY:-}" ] && printf '%s|%s|%s|%s|%s\n' "$ENGINE" "$WORKERS x $K" "$good/$total" "$elapsed" "$summary" >>"$CONCURRENT_SUMMARY"
finish
