#!/bin/bash
# The bundled workload, run as the initial program of a Flux instance:
#   flux start --test-size=4 examples/run-kvs-load.sh KVS_LOAD N
# Three watchers (ranks 1-3) follow keys the writer on rank 0 replaces N times.
set -euo pipefail
load=$1
n=${2:-200}
pids=()
for rank in 1 2 3; do
    flux exec -r "$rank" "$load" watch "load.$rank" &
    pids+=($!)
done
"$load" write "$n" load
"$load" rpc 20
for pid in "${pids[@]}"; do wait "$pid"; done
