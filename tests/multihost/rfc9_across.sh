#!/bin/bash
# multihost.rfc9_across: the RFC 9 test workloads (tests/workloads/) across
# hosts.  Two 4-node beds with disagreeing trace clocks (bed.sh: node1 -2 h,
# node2 +37 s, node3 +3 ms, small drifts) run every workload in turn
# (rfc9_workloads.sh): one bed the violating twins, one the compliant twins;
# writers, setup and notifiers on node0, watchers and readers on node1,
# rpc_fanout's services on every node.  Asserts, from the recording of each
# bed read as one PATH:
#   - each violating twin gets the reports it gets on one host: its rows of
#     tests/checkers/workload-expectations.txt hold among the reports that
#     touch its processes, and the reports' SUMMARY lines are exactly those
#     of the single-host golden reports (tests/checkers/golden/W-violating.txt);
#   - the compliant twins get nothing at all;
#   - --summary: 4 brokers in one instance, and every request that crossed
#     hosts from a client or a module paired with its receive, every
#     response to it with its send;
#   - node1's clock moved by a further day gives byte-identical checks and
#     summary (same_reports.sh).
# --relay: the relay layout (every node streams to the bed's lttng-relayd,
# whose output tree is the PATH).  --only MODE: one bed, that mode's.  WORKLOAD...: only these (default: all of
# them).  SKIP (77) without flux-core, the workloads, or namespaces.
# FT_KEEP=1 keeps the recordings.
#   usage: rfc9_across.sh BUILD_DIR FLUX_COMMAND [--relay] [--only MODE] [WORKLOAD...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "$1")
flux=${2:-}
shift 2 || shift $#
. "$here/bed-lib.sh"
# Room for requeue_storm's thousands of requeues on a busy machine.
bed_opts=(--record-opt --stack=8 --record-opt --buffer-mib=16)
modes=(violating compliant)
if [ "${1:-}" = --relay ]; then
    bed_opts+=(--relay)
    shift
fi
if [ "${1:-}" = --only ]; then
    modes=("$2")
    shift 2
fi
src=$(cd "$here/../.." && pwd)
table=$src/tests/checkers/workload-expectations.txt
golden=$src/tests/checkers/golden
workloads=(watch_chaining watch_chaining.py replacement_updates replacement_updates.py
    missing_version_wait reactor_blocking rpc_fanout scattered_triggers requeue_storm)
[ $# -eq 0 ] || workloads=("$@")
for workload in "${workloads[@]}"; do
    [[ $workload == *.py ]] || [ -x "$build/workloads/$workload" ] ||
        { echo "SKIP: the workload $workload was not built (flux-core headers missing?)"; exit 77; }
done
started=$SECONDS

# The processes of a workload: its program, or Python for the .py ones (each
# Python workload breaks a rule the other keeps).
exe_of() {
    case $1 in
    *.py) echo 'python3(\.[0-9]+)?' ;;
    *) echo "$1" ;;
    esac
}

for mode in "${modes[@]}"; do
    out=$tmp/$mode
    bed_record "$out" "$tmp/$mode.bed.log" "$here/rfc9_workloads.sh" "$mode" "$build" \
        "$tmp/$mode.result" "${workloads[@]}"
    sed "s/^/# $mode: /" "$tmp/$mode.result"
    bed_whole_traces "$out"

    status=0
    "$analyzer" -q --format json "$out" >"$tmp/$mode.json" 2>"$tmp/$mode.err" || status=$?
    [ $status -le 1 ] || { cat "$tmp/$mode.err"; fail "$mode: fluxtrace-analyze exited $status"; }
    for workload in "${workloads[@]}"; do
        if [ "$mode" = violating ]; then
            python3 "$src/tests/checkers/check_expectations.py" --exe "$(exe_of "$workload")" \
                "$tmp/$mode.json" "$workload" "$mode" "$table" || failed=1
        else
            python3 "$src/tests/checkers/check_expectations.py" \
                "$tmp/$mode.json" "$workload" "$mode" "$table" || failed=1
        fi
    done
    if [ "$mode" = violating ]; then
        python3 "$here/workload_summaries.py" "$tmp/$mode.json" >"$tmp/$mode.across"
        for workload in "${workloads[@]}"; do
            grep -h '^SUMMARY:' "$golden/$workload-$mode.txt"
        done | LC_ALL=C sort >"$tmp/$mode.one-host"
        if cmp -s "$tmp/$mode.one-host" "$tmp/$mode.across"; then
            echo "# $mode: the same $(wc -l <"$tmp/$mode.across") reports as on one host"
        else
            diff "$tmp/$mode.one-host" "$tmp/$mode.across" || true
            fail "$mode: the reports across hosts are not those of one host"
        fi
    fi

    "$analyzer" --summary "$out" >"$tmp/$mode.summary" 2>&1 || fail "$mode: --summary failed"
    grep -q "processes: .*(4 brokers, .*in 1 instance" "$tmp/$mode.summary" ||
        fail "$mode: the analyzer did not find 4 brokers of one instance"
    "$here/paired_across.sh" "$tmp/$mode.summary" || failed=1

    cp -a "$out" "$tmp/$mode.shifted"
    python3 "$here/shift_clock.py" "$tmp/$mode.shifted/node1" || fail "cannot shift node1's clock"
    "$here/same_reports.sh" "$analyzer" "$out" "$tmp/$mode.shifted" || failed=1
    echo "# $mode: node1's clock a day later: the same checks and pairing"
    rm -rf "$tmp/$mode.shifted"
done

echo "# total $((SECONDS - started)) s"
[ $failed -eq 0 ] && echo "PASS" || exit 1
