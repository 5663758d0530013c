#!/bin/bash
# `fluxtrace-analyze -j`: what the threads of the fast reader's check walk
# buy on a real recording.  Figures: docs/analyzer-performance.md.
#
#   bench/analyzer/jobs.sh BUILD_DIR [ROUNDS=2000] [PAIRS=5]
#
# Records the bundled workload (examples/run-kvs-load.sh: a writer on rank 0
# replacing keys ROUNDS times, watchers on ranks 1-3) on a 4-broker real
# flux-core instance at `fluxtrace record` defaults, then runs, PAIRS times
# alternated, each command with -j 1 and with -j 2:
#   read:   ft-analyzer-read --reader fast (the reading layer alone)
#   checks: fluxtrace-analyze (the default RFC 9 checks)
# and prints each one's wall time, the median of the -j 2 / -j 1 ratios with
# their spread, and fails if an output differs between the two.
# Runs in private mount and pid namespaces (tests/lib/lttng-harness.sh).
set -euo pipefail
build=$(readlink -f "${1:?usage: bench/analyzer/jobs.sh BUILD_DIR [ROUNDS] [PAIRS]}")
rounds=${2:-2000} pairs=${3:-5}
[[ $rounds =~ ^[1-9][0-9]*$ ]] && [[ $pairs =~ ^[1-9][0-9]*$ ]] ||
    { echo "jobs.sh: ROUNDS and PAIRS must be positive integers" >&2; exit 2; }
cd "$(dirname "$0")/../.."
. tests/lib/lttng-harness.sh
. bench/pairs-lib.sh
flux=$(command -v flux || echo /opt/flux-core/bin/flux)
[ -x "$flux" ] || ft_skip "no flux-core installed"
analyze=$build/bin/fluxtrace-analyze
reader=$build/bench/analyzer/ft-analyzer-read
for f in "$build/bin/fluxtrace" "$analyze" "$reader" "$build/examples/kvs-load"; do
    [ -x "$f" ] || ft_fail "$f is missing: build first"
done
ft_harness_enter "$@"
export PATH=$(dirname "$flux"):$PATH
trace=$FT_TMP/trace

"$build/bin/fluxtrace" record -o "$trace" -- flux start --test-size=4 \
    "$PWD/examples/run-kvs-load.sh" "$build/examples/kvs-load" "$rounds" >"$FT_TMP/record.log" 2>&1 ||
    { cat "$FT_TMP/record.log" >&2; ft_fail "recording failed"; }
echo "# machine: $(nproc) CPUs; trace: $(du -sh "$trace" | cut -f1)," \
    "$(find "$trace" -type f ! -name metadata ! -name '*.json' | wc -l) data files," \
    "$("$reader" --reader fast "$trace" | cut -d' ' -f2) records"

# run NAME J CMD...: one run of CMD with -j J (status 0 or 1, findings), its
# stdout kept as $FT_TMP/NAME.J; prints the wall time.
run() {
    local name=$1 j=$2 t0 t1 status=0
    shift 2
    t0=$(date +%s.%N)
    "$@" -j "$j" "$trace" >"$FT_TMP/$name.$j" 2>"$FT_TMP/$name.$j.err" || status=$?
    t1=$(date +%s.%N)
    [ $status -le 1 ] || { cat "$FT_TMP/$name.$j.err" >&2; ft_fail "$name -j $j failed"; }
    echo "$t1 - $t0" | bc -l
}

for bench in read checks; do
    case $bench in
    read) cmd=("$reader" --reader fast) ;;
    checks) cmd=("$analyze" -q) ;;
    esac
    ratios=() line=""
    for _ in $(seq "$pairs"); do
        one=$(run $bench 1 "${cmd[@]}")
        two=$(run $bench 2 "${cmd[@]}")
        cmp -s "$FT_TMP/$bench.1" "$FT_TMP/$bench.2" ||
            ft_fail "$bench: the output of -j 2 differs from -j 1"
        line+=$(printf ' %.3f/%.3f' "$one" "$two")
        ratios+=("$(echo "$two / $one" | bc -l)")
    done
    echo "$bench: wall s (-j 1/-j 2):$line"
    echo "$bench: -j 2 / -j 1: $(printf '%s\n' "${ratios[@]}" | bench_median)"
done
