#!/bin/bash
# Threat class 4: a process of the sandbox swaps a symlink between an allowed
# file and a file OUTSIDE the allowed set (renameat2 RENAME_EXCHANGE) while
# another opens it. The supervisor checks one target; the kernel may open the
# other: the Landlock backstop must refuse it every time.
source "$(dirname "$0")/../paths_lib.sh"
box
SG_TIMEOUT=100
W=$WORK
mkdir -p "$W/ok" "$W/outside"
echo ALLOWED >"$W/ok/aa"
echo SECRET >"$W/outside/secret"
ln -s aa "$W/ok/link"
ln -s ../outside/secret "$W/ok/alt"
P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ]
  write: ["$W/ok/**", "/dev/null"]
  exec: ["$PROGS/**"]
EOP
)
sg --policy "$P" -- "$PROGS/pt_race" symlink "$W/ok/link" "$W/ok/alt" "$SCALE"
expect_status 0
expect_stdout_contains "leaks=0"
log "result: $(cat "$OUT")"
expect_that "some opens were allowed" grep -qv " ok=0 " "$OUT"
expect_that "some opens were refused" grep -qv " refused=0 " "$OUT"
finish
