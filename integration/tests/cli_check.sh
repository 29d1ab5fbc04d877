#!/bin/bash
# `check`: 0 for valid policies, 1 with FILE:LINE:COL messages otherwise.
source "$(dirname "$0")/../lib.sh"
SG_CMD="sysgate check"
chk() { "$SYSGATE" check "$@" >"$OUT" 2>"$ERR"; RC=$?; SG_CMD="sysgate check $*"; }
chk "$POLICIES/allow-all.yaml" "$POLICIES/deny-files.yaml"
expect_status 0
P=$(policy dup.yaml <<'YAML'
version: 1
name: dup
default: allow
default: kill
YAML
)
chk "$P"
expect_status 1
expect_stderr_matches "dup.yaml:4:[0-9]+: "
P=$(policy badflag.yaml <<'YAML'
version: 1
name: badflag
default: allow
rules:
  - syscalls: [openat]
    args: {flags: {any: [O_RDONLY]}}
    action: {deny: EPERM}
YAML
)
chk "$P"
expect_status 1
expect_stderr_matches "badflag.yaml:6:[0-9]+: "
P=$(policy badtype.yaml <<'YAML'
version: 1
name: badtype
default: allow
rules:
  - syscalls: [mkdir]
    action: [allow]
YAML
)
chk "$P"
expect_status 1
expect_stderr_matches "badtype.yaml:6:13: "
P2=$(policy badconst.yaml <<'YAML'
version: 1
name: badconst
default: allow
rules:
  - syscalls: [openat]
    args: {flags: {any: [O_CRAET]}}
    action: {deny: EPERM}
YAML
)
chk "$POLICIES/allow-all.yaml" "$P2"
expect_status 1
expect_stderr_matches "badconst.yaml:6:[0-9]+: .*O_CRAET"
expect_stderr_contains "O_CREAT"

# A rule of the including file before a deny of an included one: a warning,
# not an error (issue 13).
P3=$(policy shadow.yaml <<'YAML'
version: 1
include: [base]
rules:
  - name: let-it-bpf
    syscalls: [bpf]
    action: allow
  - name: some-mounts
    syscalls: [mount]
    args: {mountflags: {any: [MS_BIND]}}
    action: log
YAML
)
chk "$P3"
expect_status 0
expect_stdout_contains "shadow.yaml: ok"
expect_stderr_matches 'shadow.yaml:4:5: warning: rule "let-it-bpf" \(allow\) comes before rule "no-kernel-surfaces" at <shipped:base>:[0-9]+:5 \(deny EPERM\) for bpf: that deny never applies'
expect_stderr_contains 'rule "some-mounts" (log) comes before rule "no-mounts"'
expect_stderr_contains "that deny does not apply where this rule's tests hold"
chk "$POLICIES/allow-all.yaml"
expect_stderr_lacks "warning"
finish
