# lttng-harness.sh: a private LTTng world for a test, even as root.  Source it.
#
# Root's LTTng clients and applications always use /var/run/lttng (LTTNG_HOME
# does not move them), and applications wait for a daemon on
# /dev/shm/lttng-ust-wait-*.  So a test re-executes itself in new mount and pid
# namespaces with fresh tmpfs over both: the daemons it starts, the sessions it
# makes and the applications it traces see nothing of the machine's, and the
# machine's see nothing of them.  The pid namespace also ends every process of
# the test with it, on success, failure or timeout (unshare --kill-child).
#
#   . "$(dirname "$0")/../lib/lttng-harness.sh"
#   ft_harness_enter "$@"          # re-executes the script; returns inside
#   ft_sessiond_start              # optional: tests of `fluxtrace record` need none
#   ft_session_create NAME DIR     # as `fluxtrace record` would
#   ... ; ft_session_stop NAME
#
# Exit status 77 means SKIP (ctest's SKIP_RETURN_CODE).  Set FT_KEEP=1 to keep
# the test's temporary directory ($FT_TMP) for a post-mortem.

ft_skip() {
    echo "SKIP: $*"
    exit 77
}

ft_fail() {
    echo "FAIL: $*" >&2
    exit 1
}

ft_note() {
    echo "# $*" >&2
}

# SKIP unless FLUX_COMMAND (a test's argument) names an installed flux.
ft_require_flux() {
    [ -n "${1:-}" ] && [ -x "$1" ] ||
        ft_skip "no flux-core installed (set FLUX_PREFIX or put flux on PATH, then reconfigure)"
}

# Re-executes the calling script inside fresh namespaces, then returns there.
# A script run from a test already inside shares its namespaces; clear
# FT_HARNESS_NS to give it fresh ones.
ft_harness_enter() {
    local here
    here=$(readlink /proc/self/ns/mnt) || ft_skip "cannot read /proc/self/ns/mnt"
    if [ -n "${FT_HARNESS_NS:-}" ] && [ "$FT_HARNESS_NS" = "$here" ]; then
        return 0
    fi
    if [ "${FT_HARNESS_ENTERING:-}" = yes ]; then
        unset FT_HARNESS_ENTERING
        ft__inside "$here"
        return 0
    fi
    command -v unshare >/dev/null || ft_skip "unshare (util-linux) is not installed"
    command -v lttng-sessiond >/dev/null || ft_skip "lttng-sessiond is not installed"
    local why
    if ! why=$(unshare --mount --propagation private --pid --kill-child --mount-proc \
        true 2>&1); then
        ft_skip "cannot make private mount and pid namespaces: ${why:-unshare failed}"
    fi
    # Inside, the script is pid 1 of its namespace.
    exec unshare --mount --propagation private --pid --kill-child --mount-proc \
        env FT_HARNESS_ENTERING=yes "$BASH" "$0" "$@"
}

ft__inside() {
    local dir why
    for dir in /var/run/lttng /dev/shm; do
        mkdir -p "$dir" || ft_skip "cannot create $dir"
        why=$(mount -t tmpfs -o mode=1777 fluxtrace-test "$dir" 2>&1) ||
            ft_skip "cannot mount a tmpfs over $dir: $why"
    done
    chmod 755 /var/run/lttng
    export FT_HARNESS_NS=$1
    FT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/fluxtrace-test.XXXXXX") || ft_fail "mktemp failed"
    export FT_TMP
    # The lttng client keeps its "current session" in $LTTNG_HOME/.lttngrc.
    export LTTNG_HOME=$FT_TMP/home
    mkdir -p "$LTTNG_HOME"
    FT_SESSIOND_PIDS=""
    trap ft__cleanup EXIT
}

ft__cleanup() {
    local status=$? pid
    for pid in $FT_SESSIOND_PIDS; do
        ft_sessiond_stop "$pid"
    done
    if [ -n "${FT_KEEP:-}" ]; then
        ft_note "kept $FT_TMP"
    else
        rm -rf "$FT_TMP"
    fi
    exit "$status"
}

# ft_wait_for SECONDS COMMAND...: polls COMMAND every 20 ms until it succeeds;
# fails when it has not after SECONDS.
ft_wait_for() {
    local seconds=$1 i
    shift
    for ((i = 0; i < seconds * 50; i++)); do
        "$@" && return 0
        sleep 0.02
    done
    return 1
}

# Whether PID is a session daemon that has not ended (a zombie has).
ft_sessiond_alive() {
    local stat
    [ -n "$1" ] && stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    case $stat in
    *"(lttng-sessiond) Z"* | *"(lttng-sessiond) X"*) return 1 ;;
    *"(lttng-sessiond) "*) return 0 ;;
    *) return 1 ;;
    esac
}

# Starts a session daemon for this namespace and prints its pid; the harness
# stops it when the test ends.
ft_sessiond_start() {
    local pid
    lttng-sessiond --daemonize --no-kernel ||
        ft_fail "lttng-sessiond --daemonize --no-kernel failed ($?)"
    pid=$(cat /var/run/lttng/lttng-sessiond.pid 2>/dev/null)
    ft_sessiond_alive "$pid" || ft_fail "lttng-sessiond started but its pid is unknown"
    FT_SESSIOND_PIDS="$FT_SESSIOND_PIDS $pid"
    echo "$pid"
}

# ft_sessiond_stop PID: SIGTERM, then SIGKILL if it lingers.
ft_sessiond_stop() {
    local pid=$1
    ft_sessiond_alive "$pid" || return 0
    kill -TERM "$pid"
    if ! ft_wait_for 15 eval "! ft_sessiond_alive $pid"; then
        ft_note "lttng-sessiond $pid ignored SIGTERM; killing it"
        kill -KILL "$pid" 2>/dev/null
    fi
    FT_SESSIOND_PIDS=$(echo " $FT_SESSIOND_PIDS " | sed "s/ $pid / /")
}

# Session daemons (not consumer daemons) running in this namespace, one pid a line.
ft_sessiond_pids() {
    pgrep -x lttng-sessiond | while read -r pid; do
        # A daemon's consumers are forked from it and share its name for a moment.
        [ "$(ps -o comm= -p "$(ps -o ppid= -p "$pid" | tr -d ' ')")" = lttng-sessiond ] ||
            echo "$pid"
    done
}

# ft_session_create NAME DIR [BUFFER_MIB]: a session set up as `fluxtrace record`
# sets one up (per-uid discard channel, vpid/vtid/procname, the same events),
# started.
ft_session_create() {
    local name=$1 dir=$2 mib=${3:-16} cpus per_cpu num subbuf
    cpus=$(ft__possible_cpus)
    per_cpu=$((mib * 1024 * 1024 / cpus))
    per_cpu=$(ft__floor_pow2 "$per_cpu")
    num=$((per_cpu / 4096 < 8 ? per_cpu / 4096 : 8))
    subbuf=$((per_cpu / num))
    lttng create "$name" --output="$dir" >/dev/null &&
        lttng enable-channel --session="$name" --userspace --buffers-uid --discard \
            --subbuf-size="$subbuf" --num-subbuf="$num" fluxtrace >/dev/null &&
        lttng add-context --session="$name" --userspace --channel=fluxtrace \
            --type=vpid --type=vtid --type=procname >/dev/null &&
        lttng enable-event --session="$name" --userspace --channel=fluxtrace \
            'fluxtrace:*,lttng_ust_statedump:*,lttng_ust_lib:*' >/dev/null &&
        lttng start "$name" >/dev/null ||
        ft_fail "cannot create LTTng session $name writing to $dir"
}

# ft_session_stop NAME: stops (flushing) and destroys; the trace stays on disk.
ft_session_stop() {
    lttng stop "$1" >/dev/null && lttng destroy "$1" >/dev/null ||
        ft_fail "cannot stop LTTng session $1"
}

ft__possible_cpus() {
    local n=0 range lo hi
    local IFS=,
    for range in $(cat /sys/devices/system/cpu/possible 2>/dev/null); do
        lo=${range%-*} hi=${range#*-}
        n=$((n + hi - lo + 1))
    done
    [ "$n" -gt 0 ] || n=$(getconf _NPROCESSORS_CONF)
    echo "$n"
}

ft__floor_pow2() {
    local v=$1 p=1
    while ((p * 2 <= v)); do p=$((p * 2)); done
    echo "$p"
}

# Metadata files of the traces under DIR, one a line.
ft_trace_metadata() {
    find "$1" -name metadata -type f 2>/dev/null
}
