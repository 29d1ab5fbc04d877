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
finish
