#!/bin/bash
# sysgate as an ordinary user (issue 10, first part): the supervisor seizes its
# child without CAP_SYS_PTRACE (the child makes itself dumpable again before
# it is seized), and runs enforce the same decisions: the default policy, a
# filesystem section with threads (copy-on-check writes the tracee's memory
# as an unprivileged tracer), grade-c with limits, and deny entries masked in
# a user namespace of the user's own.
source "$(dirname "$0")/../lib.sh"
needs_root "it becomes uid 65534 itself (setpriv)"
if ! command -v setpriv >/dev/null; then log "skip: no setpriv"; exit 77; fi
U=$(getent passwd 65534 | cut -d: -f1)
[ -n "$U" ] || { log "skip: no user 65534"; exit 77; }
# Everything the ordinary user runs lies where it can read it.
chmod 755 "$WORK"
mkdir -p "$WORK/box" "$WORK/out"
chown 65534 "$WORK/out"
cp "$SYSGATE" "$WORK/sysgate"
cp "$PROGS/sg_call" "$PROGS/sg_threads" "$WORK/box/"
chmod -R a+rX "$WORK/sysgate" "$WORK/box"
not_mounted() { ! grep -q " $1 " /proc/self/mountinfo; }
as_user() {
  SG_CMD="(as $U) sysgate run --engine $ENGINE $*"
  (cd "$WORK/box" && timeout -k 5 60 setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$WORK/sysgate" run --engine "$ENGINE" "$@" >"$OUT" 2>"$ERR" </dev/null)
  RC=$?
}

as_user --report "$WORK/out/r1.json" -- /bin/echo hello
expect_status 0
expect_stdout_equals "hello"
expect_that "the report says OK" grep -q '"verdict":"OK"' "$WORK/out/r1.json"

P=$WORK/fs.yaml
cat >"$P" <<EOP
version: 1
default: allow
filesystem:
  read: ["/usr/**", "/lib/**", "/lib64/**", "/etc/**", "/proc/**", "/dev/**", "$WORK/box/**"]
  write: ["$WORK/out/**", /dev/null]
  exec: ["$WORK/box/**"]
  errno: EPERM
EOP
chmod 644 "$P"
as_user --policy "$P" -- ./sg_call creat "$WORK/out/made" creat "$WORK/box/not-made" read /etc/hostname
expect_status 0
expect_stdout_contains "creat($WORK/out/made): OK"
expect_stdout_contains "creat($WORK/box/not-made): EPERM"
expect_file_present "$WORK/out/made"
expect_file_absent "$WORK/box/not-made"
expect_that "the file is the ordinary user's" test "$(stat -c %u "$WORK/out/made")" = 65534

# --user and --group: the caller itself is accepted, anyone else refused.
as_user --user 65534 --group 65534 -- /usr/bin/id -u
expect_status 0
expect_stdout_equals "65534"
as_user --user root -- /usr/bin/id -u
expect_status 125
expect_stderr_contains "only root can run the program as another user"

# Threads: every checked open is copied into the scratch region through
# /proc/PID/mem, which an ordinary tracer may write.
as_user --policy "$P" -- ./sg_threads 300
expect_status 0
expect_stderr_lacks "deny"

mkdir -p "$WORK/grade"
cp "$PROGS/sg_call" "$WORK/grade/a.out"
chmod -R a+rX "$WORK/grade"
SG_CMD="(as $U) sysgate run --policy grade-c"
(cd "$WORK/grade" && timeout -k 5 60 setpriv --reuid=65534 --regid=65534 --clear-groups \
  "$WORK/sysgate" run --engine "$ENGINE" --policy grade-c --cpu-time 2s --memory 64MiB --report - -- ./a.out read /etc/shadow >"$OUT" 2>"$ERR" </dev/null)
RC=$?
expect_status 0
expect_stdout_contains "read(/etc/shadow): EACCES"
expect_stdout_contains '"verdict":"OK"'

# Deny entries are masked in a user namespace of the user's own: the run needs
# no --allow-weaker, the mask is there (a tmpfs over the denied directory in
# the program's mount table), the denied file is refused and reported, and the
# program cannot take the mask away (no capabilities after exec).
mkdir -p "$WORK/secret"
echo SECRET >"$WORK/secret/s"
chmod -R a+rX "$WORK/secret"
cat >"$WORK/deny.yaml" <<EOP
version: 1
default: allow
filesystem:
  read: ["/**"]
  exec: ["/usr/bin/**"]
  deny: ["$WORK/secret/**"]
EOP
chmod 644 "$WORK/deny.yaml"
as_user --policy "$WORK/deny.yaml" -- /bin/sh -c "grep -c ' $WORK/secret ' /proc/self/mountinfo; cat $WORK/secret/s; umount $WORK/secret; echo umount=\$?; grep -c ' $WORK/secret ' /proc/self/mountinfo"
expect_status 0
expect_stdout_equals "1
umount=1
1"
expect_stderr_contains "deny EACCES"
expect_stderr_lacks "SECRET"
expect_that "no mount is left in the caller's namespace" not_mounted "$WORK/secret"
finish
