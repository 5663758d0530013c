#!/bin/bash
# The committed real trace (examples/traces/kvs-load-4rank.tar.xz, flux-core
# 0.88) read end to end by fluxtrace-analyze and held to the same expectations
# as a fresh recording: runs everywhere, flux-core or not.
#   usage: bundled_trace.sh BUILD_DIR
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
tar -C "$dir" -xJf "$here/../../examples/traces/kvs-load-4rank.tar.xz"
"$build/bin/fluxtrace-analyze" --dump "$dir" > "$dir/dump.jsonl"
python3 "$here/check_kvs_load_trace.py" < "$dir/dump.jsonl"
