#!/bin/bash
# Integration test against a real flux-core: record a 4-rank instance running
# the bundled KVS workload with `fluxtrace record`, then assert from the trace
# (check_kvs_load_trace.py), and that its stacks resolve from the shim's dso
# records alone.  SKIP when flux-core is not installed.
#   usage: kvs_load_real_flux.sh BUILD_DIR FLUX_COMMAND
set -euo pipefail
. "$(dirname "$0")/../lib/lttng-harness.sh"
build=$1
flux=${2:-}
[ -n "$flux" ] && [ -x "$flux" ] || ft_skip "no flux-core installed (set FLUX_PREFIX or put flux on PATH, then reconfigure)"
[ -x "$build/examples/kvs-load" ] || ft_skip "examples/kvs-load was not built (flux-core headers missing)"
ft_harness_enter "$@"

trace=$FT_TMP/trace
export PATH=$(dirname "$flux"):$PATH
"$build/bin/fluxtrace" record -o "$trace" -- \
    flux start --test-size=4 "$(dirname "$0")/../../examples/run-kvs-load.sh" \
    "$build/examples/kvs-load" 100 > "$FT_TMP/record.out" 2>&1 ||
    { cat "$FT_TMP/record.out"; ft_fail "fluxtrace record failed"; }
cat "$FT_TMP/record.out"
grep -q "(0 events discarded)" "$FT_TMP/record.out" || ft_fail "events were discarded"
"$build/bin/fluxtrace-analyze" --dump "$trace" > "$FT_TMP/dump.jsonl"
python3 "$(dirname "$0")/check_kvs_load_trace.py" < "$FT_TMP/dump.jsonl"

# Symbols from the shim's own `dso` records alone: the recorder turns
# LTTng-UST's base-address statedump off, so the trace has no bin_info
# record; with the saved symbols moved away, the analyzer still names the
# callbacks, with file and line, from the binaries on this machine.
babeltrace2 "$trace" >"$FT_TMP/events.txt" || ft_fail "babeltrace2 cannot read the trace"
grep -q "fluxtrace:dso:" "$FT_TMP/events.txt" || ft_fail "no dso record in the trace"
! grep -q "lttng_ust_statedump:bin_info" "$FT_TMP/events.txt" ||
    ft_fail "the trace holds LTTng-UST's base-address statedump"
mv "$trace/fluxtrace-symbols.json" "$FT_TMP/" || ft_fail "no saved symbols"
"$build/bin/fluxtrace-analyze" --latency "$trace" >"$FT_TMP/latency.txt" ||
    ft_fail "--latency failed"
sed -n '/^Slowest callbacks/,/^$/p' "$FT_TMP/latency.txt" >"$FT_TMP/slowest.txt"
cat "$FT_TMP/slowest.txt"
[ "$(grep -cE " [A-Za-z_][A-Za-z0-9_]* \([A-Za-z0-9_]+\.c:[0-9]+\) " "$FT_TMP/slowest.txt")" -ge 5 ] ||
    ft_fail "the slowest callbacks are not named with file and line from the dso records"
! grep -q "not symbolized" "$FT_TMP/latency.txt" ||
    ft_fail "callbacks left unsymbolized: $(grep "not symbolized" "$FT_TMP/latency.txt")"
echo PASS
