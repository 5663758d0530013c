#!/bin/bash
# Records the committed multi-host recordings again: the violating
# missing_version_wait workload on a 4-node bed (bed.sh: node1 -2 h, node2
# +37 s, node3 +3 ms, drifts 0,+5,-3,+2 ppm), setup and writer on node0, the
# reader on node1, in both layouts:
#   missing_version_wait-pernode.tar.xz  each node's `fluxtrace record -o OUT/%h`
#   missing_version_wait-relay.tar.xz    an lttng-relayd's output tree
#                                        (OUT/HOST/SESSION-DATE), nodes streaming
#                                        to it with `fluxtrace record --relay`
# each with every node's saved symbols and the bed's own record
# (bed/nodes.json: skews, drifts, clock uuids, real start and end times).
# Then regenerate the golden reports:
#   tests/multihost/recording_golden.sh build/bin/fluxtrace-analyze . --update
#   usage: tests/multihost/traces/record.sh BUILD_DIR   (root, namespaces, flux-core)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: record.sh BUILD_DIR" >&2; exit 2; }
build=$(realpath "$1")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fluxtrace-mh-record.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for layout in pernode relay; do
    opts=()
    [ $layout = pernode ] || opts=(--relay)
    "$here/../bed.sh" "${opts[@]}" --build "$build" 4 "$tmp/$layout" -- \
        "$here/../rfc9_workloads.sh" violating "$build" "$tmp/$layout.result" missing_version_wait
    cat "$tmp/$layout.result"
    grep -q 'reader read "old" after the trigger' "$tmp/$layout.result" ||
        { echo "record.sh: the reader's read was not stale" >&2; exit 1; }
    tar -C "$tmp/$layout" -cJf "$here/missing_version_wait-$layout.tar.xz" \
        node0 node1 node2 node3 bed/nodes.json
    ls -l "$here/missing_version_wait-$layout.tar.xz"
done
