#!/bin/bash
# Initial program of a Flux instance for bench/analyzer/run.sh part (c):
#   flux start --test-size=4 bench/analyzer/clients.sh KVS_LOAD N [RPCS=4] [PAR=8]
# Starts N short-lived client processes (`kvs-load rpc RPCS`), spread round-robin
# over the instance's brokers through their local URIs, at most PAR at a time.
set -euo pipefail
load=$1
n=$2
rpcs=${3:-4}
par=${4:-8}
size=$(flux getattr size)
uris=()
for r in $(seq 0 $((size - 1))); do
    uris+=("$(flux exec -r "$r" flux getattr local-uri)")
done
running=0
for i in $(seq 0 $((n - 1))); do
    FLUX_URI=${uris[$((i % size))]} "$load" rpc "$rpcs" >/dev/null &
    running=$((running + 1))
    if [ "$running" -ge "$par" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait
