#!/bin/bash
# Deny entries are masked in the program's own mount namespace
# (fs/masked_paths.hpp), so what the supervisor's path check cannot see still
# cannot reach them. Deterministic, no race: the program renames the *parent*
# of a denied directory and reads the file under its new name, a path no deny
# entry names. Also: the masks stay inside the sandbox, and without
# CAP_SYS_ADMIN the run is refused unless --allow-weaker=masks.
source "$(dirname "$0")/../paths_lib.sh"
box
W=$WORK/w
mkdir -p "$W/proj/secret" "$W/proj/src"
echo KEY >"$W/proj/secret/key"
echo NOTES >"$W/proj/notes"
echo CODE >"$W/proj/src/main.c"
P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ]
  write: ["$W/**", "/dev/null"]
  exec: ["/usr/bin/**"]
  deny: ["$W/proj/secret/**", "$W/proj/notes"]
EOP
)
mounts_before=$(wc -l </proc/self/mountinfo)

# The supervisor refuses the named paths; the mask refuses the renamed ones.
sg --policy "$P" --report "$WORK/report.json" -- /bin/sh -c "
  cat '$W/proj/secret/key'; echo direct=\$?
  mv '$W/proj' '$W/moved'; echo mv=\$?
  cat '$W/moved/secret/key'; echo moved=\$?
  cat '$W/moved/src/main.c'; echo code=\$?
  ln '$W/moved/notes' '$W/hardlink'; echo ln=\$?
  cat '$W/moved/notes'; echo notes=\$?"
expect_status 0
expect_stdout_contains "direct=1"
expect_stdout_contains "mv=0"
expect_stdout_contains "moved=1"
expect_stdout_contains "CODE"
expect_stdout_contains "code=0"
expect_stdout_contains "ln=1"
expect_stdout_contains "notes=1"
expect_stdout_lacks "KEY"
expect_stdout_lacks "NOTES"
expect_stderr_contains "cat: $W/moved/secret/key: Permission denied"
# On disk: the rename happened, the denied files are untouched, no link made.
expect_file_content "$W/moved/secret/key" KEY
expect_file_content "$W/moved/notes" NOTES
expect_file_absent "$W/hardlink"
expect_that "no mount of the sandbox is left in the caller's namespace" \
  test "$(wc -l </proc/self/mountinfo)" -eq "$mounts_before"
expect_that "the host sees no mask on the denied directory" \
  sh -c "! grep -q ' $W' /proc/self/mountinfo"

# Nested entries: the outer mask covers the inner one.
mkdir -p "$W/n/outer/inner"
echo IN >"$W/n/outer/inner/f"
P3=$(policy p3.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ, "$W/**"]
  write: ["/dev/null"]
  exec: ["/usr/bin/**"]
  deny: ["$W/n/outer/inner/f", "$W/n/outer/**", "$W/n/outer/inner"]
EOP
)
sg --policy "$P3" -- /bin/cat "$W/n/outer/inner/f"
expect_status 1
expect_stdout_lacks "IN"
expect_stderr_contains "deny EACCES [filesystem section:"

# A working directory inside a masked tree is refused before the program runs.
sg --policy "$P3" --cwd "$W/n/outer/inner" -- /bin/true
expect_status 125
expect_stderr_contains "SETUP_ERROR: changing to the working directory"

# Without CAP_SYS_ADMIN the masks are made in a user namespace of the
# caller's own (where user namespaces work): the run goes on and the mask
# holds. Where none can be made, the run is refused unless asked for; that
# path is not reachable here without turning user namespaces off for the
# whole machine.
if command -v setpriv >/dev/null; then
  mkdir -p "$W/proj2/secret"
  echo KEY >"$W/proj2/secret/key"
  P2=$(policy p2.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ, "$W/**"]
  write: ["$W/**", "/dev/null"]
  exec: ["/usr/bin/**"]
  deny: ["$W/proj2/secret"]
EOP
)
  SG_CMD="setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin sysgate run"
  setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin -- \
    "$SYSGATE" run --engine "$ENGINE" --policy "$P2" -- /bin/sh -c \
    "grep -c ' $W/proj2/secret ' /proc/self/mountinfo; mv $W/proj2 $W/proj3 && cat $W/proj3/secret/key; mv $W/proj3 $W/proj2" \
    >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  expect_status 0
  expect_stdout_contains "1"
  expect_stdout_lacks "KEY"
  expect_file_content "$W/proj2/secret/key" "KEY"
  setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin -- \
    "$SYSGATE" run --engine "$ENGINE" --allow-weaker=masks --report - --policy "$P2" -- /bin/true >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  expect_status 0
  expect_stdout_contains '"allow_weaker":["masks"]'
fi
finish
