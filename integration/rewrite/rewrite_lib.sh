# Helpers of the rewrite tests: the integration helpers (../lib.sh) plus the
# stress scale, the run's JSON report and log, and checks of them.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# Iterations of the race test (CI may lower it; benchmarks raise it).
SCALE=${SYSGATE_STRESS_SCALE:-20000}

# What every dynamically linked program needs to start: read the system.
SYS_READ='"/usr/**", "/etc/**", "/proc/**", "/sys/**", "/dev/**"'

# The run's JSON report and JSON log, for the runs that ask for them
# (--report "$REPORT", --log "$LOG").
REPORT=$WORK/report.json
LOG=$WORK/log.jsonl

# A name of this test's own, for files in shared places (the real /tmp): both
# engines run at once, and in `box` every script is pid 1.
UNIQUE=$(basename "$WORK")

# expect_line TEXT: the program printed the line TEXT, exactly.
expect_line() {
  if grep -qxF -- "$1" "$OUT"; then ok "line '$1'"; else
    fail "no line '$1' in stdout"
  fi
}

# expect_stderr_line TEXT: a line of stderr is exactly TEXT.
expect_stderr_line() {
  if grep -qxF -- "$1" "$ERR"; then ok "stderr line '$1'"; else
    fail "no line '$1' in stderr (got: $(grep -v '^sysgate:' "$ERR" | head -5 | tr '\n' '|'))"
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

# expect_report PYTHON-EXPR: true with `r` bound to the JSON report ($REPORT).
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

# report_value PYTHON-EXPR: prints the value of the expression (r: the report),
# empty when it cannot be computed.
report_value() {
  python3 -S - "$REPORT" "$1" 2>/dev/null <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
v = eval(sys.argv[2], {"r": r, "json": json})
print("" if v is None else v)
PY
}

# expect_log PYTHON-EXPR: true with `events` bound to the list of the JSON
# log's events ($LOG, one object a line).
expect_log() {
  local out
  if out=$(python3 -S - "$LOG" "$1" 2>&1 <<'PY'
import json, re, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
v = eval(sys.argv[2], {"events": events, "re": re, "json": json})
sys.exit(0 if v is True else 1)
PY
  ); then ok "log: $1"; else
    fail "log: $1 ${out:+($out)} (log: $(head -c 1500 "$LOG" 2>/dev/null || echo none))"
  fi
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

# chk POLICY...: `sysgate check POLICY...`, status in RC, output in $OUT/$ERR.
chk() {
  SG_CMD="$SYSGATE check $*"
  "$SYSGATE" check "$@" >"$OUT" 2>"$ERR" </dev/null
  RC=$?
}

# require_int80_here: require_int80 (lib.sh), with its probe (sg_int80) from
# the main suite's programs, built and staged next to this suite's.
require_int80_here() {
  PROGS="$PROGS/../../programs" require_int80
}
