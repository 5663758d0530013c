#!/bin/bash
# fluxtrace-analyze's threads under ThreadSanitizer (scripts/test.sh): the
# check walk of the data files (-j 4) with each reader (the Babeltrace2
# reader's damage check, find_damage, walks them on threads too), on two
# sources, damaged and lossy fixtures and the bundled trace.  A run fails on
# a status other than 0 or 1 (findings); TSan's reports go to TSAN_OPTIONS'
# log_path, which the caller checks.
#   threads_tsan.sh TSAN_BUILT_FLUXTRACE_ANALYZE SOURCE_DIR
set -euo pipefail
tool=$1 src=$2
fixtures=$src/tests/analyzer/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$src/examples/traces/kvs-load-4rank.tar.xz" -C "$tmp"
status=0
for reader in fast bt2; do
    for paths in "$fixtures/normal $fixtures/other-host" "$fixtures/truncated" \
        "$fixtures/discarded" "$tmp"; do
        rc=0
        # shellcheck disable=SC2086 # PATHS is a list
        "$tool" -q -j 4 --reader $reader --summary --check $paths >/dev/null 2>"$tmp.err" || rc=$?
        if [ $rc -gt 1 ]; then
            echo "FAIL: --reader $reader $paths: exit $rc"
            cat "$tmp.err"
            status=1
        else
            echo "ok: -j 4 --reader $reader $paths"
        fi
    done
done
rm -f "$tmp.err"
exit $status
