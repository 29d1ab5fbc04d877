#!/bin/bash
# A tracee that SIGSTOPs its supervisor must not make it wait forever: the
# program exits 0 at once, so sysgate must return 0 within seconds.
source "$(dirname "$0")/../lib.sh"
box
SG_TIMEOUT=15 sg -- "$PROGS/sg_hostile" stopparent
expect_status 0 "sysgate must not hang when the program stops it"
finish
