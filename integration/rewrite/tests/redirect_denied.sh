#!/bin/bash
# The redirected path is checked like any path, by the later rules and the
# filesystem section:
# - a redirect onto a file the section denies is refused with the section's
#   errno (EPERM here: not the EACCES of the kernel's mask or of Landlock),
#   and the file's content is not read;
# - a redirect onto a file outside the section's read list: the same;
# - a later rule that names the target decides the redirected call (EXDEV);
# - a redirect onto an allowed file is read (control).
source "$(dirname "$0")/../rewrite_lib.sh"
box
W=$WORK
mkdir -p "$W/ok" "$W/outside"
echo PUBLIC >"$W/ok/public"
echo ALSO-PUBLIC >"$W/ok/public2"
echo SECRET >"$W/ok/secret"
echo OUTSIDE-SECRET >"$W/outside/file"
P=$(policy denied.yaml <<YAML
version: 1
default: allow
rules:
  - name: onto-denied
    syscalls: [openat, open]
    args: {path: {eq: "$W/ok/a"}}
    action: {redirect: "$W/ok/secret"}
  - name: onto-outside
    syscalls: [openat, open]
    args: {path: {eq: "$W/ok/b"}}
    action: {redirect: "$W/outside/file"}
  - name: onto-later-rule
    syscalls: [openat, open]
    args: {path: {eq: "$W/ok/c"}}
    action: {redirect: "$W/ok/public2"}
  - name: no-public2
    syscalls: [openat, open]
    args: {path: {eq: "$W/ok/public2"}}
    action: {deny: EXDEV}
  - name: onto-allowed
    syscalls: [openat, open]
    args: {path: {eq: "$W/ok/d"}}
    action: {redirect: "$W/ok/public"}
filesystem:
  read: [$SYS_READ, "$W/ok/**"]
  write: [/dev/null]
  exec: ["$PROGS/**"]
  deny: ["$W/ok/secret"]
  errno: EPERM
YAML
)
sg --policy "$P" --report "$REPORT" -- "$PROGS/rw_calls" read "$W/ok/a" read "$W/ok/b" read "$W/ok/c" \
  read "$W/ok/d" rawopen "$W/ok/a"
expect_status 0
expect_stdout_equals "read($W/ok/a): EPERM
read($W/ok/b): EPERM
read($W/ok/c): EXDEV
read($W/ok/d): OK [PUBLIC]
rawopen($W/ok/a): EPERM regs=kept"
expect_stdout_lacks SECRET
# The refusals are reported, with the redirected path.
expect_report 'r["denials"]["count"] == 4'
expect_report 'any("'"$W"'/ok/secret" in json.dumps(d) for d in r["denials"]["first"])'
expect_report 'any("'"$W"'/outside/file" in json.dumps(d) for d in r["denials"]["first"])'
expect_file_content "$W/ok/secret" SECRET
finish
