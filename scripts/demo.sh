#!/bin/bash
# README's main command: dependencies, build, then the main job on the bundled
# real trace examples/traces/rfc9-tour-4rank.tar.xz (flux-core 0.88, 4 ranks,
# one violating workload per RFC 9 rule): `fluxtrace-analyze` reports one
# finding of each kind.  Then latency on the bundled kvs-load trace.  With a
# flux-core installed, it also records the same tour afresh and analyses it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
supp=suppressions/flux-core-0.88.supp
tour=build/examples/traces/rfc9-tour
load=build/examples/traces/kvs-load
rm -rf "$tour" "$load"
mkdir -p "$tour" "$load"
tar -C "$tour" -xJf examples/traces/rfc9-tour-4rank.tar.xz
tar -C "$load" -xJf examples/traces/kvs-load-4rank.tar.xz
echo "== fluxtrace-analyze --suppressions $supp $tour"
echo "   (RFC 9 checks; flux-core 0.88's own accepted waits suppressed)"
build/bin/fluxtrace-analyze --suppressions "$supp" "$tour" || true
html=build/examples/rfc9-tour.html
build/bin/fluxtrace-analyze -q --suppressions "$supp" --format html "$tour" >"$html" || true
echo "== the same report as one HTML page (open it in a browser): $html"
timeline=build/examples/rfc9-tour.timeline.json
build/bin/fluxtrace-analyze -q --suppressions "$supp" --timeline "$timeline" "$tour" >/dev/null || true
echo "== its timeline, for ui.perfetto.dev (Open trace file) or chrome://tracing: $timeline"
echo
echo "== fluxtrace-analyze --latency $load"
build/bin/fluxtrace-analyze --latency "$load"
flux=$(command -v flux || true)
[ -n "$flux" ] || { [ -x /opt/flux-core/bin/flux ] && flux=/opt/flux-core/bin/flux; } || true
if [ -n "$flux" ] && [ -x build/workloads/watch_chaining ]; then
    out=$(mktemp -d)/trace
    echo
    echo "== fluxtrace record -o $out -- flux start --test-size=4 examples/run-rfc9-tour.sh build"
    PATH=$(dirname "$flux"):$PATH build/bin/fluxtrace record -o "$out" -- \
        flux start --test-size=4 examples/run-rfc9-tour.sh build
    # A fresh trace names its flux-core version: its own suppressions apply
    # by default.
    build/bin/fluxtrace-analyze "$out" | grep -E '^(SUMMARY|fluxtrace):' || true
else
    echo "(no flux-core installed: skipped recording a fresh run)"
fi
