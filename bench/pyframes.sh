#!/bin/bash
# What Python frames cost a Python program: the mean time of one RPC round
# trip (3 libflux calls, 2 of them stacked records) made through ctypes 12
# Python frames down, against the libflux-core test double, in a private
# LTTng world: no session | a session without Python frames
# (FLUXTRACE_PYFRAMES=0) | a session with them.  The runs alternate, 5 each;
# the median of each is printed with the ratios.
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

ft_sessiond_start >/dev/null
ft_session_create pyframes "$FT_TMP/trace"
declare -A t m
for i in 1 2 3 4 5; do
    lttng stop pyframes >/dev/null
    t[none]+="$(run FLUXTRACE_PYFRAMES=1) "
    lttng start pyframes >/dev/null
    t[off]+="$(run FLUXTRACE_PYFRAMES=0) "
    t[on]+="$(run FLUXTRACE_PYFRAMES=1) "
done
ft_session_stop pyframes
for k in none off on; do
    m[$k]=$(echo "${t[$k]}" | tr ' ' '\n' | grep . | median)
done
echo "ns per RPC round trip, median of 5 ($n RPCs each, 12 Python frames deep):"
echo "  session stopped:                 ${m[none]}   (runs: ${t[none]})"
echo "  session, FLUXTRACE_PYFRAMES=0:   ${m[off]}   (runs: ${t[off]})"
echo "  session, Python frames:          ${m[on]}   (runs: ${t[on]})"
awk -v a="${m[off]}" -v b="${m[on]}" -v c="${m[none]}" 'BEGIN {
    printf "  Python frames / without: %.3fx (+%.0f ns per round trip); traced / stopped: %.3fx\n", b / a, b - a, b / c }'
