#!/bin/bash
# Per-call cost of the shim, three ways, in a private LTTng world:
#   no session daemon | a session, no stacks | a session, 16-frame stacks.
# Prints Google Benchmark's table for each; the wrapper's cost is the
# difference between a *_wrapped and its *_direct row.
#   usage: bench/percall.sh [BUILD_DIR=build]
set -euo pipefail
build=$(realpath "${1:-build}")
. "$(dirname "$0")/../tests/lib/lttng-harness.sh"
ft_harness_enter "$@"
bench=$build/bench/percall_bench
export FLUXTRACE_SHIM=$build/lib/libfluxtrace.so
args=(--benchmark_min_time=1 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true)

echo "== no session daemon"
"$bench" "${args[@]}"
ft_sessiond_start
for depth in 0 16; do
    echo "== session, FLUXTRACE_STACK=$depth"
    ft_session_create "percall$depth" "$FT_TMP/trace$depth"
    FLUXTRACE_STACK=$depth "$bench" "${args[@]}"
    ft_session_stop "percall$depth"
done
