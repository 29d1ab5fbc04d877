#!/bin/bash
# Colour (issue 13): sysgate's decision lines and verdicts are coloured when
# its stderr is a terminal (here a pseudo-terminal from script(1)), and not
# with NO_COLOR set, nor when stderr is a file or a pipe.
source "$(dirname "$0")/../lib.sh"
if ! command -v script >/dev/null; then
  log "skip: no script(1) to give sysgate a terminal"
  exit 77
fi
P=$(policy p.yaml <<'EOP'
version: 1
default: allow
rules:
  - name: no-getppid
    syscalls: [getppid]
    action: {deny: EPERM}
EOP
)
esc=$'\033['
# on_tty ENV...: runs sysgate on a pseudo-terminal; what it wrote is in $OUT.
on_tty() {
  env "$@" script -qec "'$SYSGATE' run --engine $ENGINE --policy '$P' -- '$PROGS/sg_call' getppid x" /dev/null \
    >"$OUT" 2>&1 </dev/null
  RC=$?
}
on_tty TERM=xterm
SG_CMD="script -qec 'sysgate run ...' (a terminal)"
expect_status 0
expect_that "the denial is coloured on a terminal" grep -qF "${esc}1;31mdeny EPERM${esc}0m" "$OUT"
on_tty TERM=xterm NO_COLOR=1
SG_CMD="NO_COLOR=1 script -qec 'sysgate run ...'"
expect_that "NO_COLOR: no escape sequence" bash -c '! grep -qF "$1" "$2"' - "$esc" "$OUT"
expect_that "NO_COLOR: the denial is still there" grep -qF "deny EPERM [rule" "$OUT"
on_tty TERM=xterm NO_COLOR=
expect_that "an empty NO_COLOR does not count" grep -qF "${esc}1;31mdeny EPERM" "$OUT"
sg --policy "$P" -- "$PROGS/sg_call" getppid x
expect_stderr_contains "deny EPERM [rule"
expect_that "stderr to a file: no escape sequence" bash -c '! grep -qF "$1" "$2"' - "$esc" "$ERR"
finish
