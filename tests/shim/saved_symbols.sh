#!/bin/bash
# Saved symbols end to end, on a trace recorded here of a program this build
# made (cover, against the libflux-core test double), so that the binaries the
# trace names are present whatever else the machine has installed:
# --write-symbols with the binaries, then every report made without any binary
# (an empty --sysroot, no system debug directory) from the saved symbols must
# be the one made with the binaries.
. "$(dirname "$0")/lib.sh"
shim_enter "$@"
tool=$FT_ANALYZE tmp=$FT_TMP
"$FT_RECORD" record --no-symbols -o "$tmp/trace" -- "$FT_PROGRAMS/cover" \
    >"$tmp/cover.out" 2>"$tmp/cover.err" || ft_fail "cover failed traced: $(cat "$tmp/cover.err")"
mkdir "$tmp/empty" || exit 1
fail=0
nofiles="--sysroot $tmp/empty --no-system-debug-dir"

# Alone, --write-symbols runs no checks: one line, status 0.
"$tool" -q --write-symbols "$tmp/symbols.json" "$tmp/trace" >"$tmp/out" 2>&1
[ $? = 0 ] || { echo "FAIL: --write-symbols"; cat "$tmp/out"; exit 1; }
grep -Eqx "symbols written to $tmp/symbols.json \(([0-9]+) objects, [0-9]+ addresses\)" \
    "$tmp/out" || { echo "FAIL: --write-symbols line"; cat "$tmp/out"; fail=1; }
grep -q '(0 objects' "$tmp/out" && { echo "FAIL: no object of the trace resolved"; fail=1; }

# The reports with the binaries, before the trace has its symbols (the
# findings of cover's pattern and its callbacks' latency name its functions).
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
[ $fail = 0 ] && echo "ok: every report from saved symbols alone is the one made with the binaries"
exit $fail
