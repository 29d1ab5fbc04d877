# Helpers of the tracer tests: the integration helpers (../lib.sh) plus the
# stress scale, a base for filesystem policies, and checks of the programs'
# "key=value" result lines and of the JSON report.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# Iterations of the stress and race tests (CI may lower it; benchmarks raise it).
SCALE=${SYSGATE_STRESS_SCALE:-20000}
# The native controls of the race tests always make 20000 tries: they show
# that the window is real, which fewer tries (a reduced SCALE) can miss.
NATIVE_SCALE=20000

# What every dynamically linked program needs to start: read the system.
SYS_READ='"/usr/**", "/etc/**", "/proc/**", "/sys/**", "/dev/**"'

# The run's JSON report, for the runs that ask for one (--report "$REPORT").
REPORT=$WORK/report.json

# expect_line NAME VALUE: the program printed the line "NAME: VALUE".
expect_line() {
  if grep -qxF -- "$1: $2" "$OUT"; then ok "line '$1: $2'"; else
    fail "no line '$1: $2' (got: $(grep -F -- "$1:" "$OUT" | head -3 | tr '\n' ' '))"
  fi
}

# field KEY [FILE]: the value of the first KEY=VALUE word in FILE ($OUT).
field() {
  grep -oE "(^| )$1=[^ ]*" "${2:-$OUT}" | head -1 | sed 's/^ //; s/^[^=]*=//'
}

# expect_field KEY VALUE [FILE]: KEY=VALUE, exactly.
expect_field() {
  local got
  got=$(field "$1" "${3:-$OUT}")
  if [ "$got" = "$2" ]; then ok "$1=$2"; else fail "$1: expected $2, got '${got:-(none)}'"; fi
}

# expect_field_above KEY N [FILE]: KEY is a number greater than N.
expect_field_above() {
  local got
  got=$(field "$1" "${3:-$OUT}")
  if [ -n "$got" ] && [ "$got" -gt "$2" ] 2>/dev/null; then ok "$1=$got > $2"; else
    fail "$1: expected more than $2, got '${got:-(none)}'"
  fi
}

# expect_errnos LIST: the program's "refused_errnos:" line is exactly LIST
# ("EPERM=10" or "none").
expect_errnos() {
  local got
  got=$(grep -m1 '^refused_errnos:' "$OUT" | sed 's/^refused_errnos: //')
  if [ "$got" = "$1" ]; then ok "refused errnos: $1"; else fail "refused errnos: expected '$1', got '${got:-(no line)}'"; fi
}

# expect_report PYTHON-EXPR: true with `r` bound to the JSON report.
expect_report() {
  local out
  if out=$(python3 -S - "$REPORT" "$1" 2>&1 <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
v = eval(sys.argv[2], {"r": r, "re": re, "json": json})
sys.exit(0 if v is True else 1)
PY
  ); then ok "report: $1"; else
    fail "report: $1 ${out:+($out)} (report: $(head -c 1500 "$REPORT" 2>/dev/null || echo none))"
  fi
}

# wait_for_lines FILE N [SECONDS]: until FILE has N lines (10 s by default).
wait_for_lines() {
  local i
  for i in $(seq $((${3:-10} * 20))); do
    [ "$(wc -l <"$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
    sleep 0.05
  done
  return 1
}

# native_race CMD...: runs a race program natively (without sysgate) up to 5
# times, until a run reports leaks > 0 (the flip window is real; one run can
# miss it when the scheduler keeps both sides on one CPU). Output in
# $WORK/native.out, the leaks of the last run in NATIVE_LEAKS.
native_race() {
  local i
  NATIVE_LEAKS=0
  for i in 1 2 3 4 5; do
    native "$@"
    NATIVE_LEAKS=$(field leaks "$WORK/native.out")
    [ "${NATIVE_LEAKS:-0}" -gt 0 ] 2>/dev/null && return 0
  done
}

# expect_finished: the last `sg` run ended by itself. When `timeout` had to
# end it (exit 124, or 137 after its KILL), the run hung: that is a failure,
# and the script stops here rather than hang again in its next runs.
expect_finished() {
  if [ "$RC" = 124 ] || [ "$RC" = 137 ]; then
    fail "sysgate did not finish within ${SG_TIMEOUT:-60} s (ended by timeout, status $RC)"
    finish
  fi
  ok "the run ended by itself"
}

# expect_no_errno NAME: the program's "refused_errnos:" line does not name NAME.
expect_no_errno() {
  if grep -m1 '^refused_errnos:' "$OUT" | grep -qE " $1="; then
    fail "refused with $1: $(grep -m1 '^refused_errnos:' "$OUT")"
  else
    ok "nothing refused with $1"
  fi
}
