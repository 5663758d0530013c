#!/bin/sh
# Saved symbols end to end on the bundled real trace: --write-symbols on this
# machine, then every report made without any binary (an empty --sysroot, no
# system debug directory) from the trace's fluxtrace-symbols.json must be the
# one made with the binaries.
#   saved_symbols.sh FLUXTRACE_ANALYZE TRACE_TAR_XZ
set -u
tool=$1 tarball=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/trace" "$tmp/empty" || exit 1
tar -xJf "$tarball" -C "$tmp/trace" || exit 1
# The bundled trace carries its saved symbols: start without them.
rm -f "$tmp/trace/fluxtrace-symbols.json"
fail=0
nofiles="--sysroot $tmp/empty --no-system-debug-dir"

# Alone, --write-symbols runs no checks: one line, status 0.
"$tool" -q --write-symbols "$tmp/symbols.json" "$tmp/trace" >"$tmp/out" 2>&1
[ $? = 0 ] || { echo "FAIL: --write-symbols"; cat "$tmp/out"; exit 1; }
grep -Eqx "symbols written to $tmp/symbols.json \(([0-9]+) objects, [0-9]+ addresses\)" \
    "$tmp/out" || { echo "FAIL: --write-symbols line"; cat "$tmp/out"; fail=1; }
if grep -q '(0 objects' "$tmp/out"; then
    echo "SKIP: the bundled trace's binaries are not on this machine"
    exit 77
fi

# The reports with the binaries, before the trace has its symbols.
"$tool" -q "$tmp/trace" >"$tmp/files.txt" 2>&1
"$tool" -q --format json "$tmp/trace" >"$tmp/files.json" 2>&1
"$tool" -q --latency "$tmp/trace" >"$tmp/files.latency" 2>&1
"$tool" -q $nofiles "$tmp/trace" >"$tmp/none.txt" 2>&1
if cmp -s "$tmp/files.txt" "$tmp/none.txt"; then
    echo "FAIL: the report does not depend on the binaries: this test shows nothing"
    fail=1
fi

# Saving again gives the same bytes.
"$tool" -q --write-symbols "$tmp/again.json" "$tmp/trace" >/dev/null 2>&1
cmp "$tmp/symbols.json" "$tmp/again.json" || { echo "FAIL: not deterministic"; fail=1; }

# Without any binary: given with --symbols, then found in the trace directory.
same() { # name expected actual
    if ! diff -u "$2" "$3"; then
        echo "FAIL: $1 differs from the report made with the binaries"
        fail=1
    fi
}
"$tool" -q $nofiles --symbols "$tmp/symbols.json" "$tmp/trace" >"$tmp/out" 2>&1
same "--symbols" "$tmp/files.txt" "$tmp/out"
cp "$tmp/symbols.json" "$tmp/trace/fluxtrace-symbols.json"
"$tool" -q $nofiles "$tmp/trace" >"$tmp/out" 2>&1
same "auto-loaded" "$tmp/files.txt" "$tmp/out"
"$tool" -q $nofiles --format json "$tmp/trace" >"$tmp/out" 2>&1
same "auto-loaded --format json" "$tmp/files.json" "$tmp/out"
"$tool" -q $nofiles --latency "$tmp/trace" >"$tmp/out" 2>&1
same "auto-loaded --latency" "$tmp/files.latency" "$tmp/out"

# Re-saving where the binaries are missing keeps every saved symbol.
"$tool" -q $nofiles --write-symbols "$tmp/resaved.json" "$tmp/trace" >/dev/null 2>&1
cmp "$tmp/symbols.json" "$tmp/resaved.json" || { echo "FAIL: re-saved file differs"; fail=1; }

# A symbol file inside a CTF trace directory is not taken for a stream.
ctf=$(dirname "$(find "$tmp/trace" -name metadata | head -n 1)")
"$tool" -q --summary "$ctf" >"$tmp/ctf-before" 2>&1
cp "$tmp/symbols.json" "$ctf/fluxtrace-symbols.json"
for reader in fast bt2; do
    "$tool" -q --reader $reader --summary "$ctf" >"$tmp/ctf-after" 2>&1
    [ $? = 0 ] || { echo "FAIL: symbol file in a CTF directory ($reader)"; fail=1; }
    same "--reader $reader --summary of a CTF directory holding symbols" \
        "$tmp/ctf-before" "$tmp/ctf-after"
done
rm "$ctf/fluxtrace-symbols.json"

# A malformed symbol file: status 2 and one line naming it, before any reading.
printf '{"schema": "fluxtrace-symbols/1", "objects": [' >"$tmp/trace/fluxtrace-symbols.json"
"$tool" -q "$tmp/trace" >"$tmp/out" 2>"$tmp/err"
status=$?
[ $status = 2 ] || { echo "FAIL: malformed symbol file: exit status $status"; fail=1; }
[ "$(wc -l <"$tmp/err")" = 1 ] &&
    grep -q "^fluxtrace-analyze: $tmp/trace/fluxtrace-symbols.json: malformed symbol file" \
        "$tmp/err" || { echo "FAIL: malformed symbol file message"; cat "$tmp/err"; fail=1; }
"$tool" -q --symbols "$tmp/absent.json" --summary "$tmp/trace" >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] && grep -q "absent.json: cannot read symbol file" "$tmp/err" ||
    { echo "FAIL: missing --symbols file"; cat "$tmp/err"; fail=1; }
exit $fail
