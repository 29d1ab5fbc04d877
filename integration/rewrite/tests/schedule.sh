#!/bin/bash
# `when:` schedules faults by counting a rule's matches (syscalls + args).
# rw_writes N P: P writer processes one after the other, N writes to fd 1
# each; each prints to stderr which of its writes failed.
# - {nth: 3} with {deny: ENOSPC}: exactly the 3rd write to fd 1 of the whole
#   tree fails, with ENOSPC, once (the report's injections: one, count 3);
#   the same with {return: -ENOSPC}; the writes to fd 2 are not counted;
# - per: process: the 3rd write of each process fails;
# - {from: 2, every: 5, until: 20}: writes 2, 7, 12 and 17;
# - {probability: 0.3, seed: 42}: the same writes fail in two runs, and
#   seed 43 fails another set; a rule without a seed takes --seed N (the
#   report's "seed" is N) or one sysgate picks and reports, which --seed then
#   reproduces.
source "$(dirname "$0")/../rewrite_lib.sh"

# lines N P [SKIP...]: the lines writers 1..P print, without the W.K listed in SKIP.
lines() {
  local n=$1 p=$2 w k
  shift 2
  for w in $(seq "$p"); do
    for k in $(seq "$n"); do
      case " $* " in *" $w.$k "*) continue ;; esac
      echo "$w.$k"
    done
  done
}
# failed W: what writer W says failed ("none" or "K=ENAME ...").
failed() { grep -m1 "^writer $1 failed:" "$ERR" | sed "s/^writer $1 failed: //"; }

sched_policy() {  # sched_policy FILE WHEN ACTION
  policy "$1" <<YAML
version: 1
default: allow
rules:
  - name: full-disk
    syscalls: [write]
    args: {fd: {eq: 1}}
    when: $2
    action: $3
YAML
}

for action in "{deny: ENOSPC}" "{return: -ENOSPC}"; do
  log "--- nth 3, $action"
  P=$(sched_policy nth.yaml "{nth: 3}" "$action")
  sg --policy "$P" --report "$REPORT" -- "$PROGS/rw_writes" 5 2
  expect_status 0
  expect_stdout_equals "$(lines 5 2 1.3)"
  expect_stderr_line "writer 1 failed: 3=ENOSPC"
  expect_stderr_line "writer 2 failed: none"
  expect_report 'r["injections"]["count"] == 1'
  expect_report '[(i["rule"], i["syscall"], i["count"]) for i in r["injections"]["first"]] == [("full-disk", "write", 3)]'
  expect_report 'isinstance(r["injections"]["first"][0]["pid"], int)'
done

log "--- nth 3, per process"
P=$(sched_policy per.yaml "{nth: 3, per: process}" "{deny: ENOSPC}")
sg --policy "$P" --report "$REPORT" -- "$PROGS/rw_writes" 5 2
expect_status 0
expect_stdout_equals "$(lines 5 2 1.3 2.3)"
expect_stderr_line "writer 1 failed: 3=ENOSPC"
expect_stderr_line "writer 2 failed: 3=ENOSPC"
expect_report 'r["injections"]["count"] == 2'
expect_report '[(i["rule"], i["syscall"], i["count"]) for i in r["injections"]["first"]] == [("full-disk", "write", 3)] * 2'
expect_report 'len({i["pid"] for i in r["injections"]["first"]}) == 2'

log "--- from 2, every 5, until 20"
P=$(sched_policy every.yaml "{from: 2, every: 5, until: 20}" "{deny: ENOSPC}")
sg --policy "$P" --report "$REPORT" -- "$PROGS/rw_writes" 25 1
expect_status 0
expect_stdout_equals "$(lines 25 1 1.2 1.7 1.12 1.17)"
expect_stderr_line "writer 1 failed: 2=ENOSPC 7=ENOSPC 12=ENOSPC 17=ENOSPC"
expect_report '[i["count"] for i in r["injections"]["first"]] == [2, 7, 12, 17]'

log "--- a rule that does not fire does not match: the next rule decides"
P=$(policy next.yaml <<'YAML'
version: 1
default: allow
rules:
  - name: second-write
    syscalls: [write]
    args: {fd: {eq: 1}}
    when: {nth: 2}
    action: {deny: ENOSPC}
  - name: every-write
    syscalls: [write]
    args: {fd: {eq: 1}}
    action: {deny: EIO}
YAML
)
sg --policy "$P" --report "$REPORT" -- "$PROGS/rw_writes" 3 1
expect_status 0
expect_stdout_equals ""
expect_stderr_line "writer 1 failed: 1=EIO 2=ENOSPC 3=EIO"
expect_report '[(i["rule"], i["count"]) for i in r["injections"]["first"]] == [("second-write", 2)]'

log "--- probability 0.3, seeds 42, 42, 43"
P=$(sched_policy p42.yaml "{probability: 0.3, seed: 42}" "{deny: ENOSPC}")
sg --policy "$P" -- "$PROGS/rw_writes" 60 1
expect_status 0
A=$(failed 1)
sg --policy "$P" -- "$PROGS/rw_writes" 60 1
expect_status 0
B=$(failed 1)
P=$(sched_policy p43.yaml "{probability: 0.3, seed: 43}" "{deny: ENOSPC}")
sg --policy "$P" -- "$PROGS/rw_writes" 60 1
expect_status 0
C=$(failed 1)
log "seed 42: $A"
log "seed 42: $B"
log "seed 43: $C"
some_not_all() { [ -n "$1" ] && [ "$1" != none ] && [ "$(wc -w <<<"$1")" -lt 60 ]; }
expect_that "seed 42 fails some writes, not all (p=0.3 of 60: '$A')" some_not_all "$A"
expect_that "seed 42 fails the same writes twice" [ "$A" = "$B" ]
expect_that "seed 43 fails other writes than seed 42" [ "$C" != "$A" ]
expect_that "only ENOSPC failures" [ -z "$(tr ' ' '\n' <<<"$A $C" | grep -v '=ENOSPC$' | grep -v '^none$' | grep .)" ]

log "--- probability without a seed: --seed, and the seed sysgate picks"
P=$(sched_policy pnone.yaml "{probability: 0.3}" "{deny: ENOSPC}")
sg --policy "$P" --seed 7 --report "$REPORT" -- "$PROGS/rw_writes" 60 1
expect_status 0
expect_report 'r["seed"] == 7'
S7=$(failed 1)
sg --policy "$P" --seed 7 -- "$PROGS/rw_writes" 60 1
expect_status 0
expect_that "--seed 7 fails some writes, not all ('$S7')" some_not_all "$S7"
expect_that "--seed 7 fails the same writes twice" [ "$(failed 1)" = "$S7" ]
sg --policy "$P" --report "$REPORT" -- "$PROGS/rw_writes" 60 1
expect_status 0
expect_report 'isinstance(r["seed"], int) and not isinstance(r["seed"], bool)'
PICKED=$(failed 1)
SEED=$(report_value 'r["seed"]')
if [ "$PICKED" != none ]; then
  expect_report 'r["injections"]["count"] == '"$(wc -w <<<"$PICKED")"
else
  expect_report 'r["injections"]["count"] == 0'
fi
if [ -n "$SEED" ]; then
  sg --policy "$P" --seed "$SEED" -- "$PROGS/rw_writes" 60 1
  expect_status 0
  expect_that "--seed $SEED (the seed sysgate picked) fails the same writes ('$PICKED')" [ "$(failed 1)" = "$PICKED" ]
fi
finish
