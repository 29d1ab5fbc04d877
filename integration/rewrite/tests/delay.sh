#!/bin/bash
# `delay: DURATION` in an action holds the call that long before it runs (or
# fails): alone (`{delay: 200ms}`: allow after 200 ms) and next to a deny
# (`{deny: EIO, delay: 100ms}`). The program itself sees each delayed call take
# at least that long, and the run's wall_time_s is at least their sum; an
# undelayed call is not held (bounded loosely: this is not a speed test).
source "$(dirname "$0")/../rewrite_lib.sh"
W=$WORK
P=$(policy delay.yaml <<YAML
version: 1
default: allow
rules:
  - name: slow-mkdir
    syscalls: [mkdir]
    action: {delay: 200ms}
  - name: slow-failing-rmdir
    syscalls: [rmdir]
    args: {path: {eq: "$W/d"}}
    action: {deny: EIO, delay: 100ms}
YAML
)
sg --policy "$P" --report "$REPORT" -- "$PROGS/rw_calls" -t mkdir "$W/d" rmdir "$W/d" getppid -
expect_status 0
expect_line "mkdir($W/d): OK"
expect_line "rmdir($W/d): EIO"
expect_dir_present "$W/d"
ms() { grep -m1 "^took $1: " "$ERR" | sed 's/^took [^:]*: \([0-9]*\) ms$/\1/'; }
MK=$(ms "mkdir($W/d)")
RM=$(ms "rmdir($W/d)")
PP=$(ms "getppid(-)")
log "mkdir took ${MK:-?} ms, rmdir ${RM:-?} ms, getppid ${PP:-?} ms"
expect_that "mkdir was held at least 200 ms (${MK:-?} ms)" [ "${MK:-0}" -ge 200 ]
expect_that "rmdir was held at least 100 ms (${RM:-?} ms)" [ "${RM:-0}" -ge 100 ]
expect_that "getppid was not held the 200 ms of mkdir (${PP:-?} ms)" [ "${PP:-1000}" -lt 190 ]
expect_report 'r["wall_time_s"] >= 0.3'
finish
