#!/bin/bash
# Threat class 4 (and 5): /proc/self/fd/N reopen, /proc/self/cwd and
# /proc/self/root paths, dirfd and fchdir tricks, open_by_handle_at, fileless
# exec (memfd_create + fexecve / execveat), exec of an O_PATH fd.
source "$(dirname "$0")/../paths_lib.sh"
box
W=$WORK
mkdir -p "$W/ok/sub" "$W/outside"
echo ALLOWED >"$W/ok/aa"
echo SECRET >"$W/ok/dd"
echo OUTSIDE >"$W/outside/x"
cp /usr/bin/true "$W/ok/prog"
P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ, "$W/ok/**"]
  write: ["/dev/null"]
  exec: ["/usr/bin/**", "$PROGS/**"]
  deny: ["$W/ok/dd"]
EOP
)
F=$PROGS/pt_fs
sg --policy "$P" --cwd "$W/ok" -- "$F" reopen_write "$W/ok/aa" reopen_read "$W/ok/dd" reopen_read "$W/outside/x" \
  read /proc/self/cwd/aa read /proc/self/cwd/dd read /proc/thread-self/cwd/dd read "/proc/self/root$W/ok/dd" \
  read "/proc/self/root$W/outside/x" read "/proc/self/cwd/../outside/x" read dd read ./sub/../dd
expect_status 0
expect_line "reopen_write($W/ok/aa)" EACCES
expect_line "reopen_read($W/ok/dd)" EACCES
expect_line "reopen_read($W/outside/x)" EACCES
expect_line "read(/proc/self/cwd/aa)" "OK [ALLOWED]"
expect_line "read(/proc/self/cwd/dd)" EACCES
expect_line "read(/proc/thread-self/cwd/dd)" EACCES
expect_line "read(/proc/self/root$W/ok/dd)" EACCES
expect_line "read(/proc/self/root$W/outside/x)" EACCES
expect_line "read(/proc/self/cwd/../outside/x)" EACCES
expect_line "read(dd)" EACCES
expect_line "read(./sub/../dd)" EACCES
expect_stdout_lacks SECRET
expect_stdout_lacks OUTSIDE
expect_file_content "$W/ok/aa" ALLOWED
sg --policy "$P" -- "$F" readat "$W/ok" dd readat "$W/ok/sub" ../dd readat "$W/ok" ../outside/x fchdir_read "$W/ok/sub" ../dd \
  fchdir_read "$W/ok" aa
expect_line "readat($W/ok,dd)" EACCES
expect_line "readat($W/ok/sub,../dd)" EACCES
expect_line "readat($W/ok,../outside/x)" EACCES
expect_line "fchdir_read($W/ok/sub,../dd)" EACCES
expect_line "fchdir_read($W/ok,aa)" "OK [ALLOWED]"
# Another process's /proc/PID/root and cwd.
sg --policy "$P" -- bash -c "cd '$W/ok' && sleep 5 & sleep 0.5; cat /proc/\$!/cwd/dd; echo st=\$?; cat /proc/\$!/root$W/ok/dd; echo st=\$?; kill \$!"
expect_stdout_lacks SECRET
expect_stdout_contains "st=1"
# File handles: refused whatever the program's capabilities (we are root here).
sg --policy "$P" -- "$F" handle "$W/ok/aa" handle "$W/ok/dd"
expect_line "handle($W/ok/aa)" EPERM
expect_line "handle($W/ok/dd)" EPERM
expect_stderr_contains "open_by_handle_at"
# Fileless exec, and exec of files the policy does not list for exec.
sg --policy "$P" -- "$F" memfd_exec
expect_status 0
expect_line "memfd_exec()" EACCES
sg --policy "$P" -- "$F" memfd_execveat
expect_status 0
expect_line "memfd_execveat()" EACCES
sg --policy "$P" -- "$F" fd_exec "$W/ok/prog"
expect_status 0
expect_line "fd_exec($W/ok/prog)" EACCES
sg --policy "$P" -- "$F" opath_exec "$W/ok/prog"
expect_status 0
expect_line "opath_exec($W/ok/prog)" EACCES
sg --policy "$P" -- "$F" fd_exec /usr/bin/true
expect_status 0
expect_stdout_lacks "fd_exec(/usr/bin/true)"
finish
