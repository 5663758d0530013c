#!/bin/bash
# What Python frames cost a Python program: the mean time of one RPC round
# trip (3 libflux calls, 2 of them stacked records) made through ctypes 12
# Python frames down, against the libflux-core test double, in a private
# LTTng world: no session | a session without Python frames
# (FLUXTRACE_PYFRAMES=0) | a session with them.  The runs alternate, 5 each;
# the median of each is printed with the ratios.  Then, when flux-core is
# installed (on PATH, or FLUX_PREFIX), the same three on a real instance
# (`flux start -s 1`): N/10 lookups of one key through flux-core's own
# bindings (flux.kvs.get, cffi) 12 Python frames down (pyframes_real_loop.py).
#   usage: bench/pyframes.sh [BUILD_DIR=build] [N=20000]
set -euo pipefail
build=$(realpath "${1:-build}")
n=${2:-20000}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/lib/lttng-harness.sh"
ft_harness_enter "$@"
double=$build/tests/double/lib/libflux-core.so.2
[ -e "$double" ] || ft_fail "no libflux-core test double at $double: build the project"
python=${PYTHON:-python3}
run() { # run VAR=VALUE...: prints ns per RPC
    env "$@" LD_PRELOAD="$build/lib/libfluxtrace.so" "$python" "$here/pyframes_loop.py" \
        "$double" "$n" 12
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure LABEL RUN_COMMAND: 5 alternated rounds of the three runs; prints
# the medians and ratios.  RUN_COMMAND VAR=VALUE... prints ns per operation.
measure() {
    local label=$1 run=$2 k
    declare -A t=() m=()
    for _ in 1 2 3 4 5; do
        lttng stop pyframes >/dev/null
        t[none]+="$($run FLUXTRACE_PYFRAMES=1) "
        lttng start pyframes >/dev/null
        t[off]+="$($run FLUXTRACE_PYFRAMES=0) "
        t[on]+="$($run FLUXTRACE_PYFRAMES=1) "
    done
    for k in none off on; do
        m[$k]=$(echo "${t[$k]}" | tr ' ' '\n' | grep . | median)
    done
    echo "$label, median of 5:"
    echo "  session stopped:                 ${m[none]}   (runs: ${t[none]})"
    echo "  session, FLUXTRACE_PYFRAMES=0:   ${m[off]}   (runs: ${t[off]})"
    echo "  session, Python frames:          ${m[on]}   (runs: ${t[on]})"
    awk -v a="${m[off]}" -v b="${m[on]}" -v c="${m[none]}" 'BEGIN {
        printf "  Python frames / without: %.3fx (%+.0f ns); traced / stopped: %.3fx\n", b / a, b - a, b / c }'
}

ft_sessiond_start >/dev/null
ft_session_create pyframes "$FT_TMP/trace"
measure "ns per RPC round trip ($n RPCs each, 12 Python frames deep, test double)" run

flux=$(command -v flux || echo "${FLUX_PREFIX:-/opt/flux-core}/bin/flux")
if [ -x "$flux" ]; then
    real=$((n / 10))
    # Inside the instance: flux-core's Python package on PYTHONPATH.
    pythonpath=$("$flux" python -c 'import flux, os; print(os.path.dirname(os.path.dirname(flux.__file__)))')
    run_real() {
        FLUX_URI=$uri PYTHONPATH=$pythonpath env "$@" LD_PRELOAD="$build/lib/libfluxtrace.so" \
            "$python" "$here/pyframes_real_loop.py" "$real" 12
    }
    # A real instance whose initial program waits until this script is done.
    "$flux" start -s 1 bash -c 'echo "$FLUX_URI" >"$0.uri"; while [ ! -e "$0.done" ]; do sleep 0.2; done' \
        "$FT_TMP/instance" &
    instance=$!
    while [ ! -s "$FT_TMP/instance.uri" ]; do
        kill -0 $instance 2>/dev/null || ft_fail "the flux instance did not start"
        sleep 0.2
    done
    uri=$(cat "$FT_TMP/instance.uri")
    measure "ns per flux.kvs.get ($real lookups each, 12 Python frames deep, real flux-core $("$flux" version | sed -n 's/^libflux-core:[[:space:]]*//p'))" run_real
    touch "$FT_TMP/instance.done"
    wait $instance
else
    echo "SKIP: the real-instance part: no flux-core installed"
fi
ft_session_stop pyframes
