#!/bin/bash
# Integration test against a real flux-core: record a 4-rank instance running
# the bundled KVS workload with `fluxtrace record`, then assert from the trace
# (check_kvs_load_trace.py).  SKIP when flux-core is not installed.
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
