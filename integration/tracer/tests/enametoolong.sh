#!/bin/bash
# Path arguments at the limits, under a filesystem section: the program sees
# what Linux says natively. A path of 1 MiB without a NUL (followed by a NUL,
# or by an unmapped page) and one of 4096 bytes plus its NUL (PATH_MAX counts
# the NUL): ENAMETOOLONG. 4095 bytes plus a NUL is a path (it does not exist
# here: ENOENT). 200 bytes running into an unmapped page, and NULL: EFAULT.
source "$(dirname "$0")/../tracer_lib.sh"
box
SG_TIMEOUT=30
W=$WORK
mkdir -p "$W/cwd"
EXPECTED="long_1MiB_nul_after: ENAMETOOLONG
long_1MiB_unmapped_after: ENAMETOOLONG
long_4096: ENAMETOOLONG
len_4095: ENOENT
unmapped_tail: EFAULT
null: EFAULT"
native env -C "$W/cwd" "$PROGS/tr_calls" longpath
expect_that "natively: exit status 0 (got $NATIVE_RC)" [ "$NATIVE_RC" = 0 ]
expect_that "natively: $(tr '\n' ' ' <"$WORK/native.out")" [ "$(cat "$WORK/native.out")" = "$EXPECTED" ]
P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ, "$W/**"]
  write: ["$W/cwd/**", "/dev/null"]
  exec: ["$PROGS/**"]
EOP
)
sg --policy "$P" --cwd "$W/cwd" -- "$PROGS/tr_calls" longpath
expect_finished
expect_status 0
expect_stdout_equals "$EXPECTED"
finish
