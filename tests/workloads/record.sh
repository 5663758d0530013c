#!/bin/bash
# Records one RFC 9 test workload under `fluxtrace record`, in private mount
# and pid namespaces (tests/lib/lttng-harness.sh), so that no other traced
# process of this user joins the session:
#   tests/workloads/record.sh BUILD_DIR WORKLOAD MODE OUTDIR
# OUTDIR (must not exist or be empty) receives the CTF trace; keep it outside
# /var/run/lttng and /dev/shm, which are private to the namespace.
# Exits with the workload's status; prints fluxtrace record's report.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/lttng-harness.sh"
[ $# -eq 4 ] || { echo "usage: record.sh BUILD_DIR WORKLOAD MODE OUTDIR" >&2; exit 2; }
build=$(realpath "$1")
workload=$2 mode=$3
out=$(realpath -m "$4")
flux=$(command -v flux || echo /opt/flux-core/bin/flux)
[ -x "$flux" ] || ft_skip "no flux-core installed"
size=$("$here/instance-size.sh" "$workload")
ft_harness_enter "$build" "$workload" "$mode" "$out"
PATH=$(dirname "$flux"):$PATH
export PATH
"$build/bin/fluxtrace" record --stack 8 --buffer-mib 4 -o "$out" -- \
    flux start --test-size="$size" "$here/run.sh" "$workload" "$mode" "$build"
