#!/bin/bash
# `view: true` (fs/view.hpp): the program's root shows only what the entries
# name, stat-like calls are answered there by the kernel without a stop, and
# every other path call is still decided and reported by the supervisor. What
# the program sees (exact errno, file modes), what is on disk, what the report
# says, and that nothing of the view is left in the caller's namespace.
source "$(dirname "$0")/../paths_lib.sh"
box
W=$WORK/w
mkdir -p "$W/in/sub" "$W/out" "$W/in/secret"
chmod 0751 "$W"
echo IN >"$W/in/sub/f"
echo OUT >"$W/out/f"
echo KEY >"$W/in/secret/key"
ln -s in/sub "$W/link-in"
ln -s out "$W/link-out"
P=$(policy view.yaml <<EOP
version: 1
default: allow
filesystem:
  view: true
  read: [$SYS_READ]
  write: ["$W/in/**", "/dev/null"]
  exec: ["/usr/bin/**"]
  deny: ["$W/in/secret/**"]
EOP
)
mounts_before=$(wc -l </proc/self/mountinfo)

sg --policy "$P" --report "$WORK/report.json" --cwd "$W/in" -- /bin/sh -c "
  stat -c 'in=%s' '$W/in/sub/f'; echo stat_in=\$?
  stat -c '%n' '$W/out/f' 2>/dev/null; echo stat_out=\$?
  stat '$W/out/f' 2>&1 | grep -c 'No such file'
  stat -c 'mode=%a' '$W'
  readlink '$W/link-in'; echo link_in=\$?
  readlink '$W/link-out' >/dev/null 2>&1; echo link_out=\$?
  cat '$W/link-in/f'
  cat '$W/out/f' 2>>'$W/in/err'; echo cat_out=\$?
  cat '$W/in/secret/key' 2>>'$W/in/err'; echo cat_secret=\$?
  stat -c 'secret=%a' '$W/in/secret'
  readlink /bin; echo bin=\$?
  echo made >'$W/in/made'; echo write_in=\$?
  (echo no >'$W/out/new') 2>>'$W/in/err'; echo write_out=\$?
  ls '$W' >/dev/null; echo ls_skeleton=\$?
  cd ..; pwd; cd /; cd ..; pwd
  stat /proc/1/root/etc/passwd >/dev/null 2>&1; echo proc_root=\$?
  echo done"
expect_status 0
expect_stdout_contains "in=3"
expect_stdout_contains "stat_in=0"
expect_stdout_contains "stat_out=1"
expect_stdout_contains "mode=751"
expect_stdout_contains "in/sub"
expect_stdout_contains "link_in=0"
expect_stdout_contains "link_out=1"
expect_stdout_contains "IN"
expect_stdout_contains "cat_out=1"
expect_stdout_lacks "OUT"
expect_stdout_contains "cat_secret=1"
expect_stdout_lacks "KEY"
expect_stdout_contains "usr/bin"
expect_stdout_contains "bin=0"
expect_stdout_contains "write_in=0"
expect_stdout_contains "write_out=2"
expect_stdout_contains "ls_skeleton=2"
expect_stdout_contains "proc_root=1"
expect_stdout_contains "done"
# The program saw the exact errors: ENOENT where it only looked, the section's
# EACCES where it opened.
expect_that "cat of the file outside saw EACCES" grep -q "cat: $W/out/f: Permission denied" "$W/in/err"
expect_that "cat of the denied file saw EACCES" grep -q "cat: $W/in/secret/key: Permission denied" "$W/in/err"
expect_that "the write outside saw EACCES" grep -q "$W/out/new: Permission denied" "$W/in/err"
# Each open was decided and reported; the stat-like calls were not stopped.
expect_stderr_contains "openat(dirfd=AT_FDCWD"
expect_stderr_contains "path=$W/out/f -> deny EACCES [filesystem section: no read entry matches"
expect_stderr_contains "path=$W/in/secret/key -> deny EACCES [filesystem section: deny entry"
expect_stderr_lacks "newfstatat("
expect_stderr_lacks "statx("
expect_stderr_lacks "readlink("
expect_that "the report counts the three opens and the listing refused" \
  python3 -c "
import json, sys
r = json.load(open('$WORK/report.json'))
paths = sorted(d['resolved']['path'] for d in r['denials']['first'])
assert r['denials']['count'] == 4 and paths == sorted(['$W/out/f', '$W/in/secret/key', '$W/out/new', '$W']), r['denials']
v = r['guarantees']['view']
assert v['trees'] >= 5 and v['stat_answered_by_kernel'] is True, v"
# On disk.
expect_file_content "$W/in/made" made
expect_file_absent "$W/out/new"
expect_file_content "$W/out/f" OUT
expect_that "no mount of the view is left in the caller's namespace" \
  test "$(wc -l </proc/self/mountinfo)" -eq "$mounts_before"

# Hostile: a thread flips the path of the calls between an allowed file and
# one outside the view while they stop, and a child swaps a symlink between
# the two; the checked call or the view refuses every one.
mkdir -p "$W/ot"
echo SECRET >"$W/ot/f2"
echo ALLOWED >"$W/in/f2"
ln -s f2 "$W/in/link"
ln -s ../ot/f2 "$W/in/alt"
PR=$(policy race.yaml <<EOP
version: 1
default: allow
filesystem:
  view: true
  read: [$SYS_READ]
  write: ["$W/in/**", "/dev/null"]
  exec: ["$PROGS/**"]
EOP
)
SG_TIMEOUT=100 sg --policy "$PR" --cwd "$W/in" -- "$PROGS/pt_race" path "$W/in/f2" "$W/ot/f2" "$SCALE"
expect_status 0
expect_stdout_contains "leaks=0"
expect_that "some of the flipped opens were allowed" grep -qv " ok=0 " "$OUT"
SG_TIMEOUT=100 sg --policy "$PR" --cwd "$W/in" -- "$PROGS/pt_race" symlink "$W/in/link" "$W/in/alt" "$SCALE"
expect_status 0
expect_stdout_contains "leaks=0"
expect_that "some of the swapped opens were allowed" grep -qv " ok=0 " "$OUT"
expect_file_content "$W/ot/f2" SECRET

# explain says which calls the kernel answers.
"$SYSGATE" explain "$P" >"$OUT" 2>"$ERR"
RC=$?
expect_status 0
expect_stdout_contains "newfstatat               kernel: allow"
expect_stdout_contains "readlink                 kernel: allow"

# An access report sees every call: with it, the stat-like calls stop again
# and a path only looked for is among its probes.
sg --policy "$P" --access-report "$WORK/access.json" --report "$WORK/report2.json" --cwd "$W/in" -- \
  /usr/bin/stat -c %s "$W/in/sub/f" "$W/in/nothing"
expect_status 1
expect_stdout_contains "3"
expect_that "the access report lists the path only stat'ed among the probes" \
  python3 -c "import json; assert '$W/in/nothing' in [p['path'] for p in json.load(open('$WORK/access.json'))['files']['probed']]"
expect_that "the report says the kernel answered no stat" \
  python3 -c "import json; assert json.load(open('$WORK/report2.json'))['guarantees']['view']['stat_answered_by_kernel'] is False"

# With `default: kill` (a grading policy), a stat-like call that no rule names
# is the section's to decide, and the view answers it: a program that stats
# (glibc's fstat is newfstatat with an empty path) runs to the end, a stat
# outside the view sees ENOENT, and none of them stops; an open outside is
# still the section's EACCES, reported.
PK=$(policy kill.yaml <<EOP
version: 1
default: kill
rules:
  - syscalls: [arch_prctl, set_tid_address, set_robust_list, rseq, prlimit64, getrandom, brk, mmap,
               munmap, mprotect, read, write, pread64, close, fstat, lseek, fcntl, exit, exit_group,
               rt_sigaction, rt_sigprocmask, getpid, getuid, geteuid, getgid, getegid]
    action: allow
filesystem:
  view: true
  read: [$SYS_READ, "$W/in/**"]
  exec: ["$PROGS/**"]
EOP
)
sg --policy "$PK" --cwd "$W/in" -- "$PROGS/pt_fs" stat "$W/in/sub/f" stat "$W/out/f" read "$W/out/f" read "$W/in/sub/f"
expect_status 0
expect_stdout_contains "stat($W/in/sub/f): OK"
expect_stdout_contains "stat($W/out/f): ENOENT"
expect_stdout_contains "read($W/out/f): EACCES"
expect_stdout_contains "read($W/in/sub/f): OK [IN]"
expect_stderr_contains "path=$W/out/f -> deny EACCES [filesystem section: no read entry matches"
expect_stderr_lacks "newfstatat("
expect_stderr_lacks "VIOLATION"

# A working directory outside the view is refused before anything runs.
sg --policy "$P" --cwd "$W/out" -- /bin/true
expect_status 125
expect_stderr_contains "the working directory $W/out is not in the filesystem view"

# A write entry that does not exist: refused, nothing created.
P2=$(policy missing.yaml <<EOP
version: 1
default: allow
filesystem:
  view: true
  read: [$SYS_READ]
  write: ["$W/later/**"]
  exec: ["/usr/bin/**"]
EOP
)
sg --policy "$P2" --cwd / -- /bin/true
expect_status 125
expect_stderr_contains "the write entry '$W/later/**' does not exist"
expect_file_absent "$W/later"

# A glob the view cannot bind is a policy error at its line and column.
P3=$(policy glob.yaml <<EOP
version: 1
default: allow
filesystem:
  view: true
  read: [$SYS_READ, "$W/*/sub/**"]
EOP
)
sg --policy "$P3" -- /bin/true
expect_status 125
expect_stderr_contains "glob.yaml:5:"
expect_stderr_contains "with 'view: true', a read entry is a path P or a tree P/** without other wildcards"
"$SYSGATE" check "$P3" >"$OUT" 2>"$ERR"
RC=$?
expect_stderr_contains "glob.yaml:5:"
if [ "$RC" = 0 ]; then fail "sysgate check accepted a view with a glob"; else ok "sysgate check refuses it ($RC)"; fi

# Not for a running process: its mount namespace is its own.
sleep 30 </dev/null >/dev/null 2>&1 &
sleeper=$!
timeout 20 "$SYSGATE" attach --policy "$P" "$sleeper" >"$OUT" 2>"$ERR" </dev/null
RC=$?
kill "$sleeper" 2>/dev/null
expect_status 125
expect_stderr_contains "'view: true' cannot be given to a running process"
finish
