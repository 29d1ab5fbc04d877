#!/bin/bash
# The known limitation of docs/race-safety.md section 2: a symlink swapped
# between an allowed file and a deny-listed file INSIDE the allowed tree.
# Landlock cannot subtract deny entries, so only the supervisor's check stands;
# this test measures whether the swap wins (it is listed in PT_DISABLED of
# ../CMakeLists.txt while it does: see docs/race-safety.md).
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
# sysgate refuses to rename a symlink whose target is a denied file (its inode
# check stat()s through the link), so this swap cannot even start; the swap of
# directories (hostile_dir_swap_inside.sh) tests the limitation itself.
finish
