#!/usr/bin/env bash
# README quick start 1: install what is missing, build, and run a program under
# the built-in default policy; the JSON report (last line) carries the verdict.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
set +e
build/sysgate run --report - -- ls -l /
status=$?
echo "sysgate: exit status $status"
exit $status
