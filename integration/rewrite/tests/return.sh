#!/bin/bash
# `action: {return: VALUE}`: the call is skipped and returns VALUE.
# - getuid/geteuid return 1000: `id -u` prints 1000, whoever runs it; the
#   JSON log has "action": "return" and "return": 1000;
# - {return: -EPERM} on mkdir: mkdir fails with EPERM and nothing is made;
#   {return: 0} on mkdir: mkdir "succeeds" and still nothing is made (the call
#   was skipped); -28 (decimal) is ENOSPC; 0x2a (hex) returns 42;
# - {return: 0} on fsync: fsync succeeds.
source "$(dirname "$0")/../rewrite_lib.sh"
W=$WORK

P=$(policy uid.yaml <<'YAML'
version: 1
default: allow
rules:
  - name: fake-uid
    syscalls: [getuid, geteuid]
    action: {return: 1000}
YAML
)
sg --policy "$P" --log "$LOG" -- /usr/bin/id -u
expect_status 0
expect_stdout_equals 1000
expect_log '[e["syscall"] for e in events if e.get("action") == "return"] != []'
expect_log 'all(e.get("return") == 1000 and e["syscall"] in ("getuid", "geteuid") for e in events if e.get("action") == "return")'
# The raw calls, both of them, as the program saw them.
sg --policy "$P" -- "$PROGS/rw_calls" getuid - geteuid - getppid -
expect_status 0
expect_line "getuid: 1000"
expect_line "geteuid: 1000"
expect_that "getppid is not answered by the rule" grep -qE '^getppid: [1-9][0-9]*$' "$OUT"

P=$(policy mkdir.yaml <<YAML
version: 1
default: allow
rules:
  - name: mkdir-eperm
    syscalls: [mkdir]
    args: {path: {eq: "$W/eperm"}}
    action: {return: -EPERM}
  - name: mkdir-zero
    syscalls: [mkdir]
    args: {path: {eq: "$W/zero"}}
    action: {return: 0}
  - name: mkdir-enospc-decimal
    syscalls: [mkdir]
    args: {path: {eq: "$W/minus28"}}
    action: {return: -28}
  - name: ppid-hex
    syscalls: [getppid]
    action: {return: 0x2a}
  - name: fsync-ok
    syscalls: [fsync]
    action: {return: 0}
YAML
)
echo data >"$W/file"
sg --policy "$P" --log "$LOG" -- "$PROGS/rw_calls" mkdir "$W/eperm" mkdir "$W/zero" mkdir "$W/minus28" \
  mkdir "$W/other" getppid - fsync "$W/file"
expect_status 0
expect_stdout_equals "mkdir($W/eperm): EPERM
mkdir($W/zero): OK
mkdir($W/minus28): ENOSPC
mkdir($W/other): OK
getppid: 42
fsync($W/file): OK"
expect_file_absent "$W/eperm"
expect_file_absent "$W/zero"
expect_file_absent "$W/minus28"
expect_dir_present "$W/other"
expect_log '[e.get("return") for e in events if e.get("action") == "return" and e["syscall"] == "mkdir"] == [-1, 0, -28]'
expect_log '[e.get("return") for e in events if e.get("action") == "return" and e["syscall"] == "getppid"] == [42]'
finish
