#!/bin/sh
# Every checker end to end on the committed real traces of the RFC 9 workloads
# (tests/workloads/traces/*.tar.xz, recorded from flux-core 0.88 by
# tests/workloads/record-all.sh, and README's tour of them all in one instance,
# examples/traces/rfc9-tour-4rank.tar.xz): the text report against its golden file
# (durations normalized), and the JSON report held to
# workload-expectations.txt.  Symbols come only from the trace's own saved
# symbols (an empty --sysroot), so the result is the same on every machine.
#   workload_golden.sh FLUXTRACE_ANALYZE SOURCE_DIR [--update]
set -u
tool=$1 src=$2 update=${3:-}
traces=$src/tests/workloads/traces
golden=$src/tests/checkers/golden
table=$src/tests/checkers/workload-expectations.txt
supp=$src/suppressions/flux-core-0.88.supp
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/empty-root"
norm_text() { sed -E 's/\((longest )?[0-9.]+ (ns|us|ms|s)\)/(\1<duration>)/g'; }
fail=0
count=0
for tarball in "$traces"/*.tar.xz "$src/examples/traces/rfc9-tour-4rank.tar.xz"; do
    name=$(basename "$tarball" .tar.xz)
    workload=${name%-*} mode=${name##*-}
    dir=$tmp/$name
    mkdir -p "$dir" && tar -xJf "$tarball" -C "$dir" || { echo "FAIL: $name: cannot unpack"; fail=1; continue; }
    [ -f "$dir/fluxtrace-symbols.json" ] || { echo "FAIL: $name: no saved symbols"; fail=1; }
    set -- -q --suppressions "$supp" --sysroot "$tmp/empty-root" --no-system-debug-dir "$dir"
    "$tool" "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
    if [ $status -gt 1 ]; then
        echo "FAIL: $name: fluxtrace-analyze exited $status"; cat "$tmp/err"; fail=1; continue
    fi
    norm_text <"$tmp/out" >"$tmp/$name.txt"
    if [ "$update" = --update ]; then
        mkdir -p "$golden" && cp "$tmp/$name.txt" "$golden/$name.txt"
    elif ! diff -u "$golden/$name.txt" "$tmp/$name.txt"; then
        echo "FAIL: $name: the report differs from tests/checkers/golden/$name.txt"
        fail=1
    fi
    "$tool" --format json "$@" >"$tmp/$name.json" 2>/dev/null
    python3 "$src/tests/checkers/check_expectations.py" "$tmp/$name.json" "$workload" \
        "$mode" "$table" || fail=1
    count=$((count + 1))
done
[ $count -gt 0 ] || { echo "FAIL: no trace under $traces"; fail=1; }
echo "$count traces checked"
exit $fail
