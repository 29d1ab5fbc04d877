#!/bin/bash
# The built-in default policy (issue 13): ordinary programs run; secrets are
# not read; writes only under the working directory, /tmp and /dev/null;
# sockets reach loopback and UNIX only. Each refusal is checked on disk and in
# what the program saw, and names its entry and a way to allow it.
source "$(dirname "$0")/../lib.sh"
box --setup 'ip link set lo up'
OUTSIDE=$(mktemp -d /var/tmp/sysgate-default.XXXXXX)
trap 'rm -rf "$OUTSIDE" "$WORK"' EXIT
chmod 755 "$OUTSIDE"
cp "$PROGS/sg_call" "$WORK/tool"

# Ordinary programs: a shell, ls, python3, a compiler, make, git.
printf 'int main(void){return 0;}\n' >"$WORK/main.c"
printf 'all:\n\tcc -o app main.c\n' >"$WORK/Makefile"
sg --cwd "$WORK" -- /bin/sh -c 'ls / >/dev/null && python3 -c "import json, ssl; print(2 + 2)" && make -s &&
  ./app && git init -q repo && git -C repo status --short && echo hi >/dev/stderr && echo done'
expect_status 0
expect_stdout_contains "4"
expect_stdout_contains "done"
expect_file_present "$WORK/app"
expect_dir_present "$WORK/repo/.git"
expect_stderr_contains "hi"
expect_stderr_lacks "-> deny"

# Secrets: /etc/shadow is not read, whoever runs it.
sg --cwd "$WORK" -- ./tool read /etc/shadow
expect_status 0
expect_stdout_contains "read(/etc/shadow): EACCES"
expect_stderr_contains 'deny entry "/etc/shadow" at <shipped:default>'
expect_stderr_lacks "to allow:"   # a deny entry is meant: no suggestion

# Writes outside the working directory and /tmp: /etc/passwd is left as it was.
before=$(sha256sum /etc/passwd)
sg --cwd "$WORK" -- ./tool rdwr /etc/passwd creat "$OUTSIDE/made" creat "$WORK/here" creat "/tmp/sg-default-$$" \
  rdwr /dev/null
expect_status 0
expect_stdout_contains "rdwr(/etc/passwd): EACCES"
expect_stdout_contains "creat($OUTSIDE/made): EACCES"
expect_stdout_contains "creat($WORK/here): OK"
expect_stdout_contains "creat(/tmp/sg-default-$$): OK"
expect_stdout_contains "rdwr(/dev/null): OK"
expect_that "/etc/passwd is unchanged" test "$(sha256sum /etc/passwd)" = "$before"
expect_file_absent "$OUTSIDE/made"
rm -f "/tmp/sg-default-$$"
expect_stderr_contains 'no write entry matches'
expect_stderr_contains "(to allow: filesystem: {write: [\"$OUTSIDE/made\"]})"
# A shell's `test -w` asks the kernel; the answer is the sandbox's.
sg --cwd "$WORK" -- /bin/sh -c 'if test -w /etc/passwd; then echo writable; else echo not writable; fi'
expect_stdout_equals "not writable"

# The caller's ~/.ssh and ~/.gnupg.
mkdir -p "$OUTSIDE/home/.ssh" "$OUTSIDE/home/.gnupg"
echo key >"$OUTSIDE/home/.ssh/id_ed25519"
echo ring >"$OUTSIDE/home/.gnupg/pubring.kbx"
HOME="$OUTSIDE/home" sg --cwd "$WORK" -- ./tool read "$OUTSIDE/home/.ssh/id_ed25519" read "$OUTSIDE/home/.gnupg/pubring.kbx"
expect_stdout_contains "read($OUTSIDE/home/.ssh/id_ed25519): EACCES"
expect_stdout_contains "read($OUTSIDE/home/.gnupg/pubring.kbx): EACCES"

# Other users' homes: a directory under /home that is neither $HOME nor holds
# the working directory (root can make one; /root is the other case).
if [ "$(id -u)" = 0 ] && [ -w /home ]; then
  other=$(mktemp -d /home/sg-other.XXXXXX)
  trap 'rm -rf "$OUTSIDE" "$WORK" "$other"' EXIT
  echo private >"$other/notes"
  HOME=/nonexistent sg --cwd "$WORK" -- ./tool read "$other/notes"
  expect_stdout_contains "read($other/notes): EACCES"
  expect_stderr_contains "deny entry \"$other/**\""
  # Its owner's own runs, from inside it, read it.
  cp "$PROGS/sg_call" "$other/tool"
  HOME="$other" sg --cwd "$other" -- ./tool read "$other/notes"
  expect_stdout_contains "read($other/notes): OK"
  HOME=/nonexistent sg --cwd "$WORK" -- ./tool read /root/.profile
  expect_stdout_lacks "read(/root/.profile): OK"
else
  log "note: not root: other users' homes are checked by the root run"
fi

# Sockets: loopback and UNIX; any other address is refused (this runs in a
# network namespace of its own, so nothing could leave even if it were not).
if [ -n "${SG_BOXED:-}" ]; then
  sg --cwd "$WORK" -- /usr/bin/python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
c = socket.socket(); c.connect(s.getsockname()); print("loopback: OK")
try:
    socket.socket().connect(("10.1.2.3", 80)); print("remote: OK")
except OSError as e:
    print("remote:", e.errno)
u = socket.socket(socket.AF_UNIX); u.bind("sock"); print("unix: OK")'
  expect_status 0
  expect_stdout_contains "loopback: OK"
  expect_stdout_contains "remote: 111"   # ECONNREFUSED, the network section's errno
  expect_stdout_contains "unix: OK"
  expect_stderr_contains '(to allow: network: {allow: ["10.1.2.3:80"]})'
else
  log "note: no network namespace here: the refused remote address is not tried"
fi

# --policy permissive is the way to less.
sg --cwd "$WORK" --policy permissive -- ./tool creat "$OUTSIDE/made"
expect_stdout_contains "creat($OUTSIDE/made): OK"
finish
