#!/bin/bash
# The program gets fds 0-2 only (not a descriptor the caller of sysgate left
# open), and cannot read the supervisor's memory or environment.
source "$(dirname "$0")/../lib.sh"
box
echo secret >"$WORK/secret"
mkdir "$WORK/secretdir"
SG_CMD="$SYSGATE run --engine $ENGINE -- sg_hostile reach_parent 7<secret 8<secretdir"
timeout 60 "$SYSGATE" run --engine "$ENGINE" -- "$PROGS/sg_hostile" reach_parent \
  >"$OUT" 2>"$ERR" </dev/null 7<"$WORK/secret" 8<"$WORK/secretdir"
RC=$?
expect_status 0
expect_stdout_contains "inherited fds: 0"
expect_stdout_lacks "secret"
expect_stdout_lacks "parent mem: OK"
expect_stdout_lacks "parent environ: OK"
expect_stdout_lacks "process_vm_readv parent: OK"
finish
