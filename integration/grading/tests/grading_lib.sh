# Shared helpers of the grading integration tests (sourced, bash).
#
# Environment (set by CMakeLists.txt):
#   SYSGATE           the sysgate binary
#   GRADING_PROGRAMS  directory of the statically linked student programs (sgg_*)
#   GRADING_POLICIES  directory of grade-c*.yaml
#   GRADING_MODE      cgroup | nocgroup (nocgroup exports SYSGATE_NO_CGROUPS=1)
#
# A test calls `sg ARGS...` for each run (`sysgate run --report R ARGS...`),
# then asserts with `expect`, `expect_report PYTHON-EXPR` etc., and ends with
# `finish`. Every failed assertion is recorded; the test fails at `finish`.

set -u

: "${SYSGATE:?SYSGATE must name the sysgate binary}"
: "${GRADING_PROGRAMS:?}"
: "${GRADING_POLICIES:?}"
: "${GRADING_MODE:=cgroup}"

case "$GRADING_MODE" in
  cgroup) unset SYSGATE_NO_CGROUPS ;;
  nocgroup) export SYSGATE_NO_CGROUPS=1 ;;
  *) echo "GRADING_MODE must be cgroup or nocgroup" >&2; exit 2 ;;
esac

POL=$GRADING_POLICIES
BIN=$GRADING_PROGRAMS
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sysgate-grading.XXXXXX")
TMP=$(realpath "$TMP")
REPORT=$TMP/report.json
FAILURES=0
TEST_NAME=$(basename "$0" .sh).$GRADING_MODE
[ "$(id -u)" = 0 ] || TEST_NAME+=.user  # as the NAME.*.user tests run it
trap 'rm -rf "$TMP"' EXIT

# The real interpreter (a pyenv shim costs 0.2 s a call); -S: no site packages.
PY=$(python3 -c 'import sys; print(sys.executable)')
[ -x "$PY" ] || PY=python3

log() { printf '%s\n' "$*" >&2; }

# not COMMAND...: succeeds when the command fails (for `expect`).
not() { ! "$@"; }

fail() {
  FAILURES=$((FAILURES + 1))
  log "FAIL: $*"
}

# sg ARGS...: runs `sysgate run --report $REPORT ARGS...` from the current
# directory. Sets RC, writes the program's stdout/stderr (when not redirected
# by the run's own options) to $TMP/stdout and $TMP/stderr, and checks that
# the run's cgroups are gone afterwards.
sg() {
  rm -f "$REPORT"
  SG_SHOWN=0
  SG_MISSING_NOTED=0
  SG_CMD="sysgate run --report $REPORT $*"
  "$SYSGATE" run --report "$REPORT" "$@" >"$TMP/stdout" 2>"$TMP/stderr" &
  SG_PID=$!
  wait "$SG_PID"
  RC=$?
  if [ "$GRADING_MODE" = cgroup ]; then
    local left
    left=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "sysgate-$SG_PID-*" 2>/dev/null)
    [ -z "$left" ] || fail "run's cgroups not removed after '$SG_CMD': $left"
  fi
  return 0
}

# The last run's stderr and report, for the record (in full once per run).
SG_SHOWN=0
SG_MISSING_NOTED=0
show_run() {
  log "---- ${SG_CMD:-(no sysgate run yet)} (exit ${RC:-})"
  [ "$SG_SHOWN" = 0 ] || return 0
  SG_SHOWN=1
  log "stderr: $(head -c 2000 "$TMP/stderr" 2>/dev/null)"
  log "report: $(cat "$REPORT" 2>/dev/null || echo '(none)')"
}

# expect DESCRIPTION COMMAND...: the command must succeed.
expect() {
  local what=$1
  shift
  if ! "$@"; then
    fail "$what"
    show_run
  fi
}

# expect_rc N
expect_rc() {
  [ "$RC" = "$1" ] || { fail "exit status $RC, expected $1"; show_run; }
}

# rj PYTHON-EXPR: evaluates the expression with `r` bound to the report and
# prints the result (strings bare, everything else as JSON).
rj() {
  "$PY" -S - "$REPORT" "$1" <<'EOF'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception as e:
    print("<no report: %s>" % e)
    sys.exit(0)
try:
    v = eval(sys.argv[2], {"r": r, "re": __import__("re"), "json": json})
except Exception as e:
    v = "<error: %r>" % (e,)
print(v if isinstance(v, str) else json.dumps(v))
EOF
}

# A missing report is one failure per run, not one per assertion.
report_missing() {
  [ -s "$REPORT" ] && return 1
  if [ "$SG_MISSING_NOTED" = 0 ]; then
    SG_MISSING_NOTED=1
    fail "no report written"
    show_run
  fi
  return 0
}

# expect_report PYTHON-EXPR: the expression (with `r` the report) must be true.
expect_report() {
  report_missing && return 0
  local out
  out=$("$PY" -S - "$REPORT" "$1" <<'EOF'
import json, re, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception as e:
    print("no report: %s" % e)
    sys.exit(1)
try:
    ok = eval(sys.argv[2], {"r": r, "re": re, "json": json})
except Exception as e:
    print("error: %r" % (e,))
    sys.exit(1)
sys.exit(0 if ok is True else 1)
EOF
  ) || { fail "report: $1 ${out:+($out)}"; show_run; }
}

expect_verdict() {
  report_missing && return 0
  local v
  v=$(rj 'r["verdict"]')
  [ "$v" = "$1" ] || { fail "verdict $v, expected $1"; show_run; }
}

# The report's common invariants, checked after every run of a test.
expect_well_formed() {
  expect_report 'r["schema"] == 1 and isinstance(r["sysgate_version"], str)'
  expect_report 'r["exit_status"] == '"$RC"
  expect_report 'isinstance(r["cpu_time_s"], (int, float)) and r["cpu_time_s"] >= 0'
  expect_report 'isinstance(r["wall_time_s"], (int, float)) and r["wall_time_s"] >= 0'
  expect_report 're.fullmatch("[0-9a-f]{64}", r["policy"]["sha256"]) is not None'
  expect_report 'set(["verdict","exit_code","signal","memory_peak_bytes","processes_peak","output_bytes","limits","denials","violation","leftover_processes","policy","engine","command","error"]) <= set(r)'
  expect_report 'sorted(r["limits"]) == sorted(["cpu_time","wall_time","memory","processes","output","file_size","open_files","stack"])'
}

# expected_mechanisms LIMIT / expect_mechanism LIMIT: the limit's mechanism is the one this mode must use.
#   cgroup mode:   cpu_time, memory, processes by cgroup_v1/cgroup_v2 (this
#                  host has them); wall_time, output by the supervisor
#   nocgroup mode: the supervisor for all of those
#   both:          file_size, open_files, stack by rlimit
expected_mechanisms() {
  case "$1" in
    file_size | open_files | stack) echo '["rlimit"]' ;;
    wall_time | output) echo '["supervisor"]' ;;
    cpu_time | memory | processes)
      if [ "$GRADING_MODE" = cgroup ]; then echo '["cgroup_v1", "cgroup_v2"]'; else echo '["supervisor"]'; fi ;;
  esac
}

expect_mechanism() {
  expect_report 'r["limits"]["'"$1"'"] is not None and r["limits"]["'"$1"'"]["mechanism"] in '"$(expected_mechanisms "$1")"
}

# expect_no_process PATTERN: nothing whose command line holds PATTERN runs.
expect_no_process() {
  local left
  left=$(pgrep -a -f -- "$1" || true)
  if [ -n "$left" ]; then
    fail "processes of the run still alive: $left"
    local p
    for p in $(pgrep -f -- "$1"); do kill -KILL "$p" 2>/dev/null; done
  fi
}

# The host offers cgroups the cgroup mode can use (root and a memory controller).
host_has_cgroups() {
  [ "$(id -u)" = 0 ] || return 1
  # A v1 memory hierarchy, or a v2 one offering the memory controller.
  grep -qE ' - cgroup [^ ]+ [^ ]*\bmemory\b' /proc/self/mountinfo && return 0
  local v2
  v2=$(awk '$0 ~ / - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
  [ -n "$v2" ] && grep -qw memory "$v2/cgroup.controllers" 2>/dev/null
}

# needs_root REASON: skip this test (exit 77) unless it runs as root (the
# grading.NAME.MODE.user tests run every script as uid 65534).
needs_root() {
  if [ "$(id -u)" != 0 ]; then
    log "skip: needs root: $*"
    exit 77
  fi
}

# require_cgroups_in_cgroup_mode: for a test whose cgroup mode asserts that
# cgroups enforce the limits: its cgroup mode skips where the host has no
# usable cgroups, and as an ordinary user (no cgroup of its own here).
require_cgroups_in_cgroup_mode() {
  if [ "$GRADING_MODE" = cgroup ]; then
    needs_root "cgroup mode asserts that cgroups enforce the limits (an ordinary user has none here)"
  fi
  if [ "$GRADING_MODE" = cgroup ] && ! host_has_cgroups; then
    log "SKIP: no usable cgroups on this host"
    exit 77
  fi
}

# cgroup_mode_needs_cgroups_as_root: for a test that asserts nothing of the
# mechanisms: as root its cgroup mode skips where the host has no usable
# cgroups (it would only repeat the nocgroup mode); an ordinary user runs
# both modes (in cgroup mode sysgate looks for a cgroup the user may use,
# finds none and falls back by itself: the run an ordinary user makes).
cgroup_mode_needs_cgroups_as_root() {
  if [ "$(id -u)" = 0 ]; then require_cgroups_in_cgroup_mode; fi
}

finish() {
  if [ "$FAILURES" -gt 0 ]; then
    log "$TEST_NAME: $FAILURES failure(s)"
    exit 1
  fi
  log "$TEST_NAME: ok"
  exit 0
}

# The batch tests (batch.sh, batch_slurm.sh): the programs under $TMP/bin (so
# that `pgrep -f "$TMP/bin/"` finds only this test's processes), the inputs
# under $TMP/tests, the policies beside the job file.
batch_fixture() {
  mkdir -p "$TMP/bin" "$TMP/tests"
  local p
  for p in sgg_sum sgg_spin sgg_hog sgg_forkbomb sgg_shadow sgg_segv sgg_flood; do cp "$BIN/$p" "$TMP/bin/"; done
  printf '1 2 3\n' >"$TMP/tests/sum.in"
  printf '6\n' >"$TMP/tests/sum.out"
  printf '7\n' >"$TMP/tests/wrong.out"
  cp "$POL/grade-c.yaml" "$POL/grade-c-kill.yaml" "$TMP/"
}
BATCH_DEFAULTS='{"defaults": {"policy": "grade-c.yaml", "compare": "tokens", "limits": {"wall_time": "30s"}}}'

# batch_job KIND ID: the job line of one run of KIND, which names its verdict:
# ok (OK), wa (WRONG_ANSWER), cpu, mem, fork, open (VIOLATION), segv (SIGNALED), flood.
batch_job() {
  local run="\"id\": \"$2\", \"command\": [\"$TMP/bin"
  case $1 in
    ok) echo "{$run/sgg_sum\"], \"stdin\": \"tests/sum.in\", \"expect_stdout\": \"tests/sum.out\"}" ;;
    wa) echo "{$run/sgg_sum\"], \"stdin\": \"tests/sum.in\", \"expect_stdout\": \"tests/wrong.out\", \"expect_verdict\": \"WRONG_ANSWER\"}" ;;
    cpu) echo "{$run/sgg_spin\"], \"limits\": {\"cpu_time\": \"1s\"}, \"expect_verdict\": \"CPU_TIME_LIMIT\"}" ;;
    mem) echo "{$run/sgg_hog\"], \"limits\": {\"memory\": \"64MiB\"}, \"expect_verdict\": \"MEMORY_LIMIT\"}" ;;
    fork) echo "{$run/sgg_forkbomb\"], \"limits\": {\"processes\": 10}, \"expect_verdict\": \"PROCESS_LIMIT\"}" ;;
    open) echo "{$run/sgg_shadow\"], \"policy\": \"grade-c-kill.yaml\", \"expect_verdict\": \"VIOLATION\"}" ;;
    segv) echo "{$run/sgg_segv\"], \"expect_verdict\": \"SIGNALED\"}" ;;
    flood) echo "{$run/sgg_flood\"], \"limits\": {\"output\": \"1MiB\"}, \"expect_verdict\": \"OUTPUT_LIMIT\"}" ;;
  esac
}
