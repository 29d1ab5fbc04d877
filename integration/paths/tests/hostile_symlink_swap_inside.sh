#!/bin/bash
# Docs/race-safety.md section 2: a symlink swapped between an allowed file and
# a deny-listed file INSIDE the allowed tree, while another thread opens it.
# Landlock cannot subtract deny entries; the mask over the denied file
# (fs/masked_paths.hpp) must make every swap that beats the check read nothing.
source "$(dirname "$0")/../paths_lib.sh"
box
SG_TIMEOUT=100
W=$WORK
mkdir -p "$W/ok"
echo ALLOWED >"$W/ok/aa"
echo SECRET >"$W/ok/dd"
ln -s aa "$W/ok/link"
ln -s dd "$W/ok/alt"
P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ]
  write: ["$W/ok/**", "/dev/null"]
  exec: ["$PROGS/**"]
  deny: ["$W/ok/dd"]
EOP
)
sg --policy "$P" -- "$PROGS/pt_race" symlink "$W/ok/link" "$W/ok/alt" "$SCALE"
expect_status 0
log "result: $(cat "$OUT")"
expect_stdout_contains "leaks=0"
expect_that "some opens were refused (the swap happened)" grep -qv " refused=0 " "$OUT"
finish
