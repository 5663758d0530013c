#!/bin/bash
# Configures and builds fluxtrace in ./build.  An installed flux-core is used
# when found: FLUX_PREFIX, `flux` on PATH, or /opt/flux-core.
#   scripts/build.sh [--sanitize address|thread] [-DVAR=VALUE...] [TARGET...]
# With --sanitize the build goes to ./build-address or ./build-thread; -D
# settings go to cmake; targets, when named, are the only ones built.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build
config=()
if [ "${1:-}" = --sanitize ]; then
    dir=build-$2
    config=(-DFLUXTRACE_SANITIZE="$2" -DFLUXTRACE_MIMALLOC=OFF)
    shift 2
fi
targets=()
for arg in "$@"; do
    case $arg in
    -D*) config+=("$arg") ;;
    *) targets+=(--target "$arg") ;;
    esac
done
if [ -z "${FLUX_PREFIX:-}" ] && ! command -v flux >/dev/null && [ -x /opt/flux-core/bin/flux ]; then
    export FLUX_PREFIX=/opt/flux-core
fi
mkdir -p "$dir"
log=$dir/build.log
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${config[@]}" >"$log" 2>&1 ||
    { cat "$log"; exit 1; }
grep -E "^-- flux-core" "$log" || true
cmake --build "$dir" -j"$(nproc)" "${targets[@]}" >>"$log" 2>&1 || { tail -50 "$log"; exit 1; }
