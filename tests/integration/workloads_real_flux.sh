#!/bin/bash
# Every RFC 9 test workload (tests/workloads/) on a real flux-core instance,
# recorded with `fluxtrace record`, then held to tests/checkers/
# workload-expectations.txt: each checker fires on its violating workload and
# stays silent on the compliant twin.  The workloads themselves check what
# they must see (the violating missing-version-wait reader exits non-zero
# unless its read was stale).  SKIP when flux-core is not installed.
#   usage: workloads_real_flux.sh BUILD_DIR FLUX_COMMAND [WORKLOAD...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/lttng-harness.sh"
build=$(realpath "$1")
flux=${2:-}
shift 2 || true
[ -n "$flux" ] && [ -x "$flux" ] ||
    ft_skip "no flux-core installed (set FLUX_PREFIX or put flux on PATH, then reconfigure)"
[ -x "$build/workloads/watch_chaining" ] ||
    ft_skip "the workloads were not built (flux-core headers missing)"
table=$here/../checkers/workload-expectations.txt
supp=$here/../../suppressions/flux-core-0.88.supp
export PATH=$(dirname "$flux"):$PATH

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pairs=$(awk '!/^#/ && NF >= 6 && $1 != "rfc9-tour" { print $1 " " $2 }' "$table" | sort -u)
failed=0
while read -r workload mode; do
    [ $# -eq 0 ] || [[ " $* " == *" $workload "* ]] || continue
    out=$tmp/$workload-$mode
    if ! "$here/../workloads/record.sh" "$build" "$workload" "$mode" "$out" \
        >"$out.log" 2>&1; then
        cat "$out.log"
        echo "FAIL $workload $mode: the recorded workload failed"
        failed=1
        continue
    fi
    grep -q "(0 events discarded)" "$out.log" || ft_note "$workload $mode: events were discarded"
    grep -E "^(watch_chaining|replacement_updates|missing_version_wait|reactor_blocking|rpc_fanout|scattered_triggers|requeue_storm|lookupat_root)" \
        "$out.log" | sed 's/^/# /' || true
    status=0
    "$build/bin/fluxtrace-analyze" -q --format json --suppressions "$supp" "$out" \
        >"$out.json" || status=$?
    if [ "$status" -gt 1 ]; then
        echo "FAIL $workload $mode: fluxtrace-analyze exited $status"
        failed=1
        continue
    fi
    if ! python3 "$here/../checkers/check_expectations.py" "$out.json" "$workload" \
        "$mode" "$table"; then
        failed=1
        # The whole report, for the post-mortem.
        "$build/bin/fluxtrace-analyze" -q --suppressions "$supp" "$out" || true
    fi
done <<<"$pairs"
exit $failed
