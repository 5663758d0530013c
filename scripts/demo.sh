#!/bin/bash
# README's main command: dependencies, build, then the main job on the bundled
# real trace (examples/traces/kvs-load-4rank.tar.xz, recorded from flux-core 0.88).  With a
# flux-core installed, it also records and summarizes a fresh 4-rank run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
bundled=build/examples/traces/kvs-load
mkdir -p "$bundled" && tar -C "$bundled" -xJf examples/traces/kvs-load-4rank.tar.xz
echo "== fluxtrace-analyze --summary $bundled"
build/bin/fluxtrace-analyze --summary "$bundled"
flux=$(command -v flux || true)
[ -n "$flux" ] || { [ -x /opt/flux-core/bin/flux ] && flux=/opt/flux-core/bin/flux; } || true
if [ -n "$flux" ] && [ -x build/examples/kvs-load ]; then
    out=$(mktemp -d)/trace
    echo "== fluxtrace record -o $out -- flux start --test-size=4 examples/run-kvs-load.sh"
    PATH=$(dirname "$flux"):$PATH build/bin/fluxtrace record -o "$out" -- \
        flux start --test-size=4 examples/run-kvs-load.sh build/examples/kvs-load 200
    build/bin/fluxtrace-analyze --summary "$out"
else
    echo "(no flux-core installed: skipped recording a fresh run)"
fi
