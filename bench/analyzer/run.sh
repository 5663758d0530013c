#!/bin/bash
# Analyzer benchmark (issue 3 section 6).  Figures: docs/analyzer-performance.md.
#
#   bench/analyzer/run.sh BUILD_DIR [RPCS=1000000]
#
# (a) Records a burst of RPCS synchronous RPCs (ft-analyzer-load, linked against
#     the libflux-core test double) with the real shim and LTTng tracer:
#     `fluxtrace record --buffer-mib 512`, about 11.25 records per RPC, so the
#     default makes ~11M records.  Fails if any event was discarded.
# (b) On that trace, one after the other, each pinned to one core (taskset -c 0)
#     under /usr/bin/time -v: babeltrace2's own decoding (`-o dummy`), the
#     reading layer alone (ft-analyzer-read: streaming, then retaining records)
#     with Babeltrace2 and with the fast reader (analyzer/ctf),
#     `fluxtrace-analyze --latency` (streaming consumer) and
#     `fluxtrace-analyze --summary` (full pipeline: every record retained and
#     the happens-before model built) with each reader, and the default run
#     (the RFC 9 checks, on the same model) with the fast reader.  Prints wall and CPU
#     seconds, records/s (by CPU time), the ratio to babeltrace2's rate and
#     peak RSS per record.  The rows the targets are judged on (babeltrace2,
#     --summary and the checks with the fast reader) are the medians of 3 runs.
# (c) Growth with the number of traced clients: a 4-broker real flux-core
#     instance (`flux start --test-size=4`) running N short-lived clients
#     (`kvs-load rpc 4` each, spread over the brokers), N in FT_BENCH_NS
#     (default "4 64 256 1000"); `fluxtrace-analyze --summary` on each trace.
#     Skipped when flux-core or build/examples/kvs-load is missing.
#
# Environment: FT_BENCH_NS (N list for c; "" skips c), FT_BENCH_SKIP_A=1 (only
# c), FT_BENCH_KEEP=DIR (move the traces there).  Runs in private mount and pid
# namespaces (tests/lib/lttng-harness.sh), as root.
set -euo pipefail
build=$(readlink -f "${1:?usage: bench/analyzer/run.sh BUILD_DIR [RPCS]}")
rpcs=${2:-1000000}
cd "$(dirname "$0")/../.."
. tests/lib/lttng-harness.sh
ft_harness_enter "$@"

record=$build/bin/fluxtrace
analyze=$build/bin/fluxtrace-analyze
load=$build/bench/analyzer/ft-analyzer-load
reader=$build/bench/analyzer/ft-analyzer-read
for f in "$record" "$analyze" "$load" "$reader"; do
    [ -x "$f" ] || ft_fail "$f is missing: build first (cmake --build $build)"
done
command -v babeltrace2 >/dev/null || ft_skip "babeltrace2 is not installed"
work=$FT_TMP
ns=${FT_BENCH_NS-4 64 256 1000}

echo "# machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)," \
    "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo);" \
    "$(uname -sr); babeltrace2 $(babeltrace2 --version | sed -n 's/.*Babeltrace \([0-9.]*\).*/\1/p' | head -1)"

# measure NAME CMD...: one run pinned to CPU 0; sets T_WALL T_CPU T_RSS_KB.
measure() {
    local name=$1
    shift
    taskset -c 0 /usr/bin/time -v -o "$work/time.$name" "$@" >"$work/out.$name" 2>"$work/err.$name" ||
        { cat "$work/err.$name" >&2; ft_fail "$name failed"; }
    T_WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, a, ":"); s = 0;
        for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' "$work/time.$name")
    T_CPU=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' \
        "$work/time.$name")
    T_RSS_KB=$(awk -F': ' '/Maximum resident/ {print $2}' "$work/time.$name")
}

# measure_median NAME CMD...: `measure` three times; T_CPU and T_WALL are the
# medians, T_RSS_KB the largest.  For the rows the targets are judged on: CPU
# time on this shared machine moves by up to 20% from one run to the next.
measure_median() {
    local name=$1 cpus=() walls=() rss=0
    shift
    for _ in 1 2 3; do
        measure "$name" "$@"
        cpus+=("$T_CPU")
        walls+=("$T_WALL")
        [ "$T_RSS_KB" -gt "$rss" ] && rss=$T_RSS_KB
    done
    T_CPU=$(printf '%s\n' "${cpus[@]}" | sort -g | sed -n 2p)
    T_WALL=$(printf '%s\n' "${walls[@]}" | sort -g | sed -n 2p)
    T_RSS_KB=$rss
    T_RUNS="${cpus[*]}"
}

# records PATH: the total of fluxtrace-analyze --summary's output file.
summary_records() {
    sed -nE 's/^total: ([0-9]+) records.*/\1/p' "$1" | head -1
}

if [ "${FT_BENCH_SKIP_A:-0}" != 1 ]; then
    echo "## (a) trace: $rpcs RPCs through the test double, fluxtrace record --buffer-mib 512"
    trace=$work/burst
    t0=$(date +%s.%N)
    "$record" record --buffer-mib 512 -o "$trace" -- "$load" "$rpcs" >"$work/rec.out" 2>&1 ||
        { cat "$work/rec.out" >&2; ft_fail "recording failed"; }
    t1=$(date +%s.%N)
    discarded=$(sed -nE 's/.*\(([0-9]+) events discarded\).*/\1/p' "$work/rec.out")
    printf 'recorded in %.1f s, trace %s MiB, %s events discarded\n' "$(echo "$t1 - $t0" | bc -l)" \
        "$(du -sm "$trace" | cut -f1)" "${discarded:-?}"
    [ "${discarded:-1}" = 0 ] || ft_fail "events were discarded: raise --buffer-mib or lower RPCS"

    echo "## (b) decoding rates, one core (taskset -c 0), in this order: one run each, or the median of 3"
    measure bt2 babeltrace2 -o dummy "$trace"
    bt2_cpu=$T_CPU
    measure read "$reader" --reader bt2 "$trace"
    n=$(sed -nE 's/^records ([0-9]+) .*/\1/p' "$work/out.read")
    bt2_rate=$(echo "$n / $bt2_cpu" | bc -l)
    printf '%-48s %10s %8s %8s %12s %9s %10s %9s\n' run records wall_s cpu_s records/s vs_bt2 maxrss_MiB B/record
    row() { # NAME RECORDS
        local rate
        rate=$(echo "$2 / $T_CPU" | bc -l)
        printf '%-48s %10d %8.2f %8.2f %12.0f %9.2f %10.1f %9.1f\n' "$1" "$2" "$T_WALL" "$T_CPU" \
            "$rate" "$(echo "$rate / $bt2_rate" | bc -l)" "$(echo "$T_RSS_KB / 1024" | bc -l)" \
            "$(echo "$T_RSS_KB * 1024 / $2" | bc -l)"
    }
    measure_median bt2 babeltrace2 -o dummy "$trace" # the page cache is warm now
    bt2_cpu=$T_CPU
    bt2_rate=$(echo "$n / $bt2_cpu" | bc -l)
    row "babeltrace2 -o dummy (median of 3)" "$n"
    echo "  (CPU s of the 3 runs: $T_RUNS)"
    measure read "$reader" --reader bt2 "$trace"
    row "ft-analyzer-read bt2 (streaming)" "$n"
    measure read-retain "$reader" --reader bt2 --retain "$trace"
    row "ft-analyzer-read bt2 --retain" "$n"
    measure read-fast "$reader" --reader fast "$trace"
    [ "$(sed -nE 's/^records ([0-9]+) .*/\1/p' "$work/out.read-fast")" = "$n" ] ||
        ft_fail "the fast reader read $(cat "$work/out.read-fast"), Babeltrace2 $n records"
    row "ft-analyzer-read fast (streaming)" "$n"
    measure read-fast-retain "$reader" --reader fast --retain "$trace"
    row "ft-analyzer-read fast --retain" "$n"
    measure latency "$analyze" -q --reader bt2 --latency "$trace"
    row "fluxtrace-analyze bt2 --latency" "$n"
    measure latency-fast "$analyze" -q --reader fast --latency "$trace"
    row "fluxtrace-analyze fast --latency" "$n"
    measure summary "$analyze" -q --reader bt2 --summary "$trace"
    [ "$(summary_records "$work/out.summary")" = "$n" ] ||
        ft_fail "--summary counted $(summary_records "$work/out.summary") records, the reader $n"
    row "fluxtrace-analyze bt2 --summary" "$n"
    measure_median summary-fast "$analyze" -q --reader fast --summary "$trace"
    cmp -s "$work/out.summary" "$work/out.summary-fast" ||
        ft_fail "--summary differs between the fast reader and Babeltrace2"
    row "fluxtrace-analyze fast --summary (median of 3)" "$n"
    echo "  (CPU s of the 3 runs: $T_RUNS)"
    measure_median checks-fast "$analyze" -q --reader fast --error-exitcode 0 "$trace"
    row "fluxtrace-analyze fast, checks (median of 3)" "$n"
    echo "  (CPU s of the 3 runs: $T_RUNS)"
    echo "(records/s and vs_bt2 from CPU time, user+sys; targets: 1500000 records/s, <= 150 B/record)"
    if [ -n "${FT_BENCH_KEEP:-}" ]; then
        mkdir -p "$FT_BENCH_KEEP" && rm -rf "$FT_BENCH_KEEP/burst" && mv "$trace" "$FT_BENCH_KEEP/"
    else
        rm -rf "$trace"
    fi
fi

flux=$(command -v flux || echo /opt/flux-core/bin/flux)
kvs_load=$build/examples/kvs-load
if [ -z "$ns" ]; then
    exit 0
elif [ ! -x "$flux" ] || [ ! -x "$kvs_load" ]; then
    echo "## (c) skipped: needs flux-core and $kvs_load"
    exit 0
fi
export PATH=$(dirname "$flux"):$PATH
echo "## (c) N short-lived clients (kvs-load rpc 4) on a 4-broker flux-core instance"
printf '%6s %10s %10s %8s %9s %8s %10s %9s %7s %s\n' N records processes record_s discarded cpu_s records/s maxrss_MiB B/record client_requests_paired
for n in $ns; do
    trace=$work/clients-$n
    t0=$(date +%s.%N)
    "$record" record -o "$trace" -- flux start --test-size=4 \
        "$PWD/bench/analyzer/clients.sh" "$kvs_load" "$n" >"$work/rec.out" 2>&1 ||
        { cat "$work/rec.out" >&2; ft_fail "recording N=$n failed"; }
    t1=$(date +%s.%N)
    discarded=$(sed -nE 's/.*\(([0-9]+) events discarded\).*/\1/p' "$work/rec.out")
    measure summary "$analyze" -q --summary "$trace"
    records=$(summary_records "$work/out.summary")
    procs=$(sed -nE 's/^ *processes: ([0-9]+).*/\1/p' "$work/out.summary" | head -1)
    paired=$(sed -nE 's/^ *client requests: ([0-9]+) sent, ([0-9]+) paired.*/\2\/\1/p' "$work/out.summary")
    printf '%6d %10d %10s %8.1f %9s %8.2f %10.0f %9.1f %7.0f %s\n' "$n" "$records" "${procs:-?}" \
        "$(echo "$t1 - $t0" | bc -l)" "${discarded:-?}" "$T_CPU" "$(echo "$records / $T_CPU" | bc -l)" \
        "$(echo "$T_RSS_KB / 1024" | bc -l)" "$(echo "$T_RSS_KB * 1024 / $records" | bc -l)" "${paired:-?}"
    if [ -n "${FT_BENCH_KEEP:-}" ]; then
        mkdir -p "$FT_BENCH_KEEP" && rm -rf "$FT_BENCH_KEEP/clients-$n" && mv "$trace" "$FT_BENCH_KEEP/"
    else
        rm -rf "$trace"
    fi
done
