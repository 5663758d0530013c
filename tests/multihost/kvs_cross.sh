#!/bin/bash
# The initial program of multihost.kvs_4node (runs on rank 0 of a bed.sh
# instance): KVS traffic between every node and rank 0, both ways.
#   kvs_cross.sh RESULT_FILE
# Writes what it saw to RESULT_FILE, one fact a line, and fails when a read
# did not return what was written.  Orders by KVS versions, never by time.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: kvs_cross.sh RESULT_FILE" >&2; exit 2; }
result=$1
size=$(flux getattr size)
last=$((size - 1))
{
    echo "size $size"
    echo "hosts $(flux exec -r all hostname | sort | tr '\n' ' ')"
} >"$result"

# Rank 0 writes; every other node waits for that version and reads it.
flux kvs put mh.origin=node0
version=$(flux kvs version)
for ((r = 1; r <= last; r++)); do
    got=$(flux exec -r "$r" sh -c "flux kvs wait $version && flux kvs get mh.origin")
    echo "rank $r read $got" >>"$result"
    [ "$got" = node0 ] || { echo "kvs_cross.sh: rank $r read '$got'" >&2; exit 1; }
done

# Every other node commits through rank 0, the KVS leader: once its commit
# returned, rank 0 holds the value.
flux exec -r "1-$last" sh -c \
    'for i in 1 2 3 4 5 6 7 8; do flux kvs put "mh.$(hostname).$i=$i"; done'
for ((r = 1; r <= last; r++)); do
    got=$(flux kvs get "mh.node$r.8")
    echo "rank 0 read node$r's $got" >>"$result"
    [ "$got" = 8 ] || { echo "kvs_cross.sh: node$r's value is '$got'" >&2; exit 1; }
done
