#!/bin/bash
# The watch-heavy workload of bench/e2e.sh (WORKLOAD=watch), run as the initial
# program of a Flux instance:
#   flux start --test-size=4 examples/run-kvs-watch-load.sh KVS_LOAD N
# One watcher process on every rank follows all eight keys the writer on rank
# 0 replaces N times: every commit is delivered to four watchers.
set -euo pipefail
load=$1
n=${2:-200}
pids=()
for rank in 0 1 2 3; do
    flux exec -r "$rank" "$load" watchall load &
    pids+=($!)
done
"$load" write "$n" load
"$load" rpc 20
for pid in "${pids[@]}"; do wait "$pid"; done
