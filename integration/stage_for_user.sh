#!/bin/bash
# Stages what the integration tests run as an ordinary user (the NAME.*.user
# tests, see user_test.sh) need into one world-readable directory, because the
# checkout and the build may lie where uid 65534 cannot go (under /root, say).
# Run as a CTest fixture (integration/CMakeLists.txt): `stage` once before the
# first .user test, `clean` after the last.
#
#   stage_for_user.sh stage STAGE SYSGATE SOURCE_ROOT BUILD_INTEGRATION_DIR
#   stage_for_user.sh clean STAGE
#
# STAGE gets, owned by root and read-only for everyone else (tests of the
# suites run at the same time share it and must not change it):
#   STAGE/sysgate                          the binary under test
#   STAGE/man/                             the man pages (explain_names reads one)
#   STAGE/README.md                        the README (readme_walkthrough runs it)
#   STAGE/integration/...                  a copy of integration/ (the scripts,
#                                          the policies), same relative paths
#   STAGE/integration/.../programs/        the built test programs of each suite
#
# When this host cannot run the .user tests (not root, no setpriv, no user
# 65534), there is nothing to stage: it says so and succeeds, and each .user
# test then skips with the reason (user_test.sh).
set -euo pipefail

log() { printf 'stage_for_user: %s\n' "$*" >&2; }

# STAGE must be a plain absolute path of our own making: it is removed whole.
check_stage() {
  case "$1" in
    /tmp/sysgate-user-?*) ;;
    *) log "refusing to use '$1' (expected /tmp/sysgate-user-*)"; exit 2 ;;
  esac
  case "$1" in *..* | *//*) log "refusing to use '$1'"; exit 2 ;; esac
}

mode=${1:-}
case "$mode" in
  clean)
    [ $# = 2 ] || { log "usage: $0 clean STAGE"; exit 2; }
    check_stage "$2"
    # Only root stages (below); anyone else has nothing of its own there.
    [ "$(id -u)" = 0 ] || exit 0
    rm -rf -- "$2"
    exit 0
    ;;
  stage)
    [ $# = 5 ] || { log "usage: $0 stage STAGE SYSGATE SOURCE_ROOT BUILD_INTEGRATION_DIR"; exit 2; }
    ;;
  *) log "usage: $0 stage|clean ..."; exit 2 ;;
esac
STAGE=$2 SYSGATE=$3 SRC=$4 BUILD=$5
check_stage "$STAGE"

if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null || ! getent passwd 65534 >/dev/null; then
  log "nothing staged: the .user tests need root, setpriv and a user 65534 (they skip)"
  exit 0
fi

# A fresh directory of root's own: whatever was there (an earlier run, or
# anything another user put at that name in /tmp) goes; mkdir fails rather
# than reuse a directory that reappeared in between.
rm -rf -- "$STAGE"
mkdir -m 700 -- "$STAGE"

install -m 755 "$SYSGATE" "$STAGE/sysgate"
mkdir -p "$STAGE/man"
cp -- "$SRC"/man/* "$STAGE/man/"
cp -- "$SRC/README.md" "$STAGE/README.md"

# The scripts, policies and whatever else the suites read, at their relative
# paths under integration/ (the sources of the programs come along; harmless).
mkdir "$STAGE/integration"
cp -R -- "$SRC/integration/." "$STAGE/integration/"

# The built programs of each suite: BUILD/programs, BUILD/SUITE/programs.
(cd "$BUILD" && find . -maxdepth 2 -type d -name programs -print0) |
  while IFS= read -r -d '' d; do
    mkdir -p "$STAGE/integration/$d"
    find "$BUILD/$d" -maxdepth 1 -type f -perm -u+x -exec cp -t "$STAGE/integration/$d/" {} +
  done

chmod -R u=rwX,go=rX "$STAGE"
chmod 755 "$STAGE"
log "staged into $STAGE"
