#!/bin/bash
# README's test command: dependencies, build, and every test (unit, shim tests
# against a real LTTng session and the libflux-core test double, record tool,
# analyzer, and integration tests against real flux-core when installed), then
# the analyzer's and recorder's suites under ASan+UBSan (docs/testing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j2 --timeout 900)

# The analyzer's and the recorder's suites again under AddressSanitizer and
# UndefinedBehaviorSanitizer (any report fails its test).  Left out: the tests
# that preload the shim into programs that are not instrumented (shim.*,
# record.*, integration.*, multihost.*), where the ASan runtime cannot come first.
echo "== under AddressSanitizer + UndefinedBehaviorSanitizer"
scripts/build.sh --sanitize address
(cd build-address && ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --output-on-failure -j2 --timeout 900 -E '^(shim|record|integration|multihost)\.')

# Each libFuzzer target for 20 s (clang, ASan+UBSan): about 3 minutes with the
# build on 2 cores.
echo "== fuzzing smoke run"
scripts/fuzz.sh 20
