#!/bin/bash
# A new user's first run, on a real flux-core: a trivial instance recorded
# with `fluxtrace record`, analysed with no option.  flux-core's own accepted
# behaviour (start-up waits, `flux exec` fanning out) is suppressed by the
# file installed for the flux-core the trace ran, so the run reports nothing
# and exits 0, naming the file; --no-default-suppressions shows the findings
# (exit 1).  The `process` records name the libflux-core version in use, the
# one `flux version` prints.  SKIP when flux-core is not installed.
#   usage: default_suppressions_real_flux.sh BUILD_DIR FLUX_COMMAND
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/lttng-harness.sh"
build=$(realpath "$1")
flux=${2:-}
ft_require_flux "$flux"
ft_harness_enter "$build" "$flux"
PATH=$(dirname "$flux"):$PATH
export PATH
analyze=$build/bin/fluxtrace-analyze
out=$FT_TMP/trace

"$build/bin/fluxtrace" record -o "$out" -- flux start --test-size=4 \
    sh -c 'flux kvs put a=1 && flux exec -r all flux kvs get a' >"$FT_TMP/record.log" 2>&1 ||
    { cat "$FT_TMP/record.log"; ft_fail "the recorded instance failed"; }

# The version the trace names is the installed libflux-core's.
want=$(flux version | awk '$1 == "libflux-core:" { print $2 }')
[ -n "$want" ] || ft_fail "flux version names no libflux-core version"
"$analyze" -q --dump "$out" |
    jq -r 'select(.name == "process") | .flux_core_version' |
    sort -u >"$FT_TMP/versions"
[ "$(cat "$FT_TMP/versions")" = "$want" ] ||
    ft_fail "process records name flux-core '$(tr '\n' ' ' <"$FT_TMP/versions")', flux version says $want"

# The default run: nothing reported, exit 0, the file named.  Except what the
# machine's load alone can make: a callback of flux-core's slower than
# --slow-callback (100 ms) while other tests load both CPUs; then exit 1 with
# only such findings, told as a note.
status=0
"$analyze" "$out" >"$FT_TMP/default.out" 2>"$FT_TMP/default.err" || status=$?
cat "$FT_TMP/default.out" "$FT_TMP/default.err" | sed 's/^/# /'
findings=0
if [ "$status" -eq 1 ]; then
    "$analyze" -q --format json "$out" >"$FT_TMP/default.json" || true
    findings=$(jq '[.findings[] | select(.severity == "finding")] | length' "$FT_TMP/default.json")
    others=$(jq '[.findings[] | select(.severity == "finding") |
        select(.title | test("ran longer than --slow-callback") | not)] | length' \
        "$FT_TMP/default.json")
    [ "$others" -eq 0 ] || ft_fail "the default run reported $others findings besides slow callbacks"
    ft_note "the default run reported $findings slow callbacks of flux-core (this machine's load)"
elif [ "$status" -ne 0 ]; then
    ft_fail "the default run exited $status"
fi
grep -Eq "^fluxtrace: $findings findings?, 0 notes \([1-9][0-9]* suppressed by flux-core-[0-9.]+\.supp\)" \
    "$FT_TMP/default.out" || ft_fail "the summary line does not name the default suppressions"

# Without them, flux-core's own findings.
status=0
"$analyze" -q --no-default-suppressions "$out" >"$FT_TMP/all.out" 2>&1 || status=$?
[ "$status" -eq 1 ] || { cat "$FT_TMP/all.out"; ft_fail "--no-default-suppressions exited $status"; }
grep -q '^SUMMARY: fluxtrace: ' "$FT_TMP/all.out" ||
    ft_fail "--no-default-suppressions reports no finding"
grep -q 'suppressed' "$FT_TMP/all.out" && ft_fail "--no-default-suppressions still suppressed some"
echo "PASS: $(tail -1 "$FT_TMP/default.out")"
