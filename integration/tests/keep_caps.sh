#!/bin/bash
# Capabilities (issue 9): the program runs with none unless --keep-caps or the
# policy's `capabilities` keeps some; those that could undo the sandbox's own
# guarantees need --allow-weaker=capabilities.
source "$(dirname "$0")/../lib.sh"
needs_root "the capabilities kept (CAP_CHOWN) are root's"
box
touch "$WORK/f"
CHOWN='chown 65534 "$0" && echo chowned; grep CapEff /proc/self/status'
sg --policy "$POLICIES/allow-all.yaml" -- /bin/sh -c "$CHOWN" "$WORK/f"
expect_stdout_lacks "chowned"
expect_stdout_contains "CapEff:	0000000000000000"
expect_that "the file still belongs to root" test "$(stat -c %u "$WORK/f")" = 0
sg --policy "$POLICIES/allow-all.yaml" --keep-caps CAP_CHOWN -- /bin/sh -c "$CHOWN" "$WORK/f"
expect_status 0
expect_stdout_contains "chowned"
expect_stdout_contains "CapEff:	0000000000000001"
expect_that "the file now belongs to 65534" test "$(stat -c %u "$WORK/f")" = 65534
chown 0 "$WORK/f"
P=$(policy caps.yaml <<'YAML'
version: 1
default: allow
capabilities: [CAP_CHOWN]
YAML
)
sg --policy "$P" -- /bin/sh -c "$CHOWN" "$WORK/f"
expect_stdout_contains "chowned"
sg --policy "$P" --keep-caps CAP_SYS_PTRACE -- /bin/true
expect_status 125
expect_stderr_contains "CAP_SYS_PTRACE would let the program undo the sandbox's own guarantees"
sg --policy "$P" --keep-caps CAP_SYS_PTRACE --allow-weaker capabilities -- /bin/sh -c 'grep CapEff /proc/self/status'
expect_status 0
expect_stdout_contains "CapEff:	0000000000080000"
sg --keep-caps CAP_CHWON -- /bin/true
expect_status 125
expect_stderr_contains "did you mean 'CAP_CHOWN'"
finish
