#!/bin/bash
# c. The shim is inert in processes that never call libflux-core, even with a
# session daemon to register with: sh and python3 run as without it, and a
# sleeping process has no LTTng-UST (nor the provider) mapped and one thread.
. "$(dirname "$0")/lib.sh"
shim_enter "$@"
ft_sessiond_start >/dev/null

LD_PRELOAD=$FT_PRELOAD sh -c true || ft_fail "sh -c true failed under the shim"
LD_PRELOAD=$FT_PRELOAD "$FT_PYTHON" -c pass || ft_fail "python3 -c pass failed under the shim"

# Blocked in (clock_)nanosleep: start-up, constructors included, is over.
sleeping() {
    grep -q nanosleep "/proc/$1/wchan" 2>/dev/null ||
        awk '$1 == 35 || $1 == 230 { found = 1 } END { exit !found }' \
            "/proc/$1/syscall" 2>/dev/null
}

# check_inert PID WHAT
check_inert() {
    local pid=$1 what=$2 threads
    ft_wait_for 20 sleeping "$pid" || ft_fail "$what did not reach its sleep"
    grep -q libfluxtrace.so "/proc/$pid/maps" || ft_fail "$what: the shim is not loaded"
    if grep -E 'liblttng-ust|libfluxtrace-tp' "/proc/$pid/maps" >&2; then
        ft_fail "$what: LTTng-UST or the provider is mapped"
    fi
    threads=$(ls "/proc/$pid/task" | wc -l)
    [ "$threads" = 1 ] || ft_fail "$what: $threads threads, expected 1"
    kill "$pid"
    wait "$pid" 2>/dev/null
    ft_note "$what: inert (one thread, no LTTng-UST)"
}

LD_PRELOAD=$FT_PRELOAD sleep 60 &
check_inert $! "sleep"
LD_PRELOAD=$FT_PRELOAD "$FT_PYTHON" -c 'import time; time.sleep(60)' &
check_inert $! "python3"
