#!/bin/sh
# A PATH holding several hosts' recordings uses each recording's own saved
# symbols (trace/HOST/fluxtrace-symbols.json, as `fluxtrace record -o
# trace/%h` leaves them): the tour trace (host "vm") beside another host's
# fixture, analysed as one PATH with no binaries at hand (an empty --sysroot),
# names the same functions as the tour's golden report, and the JSON summary
# lists both hosts.
#   host_symbols_test.sh FLUXTRACE_ANALYZE SOURCE_DIR
set -u
tool=$1 src=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/empty-root" "$tmp/trace/vm"
tar -xJf "$src/examples/traces/rfc9-tour-4rank.tar.xz" -C "$tmp/trace/vm" || exit 1
cp -r "$src/tests/analyzer/fixtures/other-host" "$tmp/trace/elsewhere"
[ -f "$tmp/trace/vm/fluxtrace-symbols.json" ] || { echo "FAIL: the tour has no saved symbols"; exit 1; }
set -- -q --suppressions "$src/suppressions/flux-core-0.88.supp" \
    --sysroot "$tmp/empty-root" --no-system-debug-dir "$tmp/trace"
"$tool" "$@" >"$tmp/out" 2>&1
grep '^SUMMARY: ' "$tmp/out" >"$tmp/got"
grep '^SUMMARY: ' "$src/tests/checkers/golden/rfc9-tour-4rank.txt" >"$tmp/want"
fail=0
[ -s "$tmp/want" ] || { echo "FAIL: the golden report has no SUMMARY line"; fail=1; }
diff -u "$tmp/want" "$tmp/got" || { echo "FAIL: the functions named differ from the golden report's"; fail=1; }
hosts=$("$tool" --format json "$@" 2>/dev/null | python3 -c 'import json,sys; print(",".join(json.load(sys.stdin)["summary"]["hosts"]))')
[ "$hosts" = "fixture-host-b,vm" ] || { echo "FAIL: summary.hosts is '$hosts'"; fail=1; }
[ $fail -eq 0 ] && echo "PASS: $(grep -c '^SUMMARY' "$tmp/got") findings named from trace/vm's saved symbols"
exit $fail
