#!/bin/bash
# Configures and builds fluxtrace in ./build.  An installed flux-core is used
# when found: FLUX_PREFIX, `flux` on PATH, or /opt/flux-core.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${FLUX_PREFIX:-}" ] && ! command -v flux >/dev/null && [ -x /opt/flux-core/bin/flux ]; then
    export FLUX_PREFIX=/opt/flux-core
fi
mkdir -p build
log=build/build.log
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$log" 2>&1 || { cat "$log"; exit 1; }
grep -E "^-- flux-core" "$log" || true
cmake --build build -j"$(nproc)" >> "$log" 2>&1 || { tail -50 "$log"; exit 1; }
