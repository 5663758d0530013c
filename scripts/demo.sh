#!/bin/bash
# README's main command: dependencies, build, then the main job (the RFC 9
# checks, then latency) on the bundled real trace (examples/traces/kvs-load-4rank.tar.xz, recorded from flux-core 0.88).  With a
# flux-core installed, it also records and summarizes a fresh 4-rank run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
bundled=build/examples/traces/kvs-load
mkdir -p "$bundled" && tar -C "$bundled" -xJf examples/traces/kvs-load-4rank.tar.xz
echo "== fluxtrace-analyze $bundled   (RFC 9 checks; flux-core's own start-up waits are found)"
build/bin/fluxtrace-analyze "$bundled" || true
echo "== the same with flux-core 0.88's accepted patterns suppressed"
build/bin/fluxtrace-analyze --suppressions tests/report/flux-core-0.88.supp "$bundled"
echo "== fluxtrace-analyze --latency $bundled"
build/bin/fluxtrace-analyze --latency "$bundled"
flux=$(command -v flux || true)
[ -n "$flux" ] || { [ -x /opt/flux-core/bin/flux ] && flux=/opt/flux-core/bin/flux; } || true
if [ -n "$flux" ] && [ -x build/examples/kvs-load ]; then
    out=$(mktemp -d)/trace
    echo "== fluxtrace record -o $out -- flux start --test-size=4 examples/run-kvs-load.sh"
    PATH=$(dirname "$flux"):$PATH build/bin/fluxtrace record -o "$out" -- \
        flux start --test-size=4 examples/run-kvs-load.sh build/examples/kvs-load 200
    build/bin/fluxtrace-analyze --summary "$out"
    build/bin/fluxtrace-analyze --suppressions tests/report/flux-core-0.88.supp "$out" || true
else
    echo "(no flux-core installed: skipped recording a fresh run)"
fi
