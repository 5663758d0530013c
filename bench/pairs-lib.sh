# shellcheck shell=bash
# pairs-lib.sh: what the plain-versus-traced benchmarks share (e2e.sh,
# multihost.sh).  Source it.

# bench_args NAME PAIRS N [ARG...]: sets pairs and n from the script's
# arguments ARG... (by default PAIRS and N); a usage error (status 2) unless
# both are positive integers.
bench_args() {
    local name=$1
    pairs=${4:-$2} n=${5:-$3}
    [[ $pairs =~ ^[1-9][0-9]*$ ]] && [[ $n =~ ^[1-9][0-9]*$ ]] || {
        echo "$name: PAIRS and N must be positive integers (got '$pairs' '$n')" >&2
        exit 2
    }
}

# bench_wall LOG COMMAND...: runs COMMAND, its output into LOG, and prints its
# wall time in seconds; on failure shows LOG and exits 1.
bench_wall() {
    local log=$1 t0 t1
    shift
    t0=$(date +%s.%N)
    "$@" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
}

# bench_median: the median, minimum and maximum of the ratios on stdin, one a
# line, as one line.
bench_median() {
    sort -g | awk '{ a[NR] = $1 } END {
        m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        printf "median ratio %.3f (min %.3f, max %.3f) over %d pairs\n", m, a[1], a[NR], NR }'
}

# bench_discarded LOG...: the events discarded that the recorders' lines in
# LOG... report ("fluxtrace: trace ... (N events discarded)"), summed, and how
# many recorders reported, as "SUM (K recorders)".
bench_discarded() {
    cat "$@" | sed -nE 's/^fluxtrace: trace .*\(([0-9]+) events discarded\).*/\1/p' |
        awk '{ sum += $1 } END { printf "%d (%d recorder%s)\n", sum, NR, NR == 1 ? "" : "s" }'
}

# bench_pairs PAIRS NAME: PAIRS alternated runs of the functions NAME_plain
# and NAME_traced (each runs its command once and prints its wall time, as
# bench_wall does), one line per pair with what NAME_volume prints after the
# traced run (its discarded events and trace size, if it prints any), then
# the median ratio.
bench_pairs() {
    local pairs=$1 name=$2 i plain traced ratio volume ratios=()
    for i in $(seq "$pairs"); do
        plain=$("${name}_plain")
        traced=$("${name}_traced")
        ratio=$(echo "$traced / $plain" | bc -l)
        ratios+=("$ratio")
        volume=$("${name}_volume")
        printf 'pair %d: plain %.2f s, traced %.2f s, ratio %.3f%s\n' \
            "$i" "$plain" "$traced" "$ratio" "${volume:+, $volume}"
    done
    printf '%s\n' "${ratios[@]}" | bench_median
}
