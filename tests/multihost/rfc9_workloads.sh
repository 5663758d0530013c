#!/bin/bash
# The initial program of multihost.rfc9_across (runs on rank 0 of a bed.sh
# instance): the RFC 9 test workloads of tests/workloads/, one after the
# other, each started by its own run.sh, so that writers, setup and
# notifiers run on node0 and watchers and readers on node1 (run.sh places
# roles by rank; rpc_fanout's services run on every node).
#   rfc9_workloads.sh MODE BUILD_DIR RESULT_FILE WORKLOAD...
# Writes each workload's outcome lines to RESULT_FILE, prefixed with the
# workload's name; fails as soon as one workload fails.
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: rfc9_workloads.sh MODE BUILD_DIR RESULT_FILE WORKLOAD..." >&2; exit 2; }
mode=$1 build=$2 result=$3
shift 3
workloads=$(cd "$(dirname "$0")/../workloads" && pwd)
: >"$result"
for workload in "$@"; do
    status=0
    "$workloads/run.sh" "$workload" "$mode" "$build" >"$result.out" 2>&1 || status=$?
    sed "s/^/$workload: /" "$result.out" >>"$result"
    if [ $status -ne 0 ]; then
        echo "rfc9_workloads.sh: $workload $mode failed (status $status):" >&2
        cat "$result.out" >&2
        exit 1
    fi
done
rm -f "$result.out"
