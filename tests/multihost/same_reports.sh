#!/bin/bash
# Whether a recording and a copy of it with one host's clock moved
# (shift_clock.py) analyse the same: the checks (text and JSON) byte for byte,
# the summary but for the time spans, which must have moved, and the clock
# offsets, which may move by whole days only; --latency but for those offsets.  No
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
# The hosts' clock offsets ("node1  node0  -7199.999994 s ± 520.4 µs  93") may
# move, each by whole days, as the clocks did; nothing else (spaces squeezed:
# a longer offset widens its table).
rest() { grep -v "time span" "$1" | grep -v " s ± .* µs" | sed -E "s|$2|PATH|g; s/ +/ /g"; }
offsets() { grep -E "^  [^ ]+ +[^ ]+ +[+-][0-9]+\.[0-9]{6} s ± " "$1" | awk '{ print $1, $2, $3 }'; }
# same_but_offsets OPTION: that report of both, into $tmp/OPTION.{a,b}, the same
# but for the offsets.
same_but_offsets() {
    local option=$1 out=$tmp/${1#--}
    "$analyzer" "$option" "${options[@]}" "$a" >"$out.a" 2>&1 || { echo "FAIL: $option $a failed"; failed=1; }
    "$analyzer" "$option" "${options[@]}" "$b" >"$out.b" 2>&1 || { echo "FAIL: $option $b failed"; failed=1; }
    rest "$out.a" "$a" >"$out.a.rest"
    rest "$out.b" "$b" >"$out.b.rest"
    if ! cmp -s "$out.a.rest" "$out.b.rest"; then
        diff "$out.a.rest" "$out.b.rest" | head -20
        echo "FAIL: $option changed with the clock moved"
        failed=1
    fi
}
options=("$@")
same_but_offsets --summary
same_but_offsets --latency
python3 - <(offsets "$tmp/summary.a") <(offsets "$tmp/summary.b") <<'PY' || failed=1
import sys
from decimal import Decimal
a = [l.split() for l in open(sys.argv[1])]
b = [l.split() for l in open(sys.argv[2])]
moved = [(x[0], Decimal(y[2]) - Decimal(x[2])) for x, y in zip(a, b)]
if len(a) != len(b) or any(x[:2] != y[:2] for x, y in zip(a, b)) or \
        any(d % 86400 != 0 for _, d in moved):
    print("FAIL: the clock offsets moved by other than whole days: {} then {}".format(a, b))
    sys.exit(1)
PY
if cmp -s <(grep "time span" "$tmp/summary.a") <(grep "time span" "$tmp/summary.b"); then
    echo "FAIL: no time span moved: the copy's clock was not moved, this check shows nothing"
    failed=1
fi
exit $failed
