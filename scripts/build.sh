#!/bin/bash
# Configures and builds fluxtrace in ./build.  An installed flux-core is used
# when found: FLUX_PREFIX, `flux` on PATH, or /opt/flux-core.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${FLUX_PREFIX:-}" ] && ! command -v flux >/dev/null && [ -x /opt/flux-core/bin/flux ]; then
    export FLUX_PREFIX=/opt/flux-core
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > build.log 2>&1 ||
    { cat build.log; exit 1; }
grep -E "^-- flux-core" build.log || true
cmake --build build -j"$(nproc)" >> build.log 2>&1 || { tail -50 build.log; exit 1; }
