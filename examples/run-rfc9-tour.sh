#!/bin/bash
# The RFC 9 tour, run as the initial program of a 4-rank Flux instance: each
# violating test workload of tests/workloads/ in turn, one anti-pattern each
# (watch chaining, replacement updates, a read without a version wait, a
# blocked reactor, an RPC fan-out, scattered triggers).
#   flux start --test-size=4 examples/run-rfc9-tour.sh BUILD_DIR
set -euo pipefail
build=$1
workloads=$(cd "$(dirname "$0")/../tests/workloads" && pwd)
for w in watch_chaining replacement_updates missing_version_wait reactor_blocking \
    rpc_fanout scattered_triggers; do
    "$workloads/run.sh" "$w" violating "$build"
done
