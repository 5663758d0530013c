#!/bin/bash
# Multi-host cost of tracing (docs/performance.md#multi-host): the bundled KVS
# workload (examples/run-kvs-load.sh: N commits each followed by a lookup on
# rank 0, three watchers on ranks 1-3, 20 RPCs) as the initial program of
#   1. an 8-node bed (tests/multihost/bed.sh: each node its own namespaces,
#      broker, session daemon and trace clock), plain (bed.sh --plain) versus
#      recorded, in alternated pairs;
#   2. one host, `flux start --test-size=8`, plain versus `fluxtrace record`,
#      in alternated pairs;
# each pair's wall times and ratio, the median ratio and its spread, the
# events discarded and the trace size; then the time and peak memory of
# `fluxtrace-analyze --summary` and of its default check over the last 8-node
# trace (one PATH) and the last one-host trace, with their records, so that
# the cost per record can be compared.  Both recordings run at `fluxtrace
# record`'s defaults (on the bed, every node has its own buffer budget).
# The 8 nodes share this machine's cores: the bed measures contention too.
#   usage: bench/multihost.sh [PAIRS=3] [N=1000]
# As root, from the source tree, after a build (targets fluxtrace fluxtrace-tp
# fluxtrace-cli fluxtrace-analyze skew_clock kvs-load).  Exits 77 (SKIP) when
# the bed or the LTTng harness cannot run here, 2 on usage errors.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/lttng-harness.sh
. bench/pairs-lib.sh
bench_args multihost.sh 3 1000 "$@"
flux=$(command -v flux || echo /opt/flux-core/bin/flux)
[ -x "$flux" ] || ft_skip "no flux-core installed (put flux on PATH)"
for file in bin/fluxtrace bin/fluxtrace-analyze lib/libskew_clock.so examples/kvs-load; do
    [ -e "build/$file" ] || ft_skip "no build/$file: build it first"
done
[ -x /usr/bin/time ] || ft_skip "/usr/bin/time is not installed (Debian package time)"
ft_harness_enter "$@"
PATH=$(dirname "$flux"):$PATH
export PATH
src=$PWD
build=$PWD/build
analyzer=$build/bin/fluxtrace-analyze
workload=("$src/examples/run-kvs-load.sh" "$build/examples/kvs-load" "$n")
work=$FT_TMP
nodes=8

# The bed, each run into a fresh OUTDIR ($work/bed): its nodes' logs and,
# recorded, their traces.
bed() {
    rm -rf "$work/bed"
    bench_wall "$work/bed.log" tests/multihost/bed.sh --build "$build" --flux "$flux" "$@" \
        "$nodes" "$work/bed" -- "${workload[@]}"
}
bed_plain() { bed --plain; }
bed_traced() { bed --record-opt --buffer-mib=32; } # fluxtrace record's default
bed_volume() {
    echo "discarded $(bench_discarded "$work"/bed/bed/node*.log)," \
        "trace $(du -scm "$work"/bed/node* | tail -1 | cut -f1) MiB"
}

one_plain() {
    bench_wall "$work/one.log" flux start --test-size="$nodes" "${workload[@]}"
}
one_traced() {
    rm -rf "$work/one"
    bench_wall "$work/one.log" "$build/bin/fluxtrace" record -o "$work/one" -- \
        flux start --test-size="$nodes" "${workload[@]}"
}
one_volume() {
    echo "discarded $(bench_discarded "$work/one.log"), trace $(du -sm "$work/one" | cut -f1) MiB"
}

# analyze NAME TRACE [OPTION]: one row of the analyzer's wall, user and system
# seconds and peak resident memory; its output in $work/NAME.out.
analyze() {
    local name=$1 trace=$2 status=0
    shift 2
    /usr/bin/time -f '%e %U %S %M' -o "$work/$name.time" "$analyzer" "$@" "$trace" \
        >"$work/$name.out" 2>&1 || status=$?
    # The check exits 1 when it found something; 2 and above are errors.
    [ "$status" -le 1 ] || {
        cat "$work/$name.out" >&2
        echo "multihost.sh: fluxtrace-analyze $* $trace failed ($status)" >&2
        exit 1
    }
    # The last line: before it, time says when the command exited non-zero.
    tail -n 1 "$work/$name.time" | awk -v name="$name" -v summary="$(sources_records "$name")" '{
        split(summary, s, " ")
        printf "%-14s %7d %9d %7.2f %7.2f %7.2f %8.0f %9.2f %9.2f\n", name, s[1], s[2], $1, $2,
            $3, $4 / 1024, 1e6 * $1 / s[2], 1e6 * ($2 + $3) / s[2] }'
}
# sources_records NAME: "SOURCES RECORDS" of the trace NAME was run on, from
# its --summary (per source: "  records: N ...").
sources_records() {
    awk '/^source [0-9]+: / { sources++ } /^  records: / { records += $2 }
        END { print sources + 0, records + 0 }' "$work/${1%-*}-summary.out"
}

echo "# $nodes nodes on one machine ($(nproc) CPUs), N=$n, $pairs pairs; load: $(uptime)"
echo "## bed: $nodes nodes (bed.sh --plain vs bed.sh, whole bed wall time)"
bench_pairs "$pairs" bed
echo "## one host: flux start --test-size=$nodes (plain vs fluxtrace record)"
bench_pairs "$pairs" one
echo "## fluxtrace-analyze over the last traces ($nodes-node bed as one PATH, one host)"
printf '%-14s %7s %9s %7s %7s %7s %8s %9s %9s\n' "" sources records "wall s" "user s" \
    "sys s" "peak MiB" "wall us/r" "CPU us/r"
for setup in bed one; do
    analyze "$setup-summary" "$work/$setup" --summary
    analyze "$setup-check" "$work/$setup"
done
echo "# load: $(uptime)"
