#!/usr/bin/env bash
# README quick start 2 (and what CI runs): install what is missing, build, and
# run every test: unit and integration tests of both engines (as root and, the
# .user tests, as uid 65534), then the same under AddressSanitizer +
# UndefinedBehaviorSanitizer (not as the user).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
scripts/build.sh
(cd build && ctest -j2 --output-on-failure)
cmake -S . -B build-asan -DSYSGATE_WERROR=ON -DSYSGATE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$(nproc)"
# Not the .user tests (the integration suite again as uid 65534): they run in
# build/ above, and would add about 5 minutes here.
# The stress tests' iteration counts are a fifth there: the instrumented
# supervisor is several times slower, and the Release pass made the full counts.
(cd build-asan && SYSGATE_STRESS_SCALE=4000 ctest -j2 -LE user --output-on-failure)
# Every libFuzzer harness for 60 s from its seed corpus (build-fuzz/, clang;
# docs/fuzzing.md); any crash, hang or sanitizer report fails the run.
scripts/fuzz.sh all 60
