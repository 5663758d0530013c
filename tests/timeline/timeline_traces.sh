#!/bin/sh
# fluxtrace-analyze --timeline on every committed real trace (the RFC 9
# workloads' and examples/traces'): the file's structure, each finding of the
# default report on its sides, --window and --around as cuts of the whole, the
# report unchanged by --timeline, and bad input told in one line with exit 2.
# Symbols come from the traces' own saved ones only, as in the golden tests.
#   timeline_traces.sh FLUXTRACE_ANALYZE SOURCE_DIR
set -u
tool=$1 src=$2
here=$src/tests/timeline
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/empty-root"
fail=0
count=0
check() { python3 "$here/check_timeline.py" "$@" || fail=1; }
# A usage error: exit 2 and one line on stderr naming what was wrong.
usage_error() { # name expected-words... -- args...
    name=$1
    shift
    words=
    while [ "$1" != -- ]; do words="$words $1"; shift; done
    shift
    # (-q: a trace that names no flux-core version, format 1, has a warning of
    # its own, that no default suppressions apply.)
    "$tool" -q "$@" >/dev/null 2>"$tmp/err"
    status=$?
    lines=$(wc -l <"$tmp/err")
    if [ $status -ne 2 ] || [ "$lines" -ne 1 ]; then
        echo "FAIL: $name: exit $status with $lines lines on stderr, want 2 and 1:"
        cat "$tmp/err"
        fail=1
        return
    fi
    for w in $words; do
        grep -qF -- "$w" "$tmp/err" || { echo "FAIL: $name: '$w' not in: $(cat "$tmp/err")"; fail=1; }
    done
}

for tarball in "$src"/tests/workloads/traces/*.tar.xz "$src"/examples/traces/*.tar.xz; do
    name=$(basename "$tarball" .tar.xz)
    dir=$tmp/$name
    mkdir -p "$dir" && tar -xJf "$tarball" -C "$dir" || { echo "FAIL: $name: cannot unpack"; fail=1; continue; }
    set -- -q --sysroot "$tmp/empty-root" --no-system-debug-dir "$dir"
    # The default report, as it prints with and without a timeline.
    "$tool" --format json "$@" >"$tmp/report.json" 2>"$tmp/err"
    plain=$?
    "$tool" --format json --timeline "$tmp/full.json" "$@" >"$tmp/report2.json" 2>"$tmp/err"
    status=$?
    if [ $status -gt 1 ] || [ $status -ne $plain ]; then
        echo "FAIL: $name: --timeline run exited $status (without: $plain)"; cat "$tmp/err"; fail=1; continue
    fi
    cmp -s "$tmp/report.json" "$tmp/report2.json" ||
        { echo "FAIL: $name: --timeline changed the report"; fail=1; }
    check "$tmp/full.json" --report "$tmp/report.json"

    window=$(python3 "$here/check_timeline.py" --middle-window "$tmp/full.json")
    "$tool" --timeline "$tmp/cut.json" --window "$window" "$@" >/dev/null 2>"$tmp/err"
    [ $? -le 1 ] || { echo "FAIL: $name: --window $window"; cat "$tmp/err"; fail=1; }
    check "$tmp/cut.json" --subset-of "$tmp/full.json"

    findings=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$tmp/report.json")
    if [ "$findings" -gt 0 ]; then
        last=; [ "$findings" -gt 1 ] && last=$findings
        for n in 1 $last; do
            "$tool" --timeline "$tmp/around.json" --around "$n" "$@" >/dev/null 2>"$tmp/err"
            [ $? -le 1 ] || { echo "FAIL: $name: --around $n"; cat "$tmp/err"; fail=1; }
            check "$tmp/around.json" --subset-of "$tmp/full.json"
        done
    fi
    usage_error "$name: --around beyond the findings" --around "$((findings + 1))" no such finding -- \
        --timeline "$tmp/beyond.json" --around "$((findings + 1))" "$@"
    [ ! -e "$tmp/beyond.json" ] || { echo "FAIL: $name: a failed --around left its file"; fail=1; }
    count=$((count + 1))
done
[ $count -gt 0 ] || { echo "FAIL: no trace found"; fail=1; }

# Bad input, told before the trace is read.
trace=$tmp/kvs-load-4rank
usage_error "unwritable FILE" --timeline "$tmp/no/such/dir/t.json" "No such file" -- \
    --timeline "$tmp/no/such/dir/t.json" "$trace"
for bad in abc 1:2:3 3:1 1:x 1e3: ; do
    usage_error "--window $bad" --window "'$bad'" -- --timeline "$tmp/w.json" --window "$bad" "$trace"
done
usage_error "--window without --timeline" --window --timeline -- --window 1:2 "$trace"
usage_error "--around without --timeline" --around --timeline -- --around 1 "$trace"
usage_error "--around 0" "--around 0" "no such finding" -- --timeline "$tmp/z.json" --around 0 "$trace"
usage_error "--around and --window" --around --window -- --timeline "$tmp/z.json" --around 1 --window 1:2 "$trace"

echo "$count traces checked"
exit $fail
