#!/bin/bash
# T threads (2, 4, 16, 64) open, read and close an allowed file at once, every
# open checked by the filesystem section: every open succeeds and reads the
# file (exactly T*N, N = SCALE = 20000 opens per thread, 1,280,000 for 64
# threads). Then half the opens are of a deny-listed file: exactly half are
# refused, all with the section's errno (EPERM here, so that a refusal by the
# kernel's mask, EACCES, would show), and nothing is read from it.
# ctest-timeout: 600
source "$(dirname "$0")/../tracer_lib.sh"
box
SG_TIMEOUT=300
W=$WORK
mkdir -p "$W/ok"
echo ALLOWED >"$W/ok/aa"
echo SECRET >"$W/ok/dd"
P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: ["/**"]
  write: ["$W/**", "/dev/null"]
  exec: ["$PROGS/**"]
EOP
)
for tn in "2 $SCALE" "4 $SCALE" "16 $SCALE" "64 $SCALE"; do
  set -- $tn
  T=$1 N=$2
  [ "$N" -ge 1 ] || N=1
  log "--- $T threads, $N opens each"
  sg --policy "$P" -- "$PROGS/tr_threads" open "$T" "$N" "$W/ok/aa"
  expect_finished
  expect_status 0
  expect_field tries $((T * N))
  expect_field ok $((T * N))
  expect_field refused 0
  expect_field bad 0
  expect_errnos none
done

PD=$(policy pd.yaml <<EOP
version: 1
default: allow
filesystem:
  read: ["/**"]
  write: ["$W/**", "/dev/null"]
  exec: ["$PROGS/**"]
  deny: ["$W/ok/dd"]
  errno: EPERM
EOP
)
for tn in "4 $((SCALE / 2))" "64 $((SCALE / 32))"; do
  set -- $tn
  T=$1 N=$(($2 / 2 * 2))
  [ "$N" -ge 2 ] || N=2
  HALF=$((T * N / 2))
  log "--- $T threads, $N opens each, every second one denied"
  sg --policy "$PD" -- "$PROGS/tr_threads" open "$T" "$N" "$W/ok/aa" "$W/ok/dd"
  expect_finished
  expect_status 0
  expect_field tries $((T * N))
  expect_field ok "$HALF"
  expect_field refused "$HALF"
  expect_field leaks 0
  expect_field bad 0
  expect_errnos "EPERM=$HALF"
done
expect_file_content "$W/ok/dd" SECRET
finish
