#!/bin/bash
# bed.sh: a multi-host Flux instance on one machine, every node recorded by
# `fluxtrace record`, with trace clocks that really disagree
# (docs/multihost.md).
#
#   tests/multihost/bed.sh [OPTIONS] N OUTDIR -- PROGRAM [ARG...]
#
# Starts N simulated nodes node0..node<N-1>.  Each has its own network, mount,
# PID and UTS namespaces (address 10.231.0.<k+1> on a bridge the bed creates
# in a network namespace of its own, so no traffic reaches the machine's
# networks), its own /run/lttng and /dev/shm (so `fluxtrace record` starts a
# private lttng-sessiond per node) and its own trace clock (the LTTng-UST clock
# plugin libskew_clock.so: a skew, a drift and a uuid per node).  Each node
# runs
#
#   fluxtrace record -o OUTDIR/%h -- flux broker --config-path=CONF [PROGRAM...]
#
# where CONF bootstraps the instance from TOML ([bootstrap] curve_cert and
# hosts with tcp:// endpoints); each broker finds its rank by its host name.
# PROGRAM is the instance's initial program and runs on rank 0 (node0), as
# `flux broker`'s initial program does; the instance shuts down when it exits.
# Traces go to OUTDIR/node<k> (with --relay, where an lttng-relayd writes
# them: OUTDIR/node<k>/SESSION-DATE); the bed's own record (per node: address, skew,
# drift, clock uuid, real start and end times, exit status) to
# OUTDIR/bed/nodes.json, each node's output to OUTDIR/bed/node<k>.log (node0's
# is also shown).  Exits with PROGRAM's status, 1 when a node failed or the
# timeout passed, 77 (SKIP) when namespaces or tools are missing, 2 on usage
# errors.  Everything it started (processes, namespaces, links, mounts) ends
# with it, pass or fail: it stops every node (SIGTERM to the node's recorder)
# on exit, SIGTERM and SIGINT, and it runs inside its own PID and network
# namespaces, which the kernel empties when the bed ends however it ends.
#
# Options:
#   --build DIR        fluxtrace build tree (bin/fluxtrace, lib/libskew_clock.so);
#                      default $FLUXTRACE_BUILD, else ../../build beside this script
#   --flux PATH        the flux command (default: flux on PATH, else
#                      /opt/flux-core/bin/flux)
#   --skews LIST       per-node clock skews, comma-separated, each an integer with
#                      a unit ns, us, ms, s, m or h (default 0,-2h,+37s,+3ms; nodes
#                      past the list get +k*100ms)
#   --drifts LIST      per-node clock drifts in ppm (default 0,+5,-3,+2; then 0)
#   --record-opt OPT   one argument for `fluxtrace record` (repeatable, e.g.
#                      --record-opt --buffer-mib=16; default --stack 8 --buffer-mib 4)
#   --broker-opt OPT   one argument for every `flux broker` (repeatable, e.g.
#                      --broker-opt -Stbon.topo=kary:2)
#   --relay            the relay layout: every node streams its trace
#                      (`fluxtrace record --relay`) to one lttng-relayd that the
#                      bed runs on its bridge (10.231.0.254), writing OUTDIR;
#                      the bed then saves each node's symbols beside its trace
#   --plain            record nothing: the same namespaces, brokers and PROGRAM,
#                      but each node runs `flux broker` without `fluxtrace record`
#                      (no session daemon, no trace; for benchmarks)
#   --port P           the TCP port every broker binds (default 8050)
#   --timeout S        seconds the whole instance may take (default 300)
set -euo pipefail

bed_skip() {
    echo "SKIP: $*"
    exit 77
}

bed_fail() {
    echo "bed.sh: $*" >&2
    exit 1
}

bed_usage() {
    sed -n '/^#   tests/p' "$0" >&2
    echo "bed.sh: $*" >&2
    exit 2
}

# to_ns VALUE: "-2h", "+37s", "3ms", "1500us", "42" (ns) -> nanoseconds.
to_ns() {
    local v=$1 sign=1 num unit
    case $v in
    -*) sign=-1 v=${v#-} ;;
    +*) v=${v#+} ;;
    esac
    num=${v%%[a-z]*} unit=${v#"$num"}
    [[ $num =~ ^[0-9]+$ ]] || return 1
    case $unit in
    "" | ns) echo $((sign * num)) ;;
    us) echo $((sign * num * 1000)) ;;
    ms) echo $((sign * num * 1000000)) ;;
    s) echo $((sign * num * 1000000000)) ;;
    m) echo $((sign * num * 60000000000)) ;;
    h) echo $((sign * num * 3600000000000)) ;;
    *) return 1 ;;
    esac
}

here=$(cd "$(dirname "$0")" && pwd)
self=$here/$(basename "$0")
build=${FLUXTRACE_BUILD:-$here/../../build}
flux=$(command -v flux || echo /opt/flux-core/bin/flux)
skews=0,-2h,+37s,+3ms
drifts=0,+5,-3,+2
record_opts=()
broker_opts=()
port=8050
timeout=300
relay=""
plain=""
relay_addr=10.231.0.254
args=("$@")

# --- Inside one node: network, host name, private LTTng, then the recorder. ---
if [ "${1:-}" = --node-init ]; then
    # bed.sh --node-init RANK ADDR CONF OUT RECORD_OPTS... -- BROKER_ARGS...
    rank=$2 addr=$3 conf=$4 out=$5
    shift 5
    for ((i = 0; i < 500; i++)); do
        ip link show eth0 >/dev/null 2>&1 && break
        sleep 0.02
    done
    ip link show eth0 >/dev/null 2>&1 || bed_fail "node$rank: eth0 never appeared"
    ip link set lo up
    ip addr add "$addr/24" dev eth0
    ip link set eth0 up
    hostname "node$rank"
    for dir in /run/lttng /dev/shm; do
        mkdir -p "$dir"
        mount -t tmpfs -o mode=1777 fluxtrace-bed "$dir"
    done
    chmod 755 /run/lttng
    # The lttng client keeps its current session under $LTTNG_HOME.
    export LTTNG_HOME=$conf/lttng-home-$rank
    mkdir -p "$LTTNG_HOME"
    rec=()
    while [ "$1" != -- ]; do
        rec+=("$1")
        shift
    done
    shift
    if [ -n "${FLUXTRACE_BED_PLAIN:-}" ]; then
        exec "$FLUXTRACE_BED_FLUX" broker --config-path="$conf/config" "$@"
    elif [ -n "${FLUXTRACE_BED_RELAY:-}" ]; then
        rec+=(--relay "$FLUXTRACE_BED_RELAY")
    else
        rec+=(-o "$out/%h")
    fi
    exec "$FLUXTRACE_BED_FLUXTRACE" record "${rec[@]}" -- "$FLUXTRACE_BED_FLUX" \
        broker --config-path="$conf/config" "$@"
fi

while [ $# -gt 0 ]; do
    case $1 in
    --build | --flux | --skews | --drifts | --record-opt | --broker-opt | --port | --timeout)
        [ $# -ge 2 ] || bed_usage "$1 needs a value"
        ;;
    esac
    if [ "$1" = --relay ] || [ "$1" = --plain ]; then
        [ "$1" = --relay ] && relay=yes || plain=yes
        shift
        continue
    fi
    case $1 in
    --build) build=$2 ;;
    --flux) flux=$2 ;;
    --skews) skews=$2 ;;
    --drifts) drifts=$2 ;;
    --record-opt) record_opts+=("$2") ;;
    --broker-opt) broker_opts+=("$2") ;;
    --port) port=$2 ;;
    --timeout) timeout=$2 ;;
    -*) bed_usage "unknown option $1" ;;
    *) break ;;
    esac
    shift 2
done
[ $# -ge 4 ] && [ "$3" = -- ] || bed_usage "need N OUTDIR -- PROGRAM"
nodes=$1 out=$2
shift 3
program=("$@")
[[ $nodes =~ ^[0-9]+$ ]] && [ "$nodes" -ge 1 ] && [ "$nodes" -le 200 ] ||
    bed_usage "N must be 1-200"
[[ $port =~ ^[0-9]+$ ]] && [[ $timeout =~ ^[0-9]+$ ]] || bed_usage "bad --port or --timeout"
if [ -n "$plain" ] && { [ -n "$relay" ] || [ ${#record_opts[@]} -gt 0 ]; }; then
    bed_usage "--plain records nothing: no --relay or --record-opt with it"
fi
[ ${#record_opts[@]} -gt 0 ] || record_opts=(--stack 8 --buffer-mib 4)
out=$(realpath -m "$out")
build=$(realpath -m "$build")

# --- Outside: check what the bed needs, then re-enter in namespaces of its own. ---
if [ -z "${FLUXTRACE_BED_INSIDE:-}" ]; then
    [ "$(id -u)" -eq 0 ] || bed_skip "the bed needs root (network namespaces and mounts)"
    needed=(unshare ip hostname mount)
    [ -n "$plain" ] || needed+=(lttng-sessiond)
    [ -z "$relay" ] || needed+=(lttng-relayd)
    for tool in "${needed[@]}"; do
        command -v "$tool" >/dev/null || bed_skip "$tool is not installed"
    done
    [ -x "$flux" ] || bed_skip "no flux-core installed (--flux PATH)"
    if [ -z "$plain" ]; then
        [ -x "$build/bin/fluxtrace" ] || bed_skip "no fluxtrace in $build/bin (--build DIR)"
        [ -f "$build/lib/libskew_clock.so" ] ||
            bed_skip "no $build/lib/libskew_clock.so (build the skew_clock target)"
    fi
    if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
        bed_usage "$out exists and is not empty"
    fi
    if ! why=$(unshare --net --uts --mount --propagation private --pid --fork \
        --kill-child --mount-proc sh -c 'ip link add fxbr0 type bridge &&
            ip link add fxv0 type veth peer name eth0 && hostname probe' 2>&1); then
        bed_skip "the kernel refuses namespaces, bridges or veth pairs: ${why:-unshare failed}"
    fi
    # Inside, the bed is pid 1 of a PID namespace and alone in a network
    # namespace, which holds the bridge: when it ends, for any reason, the
    # kernel kills every node and frees every link.
    # unshare --fork ignores SIGINT and SIGTERM itself: pass them on to the
    # bed inside, which stops its nodes cleanly.
    unshare --net --mount --propagation private --pid --fork --kill-child --mount-proc \
        env FLUXTRACE_BED_INSIDE=1 "$BASH" "$self" "${args[@]}" &
    outer=$!
    forward() { kill "-$1" $(pgrep -P "$outer") 2>/dev/null || true; }
    trap 'forward TERM' TERM
    trap 'forward INT' INT
    status=0
    while :; do
        wait "$outer" && status=0 || status=$?
        kill -0 "$outer" 2>/dev/null || break # else a trap interrupted the wait
    done
    exit "$status"
fi

mkdir -p "$out/bed"
outer_pid_ns=$(readlink /proc/self/ns/pid)
conf=$(mktemp -d "${TMPDIR:-/tmp}/fluxtrace-bed.XXXXXX")
pids=()
statuses=()
ends=()
torn_down=""

teardown() {
    local status=$? k i alive
    [ -z "$torn_down" ] || return 0
    torn_down=yes
    trap - EXIT INT TERM
    for k in "${!pids[@]}"; do
        if [ -z "${statuses[$k]:-}" ] && stop_node "$k"; then
            echo "bed.sh: stopping node$k" >&2
        fi
    done
    # A broker stopped in its start-up, then the recorder saving symbols,
    # can take a while on a loaded machine.
    for ((i = 0; i < 3000; i++)); do
        alive=""
        for k in "${!pids[@]}"; do
            kill -0 "${pids[$k]}" 2>/dev/null && alive=yes
        done
        [ -n "$alive" ] || break
        sleep 0.02
    done
    # unshare --kill-child takes the node's whole PID namespace with it.
    for k in "${!pids[@]}"; do
        kill -KILL "${pids[$k]}" 2>/dev/null && echo "bed.sh: killed node$k" >&2
    done
    wait 2>/dev/null || true
    for ((k = 0; k < nodes; k++)); do
        ip link del "fxv$k" 2>/dev/null || true
    done
    ip link del fxbr0 2>/dev/null || true
    [ -z "${relayd_pid:-}" ] || kill -KILL "$relayd_pid" 2>/dev/null || true
    rm -rf "$conf"
    exit "$status"
}
# stop_node K: SIGTERM to the node's first process, its recorder, which
# relays it to the broker and then stops its session cleanly.  (Not to the
# node's unshare, which ignores SIGTERM; the recorder, pid 1 of the node's
# PID namespace, gets it from here because it handles it.)
stop_node() {
    local child
    for child in $(pgrep -P "${pids[$1]}"); do
        # The unshare's other child is node0's tee.
        [ "$(readlink "/proc/$child/ns/pid" 2>/dev/null)" != "$outer_pid_ns" ] || continue
        kill -TERM "$child" 2>/dev/null
        return
    done
    return 1
}
trap teardown EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

now_ns() { date +%s%N; }
monotonic_ns() { python3 -c 'import time; print(time.monotonic_ns())'; }

# The switch: one bridge, one veth pair per node.
ip link set lo up
ip link add fxbr0 type bridge
ip link set fxbr0 up

# The relay layout: one lttng-relayd on the bridge, writing OUTDIR/HOST/...
# Its run directory is the bed's own, as each node's is.
relayd_pid=""
if [ -n "$relay" ]; then
    ip addr add "$relay_addr/24" dev fxbr0
    mkdir -p /run/lttng
    mount -t tmpfs -o mode=755 fluxtrace-bed /run/lttng
    # --background returns once it listens; the bed is alone in its PID
    # namespace with it, so pgrep finds that one.
    lttng-relayd ${FLUXTRACE_BED_RELAYD_VERBOSE:+-vvv} --background --output="$out" --control-port="tcp://$relay_addr:5342" \
        --data-port="tcp://$relay_addr:5343" --live-port="tcp://$relay_addr:5344" \
        >"$out/bed/relayd.log" 2>&1 || bed_fail "lttng-relayd did not start: $(cat "$out/bed/relayd.log")"
    relayd_pid=$(pgrep -x lttng-relayd) || bed_fail "lttng-relayd is not running"
    export FLUXTRACE_BED_RELAY=net://$relay_addr
fi

# The instance's configuration, the same file for every broker.
"$flux" keygen "$conf/curve.cert" >/dev/null
mkdir -p "$conf/config"
{
    echo "[bootstrap]"
    echo "curve_cert = \"$conf/curve.cert\""
    echo "hosts = ["
    for ((k = 0; k < nodes; k++)); do
        echo "    { host = \"node$k\", bind = \"tcp://10.231.0.$((k + 1)):$port\"," \
            "connect = \"tcp://10.231.0.$((k + 1)):$port\" },"
    done
    echo "]"
} >"$conf/config/bootstrap.toml"

IFS=, read -r -a skew_list <<<"$skews"
IFS=, read -r -a drift_list <<<"$drifts"
epoch=$(monotonic_ns)
export LTTNG_UST_CLOCK_PLUGIN=$build/lib/libskew_clock.so
# Each node's clock is looked up by host name (flux exec hands a program it
# starts on another node its caller's environment, so the environment cannot
# say which node a process runs on).
export FLUXTRACE_TEST_CLOCK_CONFIG=$conf/clocks FLUXTRACE_TEST_CLOCK_NAME=fluxtrace_skew
unset FLUXTRACE_TEST_CLOCK_SKEW_NS FLUXTRACE_TEST_CLOCK_DRIFT_PPM FLUXTRACE_TEST_CLOCK_UUID
export FLUXTRACE_BED_FLUXTRACE=$build/bin/fluxtrace FLUXTRACE_BED_FLUX=$flux
# Plain: the broker is the node's pid 1 and handles the bed's SIGTERM itself.
if [ -n "$plain" ]; then
    export FLUXTRACE_BED_PLAIN=1
    unset LTTNG_UST_CLOCK_PLUGIN
fi
PATH=$(dirname "$flux"):$PATH
export PATH
unset FLUX_URI FLUX_JOB_ID FLUX_KVS_NAMESPACE
outer_net=$(readlink /proc/self/ns/net)
declare -a skew_ns drift_ppm uuid addr start
for ((k = 0; k < nodes; k++)); do
    if [ "$k" -lt ${#skew_list[@]} ]; then
        skew_ns[k]=$(to_ns "${skew_list[$k]}") || bed_usage "bad skew ${skew_list[$k]}"
    else
        skew_ns[k]=$((k * 100000000))
    fi
    drift_ppm[k]=${drift_list[$k]:-0}
    drift_ppm[k]=${drift_ppm[k]#+}
    [[ ${drift_ppm[k]} =~ ^-?[0-9]+(\.[0-9]+)?$ ]] || bed_usage "bad drift ${drift_ppm[k]}"
    uuid[k]=$(cat /proc/sys/kernel/random/uuid)
    addr[k]=10.231.0.$((k + 1))
    echo "node$k ${skew_ns[k]} ${drift_ppm[k]} $epoch ${uuid[k]}" >>"$conf/clocks"
    node_args=("$self" --node-init "$k" "${addr[k]}" "$conf" "$out" "${record_opts[@]}" --
        "${broker_opts[@]}")
    [ "$k" -ne 0 ] || node_args+=("${program[@]}")
    start[k]=$(now_ns)
    log=$out/bed/node$k.log
    # setsid: a node's recorder must not get the terminal's signals from the
    # bed's process group; the bed stops it itself.
    if [ "$k" -eq 0 ]; then
        setsid unshare --net --uts --mount --propagation private --pid --fork --kill-child \
            --mount-proc "$BASH" "${node_args[@]}" > >(tee "$log") 2>&1 </dev/null &
    else
        setsid unshare --net --uts --mount --propagation private --pid --fork --kill-child \
            --mount-proc "$BASH" "${node_args[@]}" >"$log" 2>&1 </dev/null &
    fi
    pids[k]=$!
    # unshare enters the new network namespace itself before it forks the
    # node's init: the node's end of the veth pair goes there.
    for ((i = 0; i < 500; i++)); do
        ns=$(readlink "/proc/${pids[k]}/ns/net" 2>/dev/null) || break
        [ "$ns" = "$outer_net" ] || break
        sleep 0.02
    done
    [ -n "${ns:-}" ] && [ "$ns" != "$outer_net" ] ||
        bed_fail "node$k did not enter its network namespace"
    ip link add "fxv$k" type veth peer name eth0 netns "${pids[k]}"
    ip link set "fxv$k" master fxbr0 up
done

# Wait for rank 0 (the initial program), then for the others to follow it
# down; nodes that outlive the timeout are stopped by the teardown.
deadline=$((SECONDS + timeout))
exited() { # exited K: records node K's status once it has ended
    local k=$1 st=0
    [ -z "${statuses[$k]:-}" ] || return 0
    kill -0 "${pids[$k]}" 2>/dev/null && return 1
    wait "${pids[$k]}" || st=$?
    statuses[k]=$st
    ends[k]=$(now_ns)
    return 0
}
failed=""
timed_out=""
while ! exited 0; do
    # Followers end when rank 0 shuts the instance down; one that fails
    # before would leave rank 0 waiting for it.
    for ((k = 1; k < nodes; k++)); do
        if exited "$k" && [ "${statuses[$k]}" -ne 0 ] && [ -z "$failed" ]; then
            echo "bed.sh: node$k failed (status ${statuses[$k]}); stopping the instance" >&2
            failed=yes
            stop_node 0 || true
        fi
    done
    if [ "$SECONDS" -ge "$deadline" ]; then
        [ -z "$timed_out" ] || bed_fail "node0 did not stop within 60 s of SIGTERM"
        echo "bed.sh: the instance did not finish within $timeout s; stopping it" >&2
        failed=yes timed_out=yes
        stop_node 0 || true
        deadline=$((SECONDS + 60))
    fi
    sleep 0.1
done
follow=$((SECONDS + 60))
for ((k = 1; k < nodes; k++)); do
    while ! exited "$k"; do
        if [ "$SECONDS" -ge "$follow" ]; then
            echo "bed.sh: node$k did not shut down with rank 0" >&2
            failed=yes
            break
        fi
        sleep 0.1
    done
done

# The relay layout: the relay has closed every trace once its daemon ended;
# then each node's symbols beside its trace, made here, where every node's
# binaries are (the nodes cannot: their traces are on the relay).
if [ -n "$relay" ]; then
    kill -TERM "$relayd_pid" 2>/dev/null || true
    for ((i = 0; i < 1500; i++)); do
        kill -0 "$relayd_pid" 2>/dev/null || break
        sleep 0.02
    done
    kill -0 "$relayd_pid" 2>/dev/null && bed_fail "lttng-relayd did not stop within 30 s"
    relayd_pid=""
    for ((k = 0; k < nodes; k++)); do
        [ -d "$out/node$k" ] || continue
        "$build/bin/fluxtrace-analyze" -q --write-symbols "$out/node$k/fluxtrace-symbols.json" \
            "$out/node$k" >>"$out/bed/node$k.log" 2>&1 ||
            echo "bed.sh: node$k: cannot save its symbols (see $out/bed/node$k.log)" >&2
    done
fi

# What the bed knows and a trace cannot say: the real time around each node.
layout=per-node
[ -z "$relay" ] || layout=relay
[ -z "$plain" ] || layout=plain
{
    echo "{\"nodes\": ["
    for ((k = 0; k < nodes; k++)); do
        [ "$k" -eq 0 ] || echo ","
        printf '  {"host": "node%d", "rank": %d, "addr": "%s", "skew_ns": %d, ' \
            "$k" "$k" "${addr[k]}" "${skew_ns[k]}"
        printf '"drift_ppm": %s, "clock_uuid": "%s", "start_ns": %d, "end_ns": %s, ' \
            "${drift_ppm[k]}" "${uuid[k]}" "${start[k]}" "${ends[k]:-null}"
        printf '"status": %s}' "${statuses[k]:-null}"
    done
    echo
    echo "], \"epoch_monotonic_ns\": $epoch, \"clock_name\": \"fluxtrace_skew\"," \
        "\"layout\": \"$layout\"}"
} >"$out/bed/nodes.json"

for ((k = 1; k < nodes; k++)); do
    if [ "${statuses[k]:-x}" != 0 ]; then
        echo "bed.sh: node$k exited with status ${statuses[k]:-unknown}; its log:" >&2
        sed 's/^/  /' "$out/bed/node$k.log" >&2
        failed=yes
    fi
done
[ -z "$failed" ] || exit 1
exit "${statuses[0]}"
