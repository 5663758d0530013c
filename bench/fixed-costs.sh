#!/bin/bash
# What tracing costs apart from the records: the start and end of a recording
# and of every traced process.  In alternated pairs, on a real flux-core:
#   instance  `flux start --test-size=4 true`, plain and under `fluxtrace record`
#             (the recorder's private session daemon, the brokers' and rc
#             scripts' registration with it, the stop, the symbols);
#   process   one short `flux getattr rank` inside a plain instance, run RUNS
#             times, plain and with the shim preloaded while a session records
#             (LTTng-UST's start-up in each process: registration, buffers,
#             statedump), with the environment `fluxtrace record` gives it
#             (STATEDUMP=1: with LTTng-UST's base-address statedump, as before
#             the recorder turned it off).
#   usage: [STATEDUMP=1] [BUFFER_MIB=32] bench/fixed-costs.sh [PAIRS=5] [RUNS=40]
#          (from the source tree, after a build)
# docs/performance.md ("Fixed costs") has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib/lttng-harness.sh
. bench/pairs-lib.sh
bench_args fixed-costs.sh 5 40 "$@"
flux=$(command -v flux || echo /opt/flux-core/bin/flux)
[ -x "$flux" ] || { echo "fixed-costs.sh: no flux-core installed" >&2; exit 2; }
ft_harness_enter "$@"
export PATH=$(dirname "$flux"):$PATH
work=$FT_TMP

echo "== instance: flux start --test-size=4 true"
instance_plain() { bench_wall "$work/out" flux start --test-size=4 true; }
instance_traced() {
    rm -rf "$work/trace"
    bench_wall "$work/out" build/bin/fluxtrace record -o "$work/trace" -- \
        flux start --test-size=4 true
}
instance_volume() { echo "discarded $(bench_discarded "$work/out")"; }
bench_pairs "$pairs" instance

# The per-process pairs run inside one plain instance, against a session of
# this namespace's daemon; the traced runs get the variables the recorder sets
# (`fluxtrace env`).
echo "== process: $n runs of flux getattr rank, in a plain 1-broker instance"
ft_sessiond_start >/dev/null
ft_session_create fixedcosts "$work/ptrace" "${BUFFER_MIB:-32}" # the recorder's default
cat >"$work/process.sh" <<'EOF'
set -euo pipefail
. bench/pairs-lib.sh
runs() {
    local t0 t1
    t0=$(date +%s.%N)
    for _ in $(seq "$N"); do "$@" flux getattr rank >/dev/null; done
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
}
mapfile -t traced_env < <("$FLUXTRACE" env)
[ "${#traced_env[@]}" -gt 0 ] || { echo "fixed-costs.sh: fluxtrace env printed nothing" >&2; exit 1; }
[ "$STATEDUMP" = 0 ] ||
    mapfile -t traced_env < <(printf '%s\n' "${traced_env[@]}" | grep -v '^LTTNG_UST_WITHOUT_BADDR_STATEDUMP=')
process_plain() { runs env; }
process_traced() { runs env "${traced_env[@]}"; }
process_volume() { :; }
bench_pairs "$PAIRS" process
EOF
STATEDUMP=${STATEDUMP:-0} N=$n PAIRS=$pairs FLUXTRACE=$PWD/build/bin/fluxtrace flux start --test-size=1 \
    bash "$work/process.sh"
ft_session_stop fixedcosts
