# bed-lib.sh: what the multi-host tests share.  Source it after setting
# $here (this directory), $build (the build tree) and $flux (the flux
# command, "" when none): it skips (77) without flux-core, makes $tmp
# (removed on exit unless FT_KEEP is set), $analyzer, $failed and fail TEXT.
# Options for bed.sh go in the array bed_opts (e.g. bed_opts=(--relay)).
[ -n "$flux" ] && [ -x "$flux" ] ||
    { echo "SKIP: no flux-core installed (set FLUX_PREFIX or put flux on PATH, then reconfigure)"; exit 77; }
analyzer=$build/bin/fluxtrace-analyze
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fluxtrace-multihost.XXXXXX")
if [ -n "${FT_KEEP:-}" ]; then
    trap 'echo "# kept $tmp"' EXIT
else
    trap 'rm -rf "$tmp"' EXIT
fi
bed_opts=()
failed=0
fail() {
    echo "FAIL: $*"
    failed=1
}

# bed_record OUT LOG PROGRAM...: a 4-node bed running PROGRAM as the
# instance's initial program, recorded into OUT.  Exits 77 when the bed
# skips; on failure shows the bed's and every node's output and exits 1.
bed_record() {
    local out=$1 log=$2 status=0 started=$SECONDS k
    shift 2
    "$here/bed.sh" "${bed_opts[@]}" --build "$build" --flux "$flux" --timeout 400 4 "$out" -- "$@" \
        >"$log" 2>&1 || status=$?
    if [ $status -eq 77 ]; then
        grep '^SKIP' "$log" || echo "SKIP: bed.sh skipped"
        exit 77
    fi
    echo "# bed: 4 nodes, status $status, $((SECONDS - started)) s"
    if [ $status -ne 0 ]; then
        sed 's/^/# /' "$log"
        for k in 1 2 3; do sed "s/^/# node$k: /" "$out/bed/node$k.log" 2>/dev/null || true; done
        echo "FAIL: the instance or its initial program failed (status $status)"
        exit 1
    fi
}

# bed_whole_traces OUT: each node's recorder wrote its own trace (or
# streamed it to the bed's relay) and lost nothing.
bed_whole_traces() {
    local out=$1 k written
    for k in 0 1 2 3; do
        [ -d "$out/node$k" ] || fail "no trace directory $out/node$k"
        written="written to $out/node$k"
        [[ " ${bed_opts[*]} " != *" --relay "* ]] || written="streamed to net://10.231.0.254"
        grep -qF "fluxtrace: trace $written (0 events discarded)" "$out/bed/node$k.log" ||
            fail "node$k: the recorder did not report a whole trace"
    done
}
