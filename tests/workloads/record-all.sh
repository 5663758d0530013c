#!/bin/bash
# Records every workload and mode listed in tests/checkers/workload-expectations.txt
# again (record.sh, so each in fresh private namespaces) and packs each trace,
# with the symbols `fluxtrace record` saved beside it, as
# tests/workloads/traces/WORKLOAD-MODE.tar.xz.  Then regenerate the golden
# reports: tests/checkers/workload_golden.sh ... --update (see README.md).
#   usage: tests/workloads/record-all.sh BUILD_DIR [WORKLOAD...]   (needs flux-core)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "$1")
shift
table=$here/../checkers/workload-expectations.txt
mkdir -p "$here/traces"
tmp=$(mktemp -d /tmp/fluxtrace-record-all.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
awk '!/^#/ && NF >= 6 && $1 != "rfc9-tour" { print $1 " " $2 }' "$table" | sort -u |
    while read -r workload mode; do
        [ $# -eq 0 ] || [[ " $* " == *" $workload "* ]] || continue
        out=$tmp/$workload-$mode
        "$here/record.sh" "$build" "$workload" "$mode" "$out" </dev/null
        tar -C "$out" -cJf "$here/traces/$workload-$mode.tar.xz" .
        ls -l "$here/traces/$workload-$mode.tar.xz"
    done
