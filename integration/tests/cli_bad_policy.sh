#!/bin/bash
# A bad policy or a bad option: exit 125 with FILE:LINE:COL on stderr, and
# the program is not run.
source "$(dirname "$0")/../lib.sh"
P=$(policy bad-key.yaml <<'YAML'
version: 1
name: bad
default: allow
rules:
  - syscalls: [mkdir]
    acton: allow
YAML
)
sg --policy "$P" -- "$PROGS/sg_call" creat "$WORK/ran"
expect_status 125
expect_stderr_matches "bad-key.yaml:6:5: .*acton"
expect_file_absent "$WORK/ran"
P=$(policy bad-name.yaml <<'YAML'
version: 1
name: bad
default: allow
rules:
  - syscalls: [mkdri]
    action: allow
YAML
)
sg --policy "$P" -- "$PROGS/sg_call" creat "$WORK/ran"
expect_status 125
expect_stderr_matches "bad-name.yaml:5:16: .*mkdri"
expect_stderr_contains "mkdir"
expect_file_absent "$WORK/ran"
P=$(policy bad-errno.yaml <<'YAML'
version: 1
name: bad
default: {deny: EWHATEVER}
YAML
)
sg --policy "$P" -- "$PROGS/sg_call" creat "$WORK/ran"
expect_status 125
expect_stderr_matches "bad-errno.yaml:3:[0-9]+: .*EWHATEVER"
expect_file_absent "$WORK/ran"
sg --policy "$WORK/no-such-policy.yaml" -- "$PROGS/sg_call" creat "$WORK/ran"
expect_status 125
expect_file_absent "$WORK/ran"
sg --frobnicate -- "$PROGS/sg_call" creat "$WORK/ran"
expect_status 125
expect_file_absent "$WORK/ran"
# The program's own options are not sysgate's.
sg -- sh -c 'echo "$1"' sh --policy
expect_status 0
expect_stdout_equals "--policy"
finish
