#!/bin/bash
# A private /tmp for a run as another user (--user 65534 --group 65534, as
# root): the run directory is that user's (mode 0700), the program (as that
# user) writes and reads /tmp/NAME in it, and the real /tmp has no NAME.
source "$(dirname "$0")/../rewrite_lib.sh"
needs_root "--user switches to another user"
N=sgrw-$UNIQUE
rm -f -- "/tmp/$N"
sg --private-tmp --keep-rundir --user 65534 --group 65534 --report "$REPORT" -- \
  /bin/sh -c "id -u; echo as-nobody >/tmp/$N && read -r line </tmp/$N && echo \$line"
expect_status 0
expect_stdout_equals "65534
as-nobody"
expect_file_absent "/tmp/$N"
RUNDIR=$(report_value 'r["rundir"]')
expect_that "the report names the run directory ($RUNDIR)" [ -n "$RUNDIR" ]
if [ -n "$RUNDIR" ]; then
  expect_that "the run directory is 65534's, mode 700 ($(stat -c '%u %a' "$RUNDIR" 2>&1))" \
    [ "$(stat -c '%u %a' "$RUNDIR" 2>&1)" = "65534 700" ]
  expect_file_content "$RUNDIR/tmp/$N" as-nobody
  case "$RUNDIR" in
    /?*/?*) rm -rf -- "$RUNDIR" ;;
  esac
fi
rm -f -- "/tmp/$N"
finish
