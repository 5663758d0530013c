#!/bin/bash
# A long recording of a busy real flux-core instance: does memory stay flat,
# and is anything lost at `fluxtrace record`'s defaults?
#
#   bench/long-recording.sh [SECONDS=600] [EVERY=30]     (after a build)
#   FT_PLAIN=1 bench/long-recording.sh ...                the same, not traced
#
# A 4-rank instance (`flux start --test-size=4`) runs, for SECONDS, rounds of
# the bundled workload's clients without pause: on each rank in turn a writer
# (`kvs-load write 200`, 200 commits each read back) and 50 RPCs
# (`kvs-load rpc 50`), so processes come and go the whole time.  Every EVERY
# seconds it prints the resident memory (RSS, MiB) of the recorder, the session
# daemon, the consumer daemon and the four brokers, and the trace's size; at
# the end the first and last sample of each, the largest, the events discarded,
# and how long `fluxtrace-analyze --summary` took on the trace.  With
# FT_PLAIN=1 the instance runs without the recorder, for the brokers' own
# growth (the workload writes new keys all the time).
# Runs in private mount and pid namespaces (tests/lib/lttng-harness.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600} every=${2:-30}
[[ $seconds =~ ^[1-9][0-9]*$ ]] && [[ $every =~ ^[1-9][0-9]*$ ]] ||
    { echo "long-recording.sh: SECONDS and EVERY must be positive integers" >&2; exit 2; }
. tests/lib/lttng-harness.sh
flux=$(command -v flux || echo /opt/flux-core/bin/flux)
[ -x "$flux" ] || { echo "long-recording.sh: no flux-core installed" >&2; exit 2; }
load=$PWD/build/examples/kvs-load
[ -x "$load" ] && [ -x build/bin/fluxtrace ] || { echo "long-recording.sh: build first" >&2; exit 2; }
ft_harness_enter "$@"
export PATH=$(dirname "$flux"):$PATH
work=$FT_TMP

# The initial program: rounds until the deadline.
cat >"$work/rounds.sh" <<EOF
#!/bin/bash
set -e
end=\$(( \$(date +%s) + $seconds ))
i=0
while [ \$(date +%s) -lt \$end ]; do
    rank=\$(( i % 4 ))
    flux exec -r \$rank "$load" write 200 "round\$i" >/dev/null
    flux exec -r \$rank "$load" rpc 50 >/dev/null
    i=\$(( i + 1 ))
done
echo "rounds: \$i"
EOF
chmod +x "$work/rounds.sh"

if [ "${FT_PLAIN:-0}" = 1 ]; then
    flux start --test-size=4 "$work/rounds.sh" >"$work/out" 2>&1 &
else
    build/bin/fluxtrace record -o "$work/trace" -- flux start --test-size=4 \
        "$work/rounds.sh" >"$work/out" 2>&1 &
fi
recorder=$! # plain: the instance (its `flux start` in the recorder column)

# rss_mib PID...: the summed resident memory of PID... in MiB ("-" if none).
rss_mib() {
    [ $# -gt 0 ] || { echo -; return; }
    ps -o rss= -p "$(echo "$@" | tr ' ' ,)" 2>/dev/null |
        awk '{ s += $1 } END { if (NR) printf "%.1f", s / 1024; else print "-" }'
}
printf '%6s %9s %9s %9s %14s %9s\n' t recorder sessiond consumerd "brokers (4)" "trace MiB"
t0=$(date +%s)
samples=$work/samples
while kill -0 "$recorder" 2>/dev/null; do
    t=$(( $(date +%s) - t0 ))
    brokers=$(pgrep flux-broker | tr '\n' ' ' || true)
    line=$(printf '%6d %9s %9s %9s %14s %9s' "$t" "$(rss_mib "$recorder")" \
        "$(rss_mib $(pgrep -x lttng-sessiond))" "$(rss_mib $(pgrep -x lttng-consumerd))" \
        "$(rss_mib $brokers)" "$(du -sm "$work/trace" 2>/dev/null | cut -f1)")
    echo "$line" | tee -a "$samples"
    for _ in $(seq "$every"); do
        kill -0 "$recorder" 2>/dev/null || break
        sleep 1
    done
done
wait "$recorder" || { cat "$work/out"; echo "long-recording.sh: the recording failed" >&2; exit 1; }
grep -E "^rounds:|events discarded" "$work/out"
echo "first, last and largest sample of each (MiB; samples where it ran):"
awk '{ for (c = 2; c <= 5; c++) if ($c != "-") { if (!(c in first)) first[c] = $c
         last[c] = $c; if ($c + 0 > max[c]) max[c] = $c + 0 } }
     END { split("recorder sessiond consumerd brokers", n, " ");
           for (c = 2; c <= 5; c++) printf "  %-10s %8s %8s %8s\n", n[c - 1], first[c], last[c], max[c] }' \
    "$samples"
[ "${FT_PLAIN:-0}" = 1 ] && exit 0
t1=$(date +%s.%N)
build/bin/fluxtrace-analyze -q --summary "$work/trace" >"$work/summary" 2>&1 || true
t2=$(date +%s.%N)
printf 'trace %s MiB, %s records; fluxtrace-analyze --summary %.1f s\n' \
    "$(du -sm "$work/trace" | cut -f1)" "$(sed -nE 's/^total: ([0-9]+) records.*/\1/p' "$work/summary")" \
    "$(echo "$t2 - $t1" | bc -l)"
