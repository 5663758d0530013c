#!/bin/sh
# fluxtrace-analyze end to end on the bundled real trace: the text and JSON
# reports against golden files (durations normalized: they are the only
# run-dependent numbers a report prints), and the exit statuses.
#   cli_golden.sh FLUXTRACE_ANALYZE TRACE_TAR_XZ THIS_DIR [--update]
set -u
tool=$1 tarball=$2 here=$3 update=${4:-}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$tarball" -C "$tmp/" || exit 1
fail=0
check() { # name expected actual
    if [ "$2" != "$3" ]; then
        echo "FAIL: $1: exit status $3, expected $2"
        fail=1
    fi
}
golden() { # file
    if [ "$update" = --update ]; then
        cp "$tmp/$1" "$here/$1"
    elif ! diff -u "$here/$1" "$tmp/$1"; then
        echo "FAIL: $1 differs from the golden file"
        fail=1
    fi
}
norm_text() { sed -E 's/\((longest )?[0-9.]+ (ns|us|ms|s)\)/(\1<duration>)/g'; }
norm_json() { sed -E 's/"duration_ns": [0-9]+/"duration_ns": "<duration>"/'; }

# Symbols from the trace's own saved ones only (an empty sysroot, no system
# debug directory): the reports are the same on every machine.
mkdir -p "$tmp/empty-root"
export_args="--sysroot $tmp/empty-root --no-system-debug-dir"
# shellcheck disable=SC2086
"$tool" -q $export_args "$tmp" >"$tmp/out" 2>"$tmp/err"
check "default run" 1 $?
norm_text <"$tmp/out" >"$tmp/kvs-load-4rank.expect"
golden kvs-load-4rank.expect

# shellcheck disable=SC2086
"$tool" -q --format json $export_args "$tmp" >"$tmp/out" 2>"$tmp/err"
check "--format json" 1 $?
norm_json <"$tmp/out" >"$tmp/kvs-load-4rank.json.expect"
golden kvs-load-4rank.json.expect

"$tool" -q --error-exitcode 7 "$tmp" >/dev/null 2>&1
check "--error-exitcode 7" 7 $?

# flux-core's own start-up findings suppressed, nothing remains: the
# workload's watchers each saw only the final value of the key they watch,
# their initial state (the writer was done before they registered).
# shellcheck disable=SC2086
"$tool" -q --suppressions "$here/../../suppressions/flux-core-0.88.supp" $export_args "$tmp" >"$tmp/out" 2>&1
check "--suppressions" 0 $?
grep -q '^fluxtrace: 0 findings, 0 notes (5 suppressed by flux-core-0.88.supp) in ' "$tmp/out" ||
    { echo "FAIL: suppressed summary line"; cat "$tmp/out"; fail=1; }

"$tool" -q --summary "$tmp" >/dev/null 2>&1
check "--summary" 0 $?
"$tool" -q --summary --check "$tmp" >"$tmp/out" 2>&1
check "--summary --check" 1 $?
grep -q '^source 0:' "$tmp/out" && grep -q '^SUMMARY: fluxtrace: ' "$tmp/out" ||
    { echo "FAIL: --summary --check prints both"; fail=1; }

"$tool" -q "$tmp/nonexistent" >/dev/null 2>&1
check "missing path" 2 $?
"$tool" -q --suppressions "$tmp/nonexistent.supp" "$tmp" >/dev/null 2>&1
check "missing suppressions file" 2 $?
printf 'nocolon\n' >"$tmp/bad.supp"
"$tool" -q --suppressions "$tmp/bad.supp" "$tmp" 2>"$tmp/err" >/dev/null
check "malformed suppressions" 2 $?
grep -q "bad.supp:1: expected rule:key-glob" "$tmp/err" ||
    { echo "FAIL: malformed suppressions message"; cat "$tmp/err"; fail=1; }
"$tool" -q --format xml "$tmp" >/dev/null 2>&1
check "--format xml" 2 $?
# The HTML page (its content: html_browser_test.py, in a browser): the same
# exit status as the text report, one document, and no text report around it.
# shellcheck disable=SC2086
"$tool" -q --format html $export_args "$tmp" >"$tmp/out" 2>"$tmp/err"
check "--format html" 1 $?
head -c 15 "$tmp/out" | grep -q '^<!DOCTYPE html>' && tail -n 1 "$tmp/out" | grep -q '^</html>$' &&
    ! grep -q '^SUMMARY\|^====' "$tmp/out" ||
    { echo "FAIL: --format html is not one HTML document"; fail=1; }
"$tool" -q --latency --format html "$tmp" >"$tmp/out" 2>&1
check "--latency --format html" 0 $?
grep -q 'id="latency"' "$tmp/out" && ! grep -q '<article' "$tmp/out" ||
    { echo "FAIL: --latency --format html is not the latency page"; fail=1; }
"$tool" -q --summary --format html "$tmp" >/dev/null 2>"$tmp/err"
check "--summary --format html" 2 $?
"$tool" -q --fanout-ranks -1 "$tmp" 2>"$tmp/err" >/dev/null
check "--fanout-ranks -1" 2 $?
grep -q "^fluxtrace-analyze: --fanout-ranks: " "$tmp/err" ||
    { echo "FAIL: --fanout-ranks -1 message"; cat "$tmp/err"; fail=1; }
"$tool" -q --scatter-keys many "$tmp" >/dev/null 2>&1
check "--scatter-keys many" 2 $?
"$tool" -q --fanout-window 0 "$tmp" >/dev/null 2>&1
check "--fanout-window 0" 2 $?
"$tool" "$tmp" 2>"$tmp/err" >/dev/null
grep -qx "fluxtrace-analyze: warning: no default suppressions: the trace does not name its flux-core version (recorded before fluxtrace format 2, or no process used libflux-core)" "$tmp/err" ||
    { echo "FAIL: no warning that no default suppressions apply"; cat "$tmp/err"; fail=1; }
# Progress goes to a terminal only: none in a pipe.  (The trace, format 1,
# names no flux-core version: without --no-default-suppressions a warning
# says that no default file applies.)
"$tool" --no-default-suppressions "$tmp" 2>"$tmp/err" >/dev/null
[ -s "$tmp/err" ] && { echo "FAIL: stderr not empty without a terminal"; cat "$tmp/err"; fail=1; }
exit $fail
