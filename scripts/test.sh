#!/bin/bash
# README's test command: dependencies, build, and every test (unit, shim tests
# against a real LTTng session and the libflux-core test double, record tool,
# analyzer, and integration tests against real flux-core when installed), then
# the analyzer's, recorder's and shim's suites under ASan+UBSan, the shim's
# threaded tests and the analyzer's threads under TSan, and a short fuzzing
# run (docs/testing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j2 --timeout 900)

# sanitizer_reports DIR: fails, printing them, if any process wrote a report
# into DIR (the sanitizers' log_path: every process of a test, also those whose
# exit status no test checks, such as sh or python3 running under the shim).
# Called whether or not ctest passed: a test that failed with a sanitizer's
# exit status (66 for TSan) has the report only there.
sanitizer_reports() {
    local reports
    reports=$(find "$1" -type f)
    [ -z "$reports" ] && return 0
    echo "sanitizer reports in $1:"
    for f in $reports; do
        echo "== $f"
        cat "$f"
    done
    return 1
}

# Every suite again under AddressSanitizer and UndefinedBehaviorSanitizer (any
# report fails its test).  The shim and the recorder preload the runtime before
# the instrumented shim (FLUXTRACE_SANITIZER_RUNTIME).  Left out: the
# integration.* and multihost.* tests, which trace real flux-core instances:
# flux-core is not instrumented, and minutes of it would not fit CI's budget.
echo "== under AddressSanitizer + UndefinedBehaviorSanitizer"
scripts/build.sh --sanitize address
reports=$PWD/build-address/sanitizer-reports
rm -rf "$reports" && mkdir -p "$reports"
# Named here: inside the subshells below, $PWD is the build directory.
suppressions=$PWD/tests/lib
(cd build-address && ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}:log_path=$reports/asan \
    LSAN_OPTIONS=suppressions=$suppressions/lsan.supp:print_suppressions=0 \
    UBSAN_OPTIONS=print_stacktrace=1:log_path=$reports/ubsan \
    ctest --output-on-failure -j2 --timeout 900 -E '^(integration|multihost)\.') || status=$?
sanitizer_reports "$reports"
[ "${status:-0}" -eq 0 ] || exit "$status"

# The shim's threaded tests under ThreadSanitizer: two threads tracing at once
# (life.threads), children forked and exec'd while threads trace
# (life.fork-threads), posix_spawn, dlopen of a tracing module, exit() in a
# callback.  Only the shim, its provider, the recorder and the test programs are
# built; the traces are read with the plain build's analyzer.  One suppression
# (tests/lib/tsan.supp): LTTng-UST's ring buffer, ordered where TSan cannot see.
# Left out: life.fork, life.exec and life.fork-closefds.  Their programs fork
# while LTTng-UST's threads run, and under TSan the children stopped with
# "starting new threads after multi-threaded fork is not supported" (with
# die_after_fork=0 they crashed, SIGSEGV, or failed): TSan's limit, not a
# report.  They run under ASan above.  FLUXTRACE_STACK=0: libunwind's
# per-thread cache destructor runs after TSan has finished the thread and
# crashes it in pthread_mutex_lock, so no stack is unwound here.
echo "== under ThreadSanitizer"
scripts/build.sh --sanitize thread -DFLUXTRACE_TEST_ANALYZER="$PWD/build/bin/fluxtrace-analyze" \
    fluxtrace fluxtrace-cli shim-life shim-module fluxtrace-analyze
reports=$PWD/build-thread/sanitizer-reports
rm -rf "$reports" && mkdir -p "$reports"
(cd build-thread && FLUXTRACE_STACK=0 \
    TSAN_OPTIONS=suppressions=$suppressions/tsan.supp:log_path=$reports/tsan \
    ctest --output-on-failure -j2 --timeout 900 \
    -R '^shim\.life\.(threads|fork-threads|spawn|module|exit)$') || status=$?
# And the analyzer's own threads (-j: the check walk of the data files).
TSAN_OPTIONS=log_path=$reports/tsan \
    tests/analyzer/threads_tsan.sh build-thread/bin/fluxtrace-analyze "$PWD" || status=$?
sanitizer_reports "$reports"
[ "${status:-0}" -eq 0 ] || exit "$status"

# Each libFuzzer target for 20 s (clang, ASan+UBSan): about 3 minutes with the
# build on 2 cores.
echo "== fuzzing smoke run"
scripts/fuzz.sh 20
