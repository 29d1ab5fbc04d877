#!/bin/bash
# Docs/race-safety.md section 2, with directories: a process of the sandbox
# exchanges two directories of the allowed tree (renameat2 RENAME_EXCHANGE) so
# that DIR/x is now the allowed file, now the deny-listed one, while another
# opens DIR/x. The supervisor checks the path it is shown; the kernel may then
# reach the other file. Landlock cannot subtract deny entries: the mask over
# the denied file (fs/masked_paths.hpp) must make every such win read nothing.
source "$(dirname "$0")/../paths_lib.sh"
box
SG_TIMEOUT=100
W=$WORK
mkdir -p "$W/ok/cur" "$W/ok/other"
echo ALLOWED >"$W/ok/cur/x"
echo SECRET >"$W/ok/other/x"
P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ]
  write: ["$W/ok/**", "/dev/null"]
  exec: ["$PROGS/**"]
  deny: ["$W/ok/other/x"]
EOP
)
sg --policy "$P" -- "$PROGS/pt_race" dirswap "$W/ok/cur" "$W/ok/other" "$SCALE"
expect_status 0
log "result: $(cat "$OUT")"
expect_stdout_contains "leaks=0"
expect_that "some opens were refused (the swap happened)" grep -qv " refused=0 " "$OUT"
finish
