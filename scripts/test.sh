#!/usr/bin/env bash
# README quick start 2 (and what CI runs): install what is missing, build, and
# run every test: unit and integration tests of both engines, then the same
# under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
(cd build && ctest -j2 --output-on-failure)
cmake -S . -B build-asan -DSYSGATE_WERROR=ON -DSYSGATE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$(nproc)"
(cd build-asan && ctest -j2 --output-on-failure)
