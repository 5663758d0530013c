#!/bin/bash
# Whether a recording and a copy of it with one host's clock moved
# (shift_clock.py) analyse the same: the checks (text and JSON) byte for byte,
# and the summary but for the time spans, which must have moved.  No
# happens-before edge may rest on comparing two hosts' timestamps.
#   same_reports.sh ANALYZER RECORDING SHIFTED_COPY [ANALYZER_OPTION...]
# Prints one FAIL line per difference (with the diff's first lines); exit 1
# if any.
set -uo pipefail
[ $# -ge 3 ] || { echo "usage: same_reports.sh ANALYZER RECORDING SHIFTED_COPY [OPTION...]" >&2; exit 2; }
analyzer=$1 a=$2 b=$3
shift 3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fluxtrace-same.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failed=0
for format in text json; do
    "$analyzer" -q --format "$format" "$@" "$a" >"$tmp/a" 2>&1
    sa=$?
    "$analyzer" -q --format "$format" "$@" "$b" >"$tmp/b" 2>&1
    sb=$?
    if [ $sa -ne $sb ] || ! cmp -s "$tmp/a" "$tmp/b"; then
        diff "$tmp/a" "$tmp/b" | head -20
        echo "FAIL: the $format report changed with the clock moved (exit $sa, then $sb)"
        failed=1
    fi
done
"$analyzer" --summary "$@" "$a" >"$tmp/a" 2>&1 || { echo "FAIL: --summary $a failed"; failed=1; }
"$analyzer" --summary "$@" "$b" >"$tmp/b" 2>&1 || { echo "FAIL: --summary $b failed"; failed=1; }
grep -v "time span" "$tmp/a" | sed "s|$a|PATH|g" >"$tmp/a.rest"
grep -v "time span" "$tmp/b" | sed "s|$b|PATH|g" >"$tmp/b.rest"
if ! cmp -s "$tmp/a.rest" "$tmp/b.rest"; then
    diff "$tmp/a.rest" "$tmp/b.rest" | head -20
    echo "FAIL: the summary changed with the clock moved"
    failed=1
fi
if cmp -s <(grep "time span" "$tmp/a") <(grep "time span" "$tmp/b"); then
    echo "FAIL: no time span moved: the copy's clock was not moved, this check shows nothing"
    failed=1
fi
exit $failed
