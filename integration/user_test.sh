#!/bin/bash
# Runs one integration script as an ordinary user: uid and gid 65534, no
# supplementary groups, from the copies stage_for_user.sh made (the NAME.*.user
# tests of integration/CMakeLists.txt; ctest runs this as root).
#
#   user_test.sh STAGE SCRIPT      (SCRIPT relative to STAGE/integration)
#
# The script gets a clean environment: the variables of the suites (SYSGATE,
# ENGINE, PROGS, ... set by CMake to the staged copies), a PATH without
# anything of root's, and a scratch directory of the user's own as HOME and
# TMPDIR, removed afterwards. Exits 77 (skip) with the reason when this host
# cannot do it.
set -u

skip() { printf 'skip: %s\n' "$*" >&2; exit 77; }

[ $# = 2 ] || { echo "usage: $0 STAGE SCRIPT" >&2; exit 2; }
STAGE=$1 SCRIPT=$2
[ "$(id -u)" = 0 ] || skip "the .user tests need root to become uid 65534 (they run as $(id -un))"
command -v setpriv >/dev/null || skip "the .user tests need setpriv (util-linux) to become uid 65534"
NAME=$(getent passwd 65534 | cut -d: -f1)
[ -n "$NAME" ] || skip "the .user tests need a user 65534 (nobody)"
[ -x "$STAGE/sysgate" ] || { echo "user_test: $STAGE/sysgate is missing: the fixture sysgate_user_stage did not run" >&2; exit 1; }
[ -f "$STAGE/integration/$SCRIPT" ] || { echo "user_test: $STAGE/integration/$SCRIPT is missing" >&2; exit 1; }

SCRATCH=$(mktemp -d /tmp/sysgate-user-run.XXXXXX) || exit 1
trap 'rm -rf -- "$SCRATCH"' EXIT
mkdir "$SCRATCH/home"
chown -R 65534:65534 "$SCRATCH"
chmod 700 "$SCRATCH"

# What the suites read from their environment; everything else of root's stays behind.
envs=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  HOME="$SCRATCH/home" TMPDIR="$SCRATCH" USER="$NAME" LOGNAME="$NAME" SHELL=/bin/sh)
for v in SYSGATE ENGINE PROGS POLICIES SG_UNSHARE SG_TIMEOUT SYSGATE_STRESS_SCALE \
  GRADING_PROGRAMS GRADING_POLICIES GRADING_MODE ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS \
  LANG LC_ALL TERM; do
  if [ -n "${!v+x}" ]; then envs+=("$v=${!v}"); fi
done

cd "$SCRATCH" || exit 1
# Not exec: the trap removes the scratch directory, whatever the script left there.
setpriv --reuid=65534 --regid=65534 --clear-groups -- \
  env -i "${envs[@]}" bash "$STAGE/integration/$SCRIPT"
