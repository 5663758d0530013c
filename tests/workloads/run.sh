#!/bin/bash
# The initial program of a Flux instance running one RFC 9 test workload:
#   flux start --test-size=$(tests/workloads/instance-size.sh WORKLOAD) \
#       tests/workloads/run.sh WORKLOAD MODE BUILD_DIR
# WORKLOAD: watch_chaining replacement_updates missing_version_wait
#           reactor_blocking rpc_fanout scattered_triggers requeue_storm
#           lookupat_root (C, BUILD_DIR/workloads)
#           watch_chaining.py replacement_updates.py lookupat_root.py
#           requeue_storm.py (Python, flux's bindings)
# MODE: violating | compliant (replacement_updates*: also counter;
#       missing_version_wait: also shortwait).
# Starts the roles in the order their handshakes need (a role that others wait
# for reports its subscription on a fifo, see workload.h), waits for all of
# them, and fails if any failed.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: run.sh WORKLOAD MODE BUILD_DIR" >&2; exit 2; }
workload=$1 mode=$2 build=$3
here=$(cd "$(dirname "$0")" && pwd)
case $workload in
*.py) prog=(flux python "$here/$workload") ;;
*) prog=("$build/workloads/$workload") ;;
esac
size=$(flux getattr size)
[ "$size" -ge "$("$here/instance-size.sh" "$workload")" ] ||
    { echo "run.sh: $workload needs a bigger instance (size $size)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pids=()

# on_rank RANK ARGS...: one role in the background (rank 0 runs it directly).
on_rank() {
    local rank=$1
    shift
    if [ "$rank" -eq 0 ]; then
        "${prog[@]}" "$@" &
    else
        flux exec -r "$rank" "${prog[@]}" "$@" &
    fi
    pids+=($!)
}

# subscribed_on_rank0 ARGS...: a rank-0 role in the background; returns once
# it reported that it subscribed to what it waits for.
subscribed_on_rank0() {
    local fifo=$tmp/ready.${#pids[@]} line=""
    mkfifo "$fifo"
    WORKLOAD_READY_FD=3 "${prog[@]}" "$@" 3>"$fifo" &
    pids+=($!)
    read -r line <"$fifo" || true
    [ "$line" = ready ] || { echo "run.sh: $* did not get ready" >&2; exit 1; }
}

case ${workload%.py} in
watch_chaining | replacement_updates | scattered_triggers)
    subscribed_on_rank0 "$mode" writer
    on_rank 1 "$mode" watcher
    ;;
missing_version_wait)
    line=$("${prog[@]}" "$mode" setup)
    echo "$line"
    version=${line##* }
    subscribed_on_rank0 "$mode" writer
    on_rank 1 "$mode" reader "$version"
    ;;
lookupat_root)
    line=$("${prog[@]}" "$mode" setup)
    echo "$line"
    subscribed_on_rank0 "$mode" reader
    on_rank 1 "$mode" writer "${line##* }"
    ;;
reactor_blocking | requeue_storm)
    on_rank 0 "$mode" main
    ;;
rpc_fanout)
    subscribed_on_rank0 "$mode" notifier
    for rank in 0 1 2 3; do on_rank "$rank" "$mode" service; done
    ;;
*)
    echo "run.sh: unknown workload $workload" >&2
    exit 2
    ;;
esac

# Waits for every role; a failed role would leave the others waiting for it,
# so the first failure ends them.  bash 5.2's `wait -n` can lose a child that
# just ended (it returns 127 and names no pid, seen about once in 3,000 runs
# of five children; given pids, it even refuses those that ended): the roles
# that ended are then collected by pid, which returns their saved status.
status=0
declare -A running=()
for pid in "${pids[@]}"; do running[$pid]=1; done
while [ ${#running[@]} -gt 0 ]; do
    ended="" rc=0
    wait -n -p ended || rc=$?
    if [ -n "${ended:-}" ]; then
        unset "running[$ended]"
    else
        rc=0
        for pid in "${!running[@]}"; do
            kill -0 "$pid" 2>/dev/null && continue
            unset "running[$pid]"
            wait "$pid" || rc=$?
        done
    fi
    if [ $rc -ne 0 ] && [ $status -eq 0 ]; then
        status=1
        kill "${!running[@]}" 2>/dev/null || true
    fi
done
exit $status
