# Helpers of the learn tests: the integration helpers (../lib.sh), `learn`
# to run `sysgate learn` as `sg` runs `sysgate run`, and checks of the JSON
# report and of the learned policy.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

REPORT=$WORK/report.json

# learn ARGS...: `sysgate learn --engine $ENGINE ARGS...` with stdout in $OUT
# and stderr in $ERR; sets RC.
learn() {
  SG_CMD="$SYSGATE learn --engine $ENGINE $*"
  timeout -k 5 "${SG_TIMEOUT:-120}" "$SYSGATE" learn --engine "$ENGINE" "$@" >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  return 0
}

# needs_tool NAME...: skip (exit 77) unless every NAME is on PATH.
needs_tool() {
  local t
  for t in "$@"; do
    if ! command -v "$t" >/dev/null; then
      log "skip: $t is not installed"
      exit 77
    fi
  done
}

# denial_count [REPORT]: the report's denials.count.
denial_count() {
  grep -o '"denials":{"count":[0-9]*' "${1:-$REPORT}" | head -1 | sed 's/.*://'
}

expect_no_denials() {
  local n
  n=$(denial_count)
  if [ "$n" = 0 ]; then ok "no denials"; else
    fail "expected no denials, the report has ${n:-no report}: $(grep -o '"first":\[.\{0,600\}' "$REPORT" 2>/dev/null)"
  fi
}

expect_denials() {
  local n
  n=$(denial_count)
  if [ -n "$n" ] && [ "$n" -gt 0 ]; then ok "$n denials"; else fail "expected denials, the report has ${n:-no report}"; fi
}

# expect_policy_has TEXT POLICY: the learned policy holds TEXT (fixed string).
expect_policy_has() {
  if grep -qF -- "$1" "$2"; then ok "the policy has '$1'"; else fail "the policy lacks '$1': $(cat "$2")"; fi
}

# expect_valid_policy POLICY: `sysgate check` accepts it.
expect_valid_policy() {
  local out
  if out=$("$SYSGATE" check "$1" 2>&1); then ok "sysgate check $1"; else fail "sysgate check $1: $out"; fi
}
