#!/bin/bash
# Start-up cost of the preload in processes that never call libflux-core (they
# must stay inert): `perf stat -r N` of /bin/true and python3 -c pass, plain and
# with LD_PRELOAD=libfluxtrace.so, in one run.  No session daemon is involved:
# an inert process never loads LTTng-UST.
#   usage: bench/startup.sh [BUILD_DIR=build] [N=300]
set -euo pipefail
build=$(realpath "${1:-build}")
n=${2:-300}
shim=$build/lib/libfluxtrace.so
command -v perf >/dev/null || { echo "startup.sh: needs perf (linux-perf)" >&2; exit 2; }
for cmd in /bin/true "/usr/bin/python3 -c pass"; do
    for preload in "" "$shim"; do
        # shellcheck disable=SC2086
        LD_PRELOAD=$preload perf stat -r "$n" $cmd 2>&1 |
            awk -v what="$cmd${preload:+ (preloaded)}" '
                /task-clock/ {cpu = $1}
                /time elapsed/ {wall = $1 * 1000; pm = $3 * 1000}
                END {printf "%-36s cpu %7.3f ms   wall %7.3f ms +- %.3f\n", what, cpu, wall, pm}'
    done
done
