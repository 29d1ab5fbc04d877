# Helpers of the integration tests (sourced by bash scripts in tests/).
#
# Environment (set by integration/CMakeLists.txt):
#   SYSGATE   the sysgate binary
#   ENGINE    seccomp | ptrace (every run passes --engine "$ENGINE")
#   PROGS     directory of the built test programs (sg_*)
#   POLICIES  directory of the test policies (integration/policies)
#   WORK      a fresh temporary directory (created here when unset)
#   SG_UNSHARE  1 when `unshare --pid --net --mount --fork` works here
#
# The same scripts run as root and, as the NAME.ENGINE.user tests, as uid
# 65534 (integration/user_test.sh): a script that cannot run as an ordinary
# user calls `needs_root REASON`.
#
# A script runs sysgate with `sg ARGS...` (sets RC, writes $OUT and $ERR),
# asserts with expect_*, and ends with `finish`. Every failed assertion is
# printed; the script fails at `finish`.

set -u

: "${SYSGATE:?SYSGATE must name the sysgate binary}"
: "${ENGINE:?ENGINE must be seccomp or ptrace}"
: "${PROGS:?PROGS must name the directory of the test programs}"
: "${POLICIES:=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/policies}"

TEST_NAME="$(basename "$0" .sh).$ENGINE"
[ "$(id -u)" = 0 ] || TEST_NAME+=.user  # as the NAME.*.user tests run it
FAILURES=0
CHECKS=0

if [ -z "${WORK:-}" ]; then
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/sysgate-it.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
fi
WORK=$(realpath "$WORK")
OUT=$WORK/stdout
ERR=$WORK/stderr
RC=-1
SG_CMD=

log() { printf '%s\n' "$*" >&2; }

fail() {
  FAILURES=$((FAILURES + 1))
  log "FAIL [$TEST_NAME]: $*"
  if [ -n "$SG_CMD" ]; then
    log "  command: $SG_CMD"
    log "  exit status: $RC"
    log "  stdout: $(head -c 2000 "$OUT" 2>/dev/null)"
    log "  stderr: $(head -c 2000 "$ERR" 2>/dev/null)"
  fi
}

ok() {
  CHECKS=$((CHECKS + 1))
  log "ok: $*"
}

# box [--setup CMDS] [--required]: run this whole script again inside fresh
# pid, net and mount namespaces (with its own /proc) when that works, so a
# hostile program that escapes cannot reach the host, and nothing survives the
# script. The script is then pid 1 of the namespace: orphans come to it, and
# sysgate is its child.
#   --setup CMDS  shell commands run inside the namespaces, with the
#                 capabilities they grant, before the script starts again
#                 (e.g. 'ip link set lo up'); not run without namespaces
#   --required    without namespaces, skip (exit 77) instead of running anyway
# An ordinary user makes them in a user namespace that maps the user to
# itself (--map-current-user): same uid and gid inside, and the script runs
# with no capabilities, as outside; only CMDS run with the namespace's
# capabilities (--keep-caps; setpriv drops them before the script).
box() {
  if [ -n "${SG_BOXED:-}" ]; then return 0; fi
  local setup=: required=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --setup) setup=$2; shift 2 ;;
      --required) required=1; shift ;;
      *) log "box: unknown option $1"; exit 2 ;;
    esac
  done
  local ns=(--pid --net --mount --fork --mount-proc) drop=()
  if [ "$(id -u)" != 0 ]; then
    ns=(--map-current-user --keep-caps "${ns[@]}")
    drop=(setpriv --inh-caps=-all --ambient-caps=-all --)
  fi
  if [ "${SG_UNSHARE:-1}" = 1 ] && unshare "${ns[@]}" true 2>/dev/null; then
    # Not exec: this shell's trap removes $WORK once the boxed run is over.
    SG_BOXED=1 WORK="$WORK" unshare "${ns[@]}" \
      bash -c 'eval "$1"; shift; exec "$@"' box-setup "$setup" "${drop[@]}" bash "$0"
    exit $?
  fi
  if [ "$required" = 1 ]; then
    log "skip: unshare ${ns[*]} does not work here"
    exit 77
  fi
  log "note: running without namespaces (unshare ${ns[*]} does not work here)"
}

# needs_root REASON: skip this test (exit 77) unless it runs as root. Only for
# what cannot be tested as an ordinary user at all (becoming another user,
# cgroups, chown); everything else runs as both (the NAME.ENGINE.user tests).
needs_root() {
  if [ "$(id -u)" != 0 ]; then
    log "skip: needs root: $*"
    exit 77
  fi
}

# require_int80: skip this test (exit 77) unless `int 0x80` works in a 64-bit
# program here. On a kernel built without IA32 emulation, or booted with
# ia32_emulation=0, int 0x80 raises SIGSEGV in the program itself, before
# seccomp or ptrace sees anything, so a test of how sysgate handles i386 calls
# has nothing to test. Probes natively (outside sysgate) with
# `sg_int80 getpid`; any other failure of the probe does not skip (the test
# then runs and says what is wrong). Call it before `box`.
require_int80() {
  local rc=0
  # The braces take bash's own "Segmentation fault" notice too.
  { (ulimit -c 0; exec "$PROGS/sg_int80" getpid) >/dev/null </dev/null; } 2>/dev/null || rc=$?
  if [ "$rc" = 139 ]; then
    log "skip: this kernel has no IA32 emulation (int 0x80 raises SIGSEGV natively)"
    exit 77
  fi
  if [ "$rc" != 0 ]; then
    log "note: the int 0x80 probe ($PROGS/sg_int80 getpid) exited with $rc natively; running the test anyway"
  fi
}

# sg ARGS...: `sysgate run --engine $ENGINE ARGS...` with stdout in $OUT and
# stderr in $ERR; sets RC. Killed after SG_TIMEOUT seconds (default 60).
sg() {
  SG_CMD="$SYSGATE run --engine $ENGINE $*"
  timeout -k 5 "${SG_TIMEOUT:-60}" "$SYSGATE" run --engine "$ENGINE" "$@" >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  return 0
}

# sg_bg ARGS...: like sg, in the background; SG_PID is the sysgate process.
# Call sg_wait to collect RC.
sg_bg() {
  SG_CMD="$SYSGATE run --engine $ENGINE $*"
  : >"$OUT"  # now, not in the background job: the caller polls $OUT at once
  : >"$ERR"
  "$SYSGATE" run --engine "$ENGINE" "$@" >"$OUT" 2>"$ERR" </dev/null &
  SG_PID=$!
}
sg_wait() {
  wait "$SG_PID"
  RC=$?
}

# native CMD...: runs CMD without sysgate (stdout $WORK/native.out, status NATIVE_RC).
native() {
  "$@" >"$WORK/native.out" 2>"$WORK/native.err" </dev/null
  NATIVE_RC=$?
}

expect_status() {
  if [ "$RC" = "$1" ]; then ok "exit status $1"; else fail "exit status: expected $1, got $RC${2:+ ($2)}"; fi
}
expect_status_in() {
  local s
  for s in "$@"; do
    if [ "$RC" = "$s" ]; then ok "exit status $RC (one of $*)"; return; fi
  done
  fail "exit status: expected one of $*, got $RC"
}
expect_stdout_equals() {
  local got
  got=$(cat "$OUT")
  if [ "$got" = "$1" ]; then ok "stdout is '$1'"; else fail "stdout: expected '$1', got '$got'"; fi
}
expect_stdout_matches_file() {
  if cmp -s "$OUT" "$1"; then ok "stdout matches $1"; else
    fail "stdout differs from $1: $(diff "$1" "$OUT" | head -20)"
  fi
}
expect_stdout_contains() {
  if grep -qF -- "$1" "$OUT"; then ok "stdout has '$1'"; else fail "stdout lacks '$1'"; fi
}
expect_stdout_lacks() {
  if grep -qF -- "$1" "$OUT"; then fail "stdout has '$1', which it must not"; else ok "stdout lacks '$1'"; fi
}
expect_stderr_contains() {
  if grep -qF -- "$1" "$ERR"; then ok "stderr has '$1'"; else fail "stderr lacks '$1'"; fi
}
expect_stderr_matches() {  # extended regexp
  if grep -qE -- "$1" "$ERR"; then ok "stderr matches /$1/"; else fail "stderr does not match /$1/"; fi
}
expect_stderr_lacks() {
  if grep -qF -- "$1" "$ERR"; then fail "stderr has '$1', which it must not"; else ok "stderr lacks '$1'"; fi
}
expect_stderr_empty() {
  if [ -s "$ERR" ]; then fail "stderr is not empty"; else ok "stderr empty"; fi
}
expect_file_absent() {
  if [ -e "$1" ] || [ -L "$1" ]; then fail "$1 exists, it must not"; else ok "$1 absent"; fi
}
expect_file_present() {
  if [ -e "$1" ]; then ok "$1 exists"; else fail "$1 does not exist"; fi
}
expect_dir_present() {
  if [ -d "$1" ]; then ok "$1 is a directory"; else fail "$1 is not a directory"; fi
}
expect_file_content() {
  local got
  got=$(cat "$1" 2>/dev/null)
  if [ "$got" = "$2" ]; then ok "$1 holds '$2'"; else fail "$1: expected '$2', got '$got'"; fi
}
# expect_no_process PATTERN: no process whose command line matches PATTERN
# (pgrep -f) is left, other than this shell's own.
expect_no_process() {
  local left
  left=$(pgrep -af -- "$1" | grep -v "^$$ " | grep -v pgrep || true)
  if [ -z "$left" ]; then ok "no process matches '$1'"; else fail "processes left matching '$1': $left"; fi
}
# expect_that DESCRIPTION COMMAND...: COMMAND must succeed.
expect_that() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}

# A policy file written into $WORK: policy NAME <<'EOF' ... EOF
policy() {
  cat >"$WORK/$1"
  printf '%s\n' "$WORK/$1"
}

finish() {
  if [ "$FAILURES" -gt 0 ]; then
    log "$TEST_NAME: $FAILURES of $((FAILURES + CHECKS)) checks failed"
    exit 1
  fi
  log "$TEST_NAME: all $CHECKS checks passed"
  exit 0
}
