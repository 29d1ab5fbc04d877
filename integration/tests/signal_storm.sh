#!/bin/bash
# Many signals, each handled exactly once, while the program makes syscalls
# (under the ptrace engine every one of them is a stop).
source "$(dirname "$0")/../lib.sh"
N=${SG_ITERATIONS:-2000}
sg -- "$PROGS/sg_signals" storm "$N"
expect_status 0
expect_stdout_equals "storm usr1=$N usr2_ok=1 child=0"
P=$(policy log-getppid.yaml <<'YAML'
version: 1
name: log-getppid
abi: [x86_64]
default: allow
rules:
  - name: watch-getppid
    syscalls: [getppid]
    action: log
YAML
)
sg --policy "$P" --log /dev/null -- "$PROGS/sg_signals" storm 500
expect_status 0
expect_stdout_equals "storm usr1=500 usr2_ok=1 child=0"
finish
