#!/bin/bash
# `action: {rewrite: {ARG: SPEC}}` on scalar arguments; the call goes on to
# the later rules with the new values, and the program's registers are put
# back after it.
# - mode: 0600 on openat with O_CREAT: the file is created 0600 (umask 022;
#   natively 0644); rdx and r10 come back as they went in; the log's event
#   has "rewrites": {"mode": {"from": 0666, "to": 0600}};
# - flags: {set: [O_CLOEXEC]}: the fd is close-on-exec (F_GETFD, fdinfo
#   flags 02100000), and a program it execs does not have it;
# - flags: {clear: [O_APPEND]}: a write through the fd lands at offset 0;
# - flags: O_RDONLY (a value): the program's write through it fails EBADF
#   and the file is unchanged;
# - count: {max: 4} and {min: 5} on write to fd 1: short and long writes;
# - a rewrite followed by a deny rule that tests the new value: denied.
source "$(dirname "$0")/../rewrite_lib.sh"
W=$WORK
umask 022
printf abcdef >"$W/app"
printf abcdef >"$W/app-native"
printf keep >"$W/keep"
echo cx >"$W/cx"

native "$PROGS/rw_calls" creat "$W/native-new" cloexec "$W/cx" append "$W/app-native:XY"
expect_that "natively: mode 0644, not close-on-exec, appended" cmp -s "$WORK/native.out" - <<NATIVE
creat($W/native-new): OK regs=kept mode=0644
cloexec($W/cx): OK cloexec=0 fdinfo_flags=0100000
append($W/app-native:XY): OK wrote 2
NATIVE
expect_file_content "$W/app-native" abcdefXY

P=$(policy rewrite.yaml <<YAML
version: 1
default: allow
rules:
  - name: private-files
    syscalls: [openat]
    args: {flags: {any: [O_CREAT]}}
    action: {rewrite: {mode: 0600}}
  - name: cloexec
    syscalls: [openat]
    args: {path: {eq: "$W/cx"}}
    action: {rewrite: {flags: {set: [O_CLOEXEC]}}}
  - name: no-append
    syscalls: [openat]
    args: {path: {eq: "$W/app"}}
    action: {rewrite: {flags: {clear: [O_APPEND]}}}
  - name: read-only
    syscalls: [openat]
    args: {path: {eq: "$W/keep"}}
    action: {rewrite: {flags: O_RDONLY}}
YAML
)
sg --policy "$P" --log "$LOG" -- "$PROGS/rw_calls" creat "$W/new" append "$W/app:XY" append "$W/keep:ZZ" \
  cloexec "$W/cx" execfd "$PROGS/rw_calls"
expect_status 0
expect_line "creat($W/new): OK regs=kept mode=0600"
expect_line "append($W/app:XY): OK wrote 2"
expect_line "append($W/keep:ZZ): write EBADF"
expect_line "cloexec($W/cx): OK cloexec=1 fdinfo_flags=02100000"
expect_that "the exec'd program does not have the fd" grep -qxE 'isopen\([0-9]+\): no' "$OUT"
expect_stdout_lacks "BUFFER CHANGED"
expect_that "mode of the created file is 600 ($(stat -c %a "$W/new" 2>&1))" [ "$(stat -c %a "$W/new" 2>&1)" = 600 ]
expect_file_content "$W/app" XYcdef
expect_file_content "$W/keep" keep
expect_log '[e["rewrites"]["mode"]["from"] for e in events if e.get("rewrites") and "mode" in e["rewrites"]] in ([0o666], ["0666"])'
expect_log '[e["rewrites"]["mode"]["to"] for e in events if e.get("rewrites") and "mode" in e["rewrites"]] in ([0o600], ["0600"])'

# Counts: max and min.
P=$(policy max.yaml <<'YAML'
version: 1
default: allow
rules:
  - name: short-writes
    syscalls: [write]
    args: {fd: {eq: 1}}
    action: {rewrite: {count: {max: 4}}}
YAML
)
sg --policy "$P" -- "$PROGS/rw_calls" writen "hello world:11" writen "ab:2"
expect_status 0
expect_stdout_equals "hellab"
expect_stderr_line "writen: 4"
expect_stderr_line "writen: 2"
P=$(policy min.yaml <<'YAML'
version: 1
default: allow
rules:
  - name: long-writes
    syscalls: [write]
    args: {fd: {eq: 1}}
    action: {rewrite: {count: {min: 5}}}
YAML
)
sg --policy "$P" -- "$PROGS/rw_calls" writen "hello:2" writen "abcdefg:7"
expect_status 0
expect_stdout_equals "helloabcdefg"
expect_stderr_line "writen: 5"
expect_stderr_line "writen: 7"

# The later rules see the new value.
P=$(policy later.yaml <<YAML
version: 1
default: allow
rules:
  - name: add-trunc
    syscalls: [openat]
    args: {path: {eq: "$W/app"}}
    action: {rewrite: {flags: {set: [O_TRUNC]}}}
  - name: no-truncation
    syscalls: [openat]
    args: {flags: {any: [O_TRUNC]}}
    action: {deny: ETXTBSY}
YAML
)
sg --policy "$P" -- "$PROGS/rw_calls" append "$W/app:QQ"
expect_status 0
expect_stdout_equals "append($W/app:QQ): ETXTBSY"
expect_file_content "$W/app" XYcdef
finish
