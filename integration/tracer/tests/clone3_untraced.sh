#!/bin/bash
# clone3 with CLONE_UNTRACED (its flags are in memory, out of the filter's
# reach) under a minimal policy (no rules) and under one that allows clone3
# by name: either the call fails (ENOSYS or EPERM), or its child is traced
# (TracerPid != 0). No child ever runs untraced: the marker file such a child
# creates does not exist.
source "$(dirname "$0")/../tracer_lib.sh"
box
SG_TIMEOUT=20
W=$WORK
for RULES in "" "rules: [{syscalls: [clone3], action: allow}]"; do
  P=$(policy p.yaml <<EOP
version: 1
default: allow
$RULES
EOP
)
  log "--- policy: ${RULES:-no rules}"
  rm -f "$W/untraced"
  sg --policy "$P" -- "$PROGS/tr_calls" clone3_untraced "$W/untraced"
  expect_finished
  expect_status 0
  log "program said: $(tr '\n' ' ' <"$OUT")"
  RESULT=$(grep -m1 '^clone3: ' "$OUT" | sed 's/^clone3: //')
  case "$RESULT" in
    ENOSYS | EPERM) ok "clone3 refused ($RESULT)" ;;
    "OK child_exit=0")
      TP=$(grep -m1 '^child: TracerPid=' "$OUT" | sed 's/^child: TracerPid=//')
      if [ -n "$TP" ] && [ "$TP" != 0 ]; then ok "the clone3 child is traced (TracerPid=$TP)"; else
        fail "the clone3 child runs untraced (TracerPid=${TP:-(no line)})"
      fi
      ;;
    *) fail "clone3: expected ENOSYS, EPERM or a traced child, got '${RESULT:-(no line)}'" ;;
  esac
  expect_stdout_lacks "child: untraced"
  expect_file_absent "$W/untraced"
done
finish
