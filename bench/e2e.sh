#!/bin/bash
# End-to-end cost of tracing on a real flux-core: the bundled KVS workload on a
# 4-rank instance (N commits each followed by a lookup, three watchers on
# ranks 1-3), plain versus under `fluxtrace record` at its defaults, in
# alternated pairs.  Prints each pair, the median ratio and its spread, the
# discarded-event count of every traced run, and the last trace's records by
# kind, and records and bytes per commit-and-lookup.
#   usage: [WORKLOAD=kvs|watch] bench/e2e.sh [PAIRS=5] [N=5000]
#          (from the source tree, after a build)
# WORKLOAD=watch runs the watch-heavy workload instead
# (examples/run-kvs-watch-load.sh: a watcher of all eight keys on every rank).
# Runs in private mount and pid namespaces (tests/lib/lttng-harness.sh): no
# other traced process of this user can join the recording.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/lttng-harness.sh
. bench/pairs-lib.sh
bench_args e2e.sh 5 5000 "$@"
flux=$(command -v flux || echo /opt/flux-core/bin/flux)
[ -x "$flux" ] || { echo "e2e.sh: no flux-core installed" >&2; exit 2; }
ft_harness_enter "$@"
export PATH=$(dirname "$flux"):$PATH
load=$PWD/build/examples/kvs-load
case ${WORKLOAD:-kvs} in
kvs) run=examples/run-kvs-load.sh ;;
watch) run=examples/run-kvs-watch-load.sh ;;
*) echo "e2e.sh: WORKLOAD must be kvs or watch (got '$WORKLOAD')" >&2; exit 2 ;;
esac
work=$FT_TMP
e2e_plain() {
    bench_wall "$work/out" flux start --test-size=4 "$run" "$load" "$n"
}
e2e_traced() {
    rm -rf "$work/trace"
    bench_wall "$work/out" build/bin/fluxtrace record -o "$work/trace" -- \
        flux start --test-size=4 "$run" "$load" "$n"
}
e2e_volume() {
    echo "discarded $(bench_discarded "$work/out"), trace $(du -sm "$work/trace" | cut -f1) MiB"
}
bench_pairs "$pairs" e2e
# The last traced run's volume: records by kind, and per commit-and-lookup.
build/bin/fluxtrace-analyze --summary "$work/trace" >"$work/summary" 2>&1 || true
bytes=$(du -sb "$work/trace" | cut -f1)
awk -v n="$n" -v bytes="$bytes" '
    /^  records: / { total = $2 }
    /^records by name:/ { on = 1; next }
    on && /^  [a-z_:]+ +[0-9]+$/ { count[$1] = $2; next }
    on { on = 0 }
    END {
        for (k in count) printf "  %-30s %9d %5.1f%%\n", k, count[k], 100 * count[k] / total | "sort -k2 -nr"
        close("sort -k2 -nr")
        printf "records %d, %.1f MiB: %.0f records and %.0f bytes per commit-and-lookup\n",
            total, bytes / 1048576, total / n, bytes / n
    }' "$work/summary"
