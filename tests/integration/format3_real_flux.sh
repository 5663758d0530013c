#!/bin/bash
# A fresh recording (the current trace format) of the reactor_blocking workload
# on a real flux-core is analysed as its committed recording of format 2 was
# (tests/workloads/traces/reactor_blocking-violating.tar.xz): the same
# reactor-blocking findings, and under --latency the same processes with
# reactor busy times and the same callbacks and request topics of the
# workload's client.  The fresh trace must be of the current format: `loop`
# records with their idle-iteration counts, `cb_end` records with
# `duration_ns` alone.  SKIP when flux-core is not installed.
#   usage: format3_real_flux.sh BUILD_DIR FLUX_COMMAND
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/lttng-harness.sh"
build=$(realpath "$1")
flux=${2:-}
ft_require_flux "$flux"
[ -x "$build/workloads/reactor_blocking" ] ||
    ft_skip "the workloads were not built (flux-core headers missing)"
src=$here/../..
supp=$src/suppressions/flux-core-0.88.supp
export PATH=$(dirname "$flux"):$PATH
analyze=$build/bin/fluxtrace-analyze

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/old" "$tmp/empty-root"
tar -xJf "$src/tests/workloads/traces/reactor_blocking-violating.tar.xz" -C "$tmp/old"
"$here/../workloads/record.sh" "$build" reactor_blocking violating "$tmp/new" \
    >"$tmp/record.log" 2>&1 || { cat "$tmp/record.log"; ft_fail "the recorded workload failed"; }
grep -q "(0 events discarded)" "$tmp/record.log" || ft_fail "events were discarded"

failed=0
check() { # WHAT FILE-OLD FILE-NEW: the two must be equal
    if diff -u "$2" "$3"; then
        echo "ok - $1"
    else
        echo "not ok - $1"
        failed=1
    fi
}

# The fresh trace is of the current format.
"$analyze" --dump "$tmp/new" >"$tmp/new.jsonl"
python3 - "$tmp/new.jsonl" <<'EOF' || failed=1
import json, sys
recs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
context = {"name", "ts", "vpid", "vtid", "procname", "src"}
def fields(name):
    return {frozenset(set(r) - context) for r in recs if r["name"] == name}
checks = [
    ("every process record says the current format (5)",
     {r.get("format_version") for r in recs if r["name"] == "process"} == {6}),
    ("cb_end records carry only duration_ns",
     fields("cb_end") == {frozenset({"duration_ns"})}),
    ("loop records carry the iterations without callbacks",
     fields("loop") == {frozenset({"busy_ns", "callbacks", "idle_iterations",
                                   "idle_busy_ns", "idle_max_ns"})}),
]
for what, ok in checks:
    print(("ok - " if ok else "not ok - ") + what)
sys.exit(0 if all(ok for _, ok in checks) else 1)
EOF

for t in old new; do
    # Findings, one line each (what the checker reported, not how long it
    # took); slow callbacks left out: on a busy machine any callback can be.
    "$analyze" -q --slow-callback 0 --suppressions "$supp" --sysroot "$tmp/empty-root" \
        --no-system-debug-dir "$tmp/$t" >"$tmp/$t.report" || [ $? -eq 1 ] ||
        ft_fail "fluxtrace-analyze failed on $t"
    grep '^SUMMARY:' "$tmp/$t.report" | sort -u >"$tmp/$t.findings"
    "$analyze" -q --latency --top 1000 --sysroot "$tmp/empty-root" --no-system-debug-dir \
        "$tmp/$t" >"$tmp/$t.latency" || ft_fail "fluxtrace-analyze --latency failed on $t"
    # The brokers and the client with reactor busy times (how many iterations
    # each had depends on how wake-ups coalesced), and the client's callbacks:
    # name, kind and runs (fixed by the workload).
    awk '/^Reactor busy time/ { on = 1; getline; next }
         on && NF == 0 { on = 0 }
         on && ($1 == "flux-broker" || $1 == "reactor_blocking") { print $1, $2, $3 }' \
        "$tmp/$t.latency" >"$tmp/$t.loops"
    awk '/^Slowest callbacks/ { on = 1; getline; next }
         on && NF == 0 { on = 0 }
         on && $1 == "reactor_blocking" { print $4, $(NF - 4), $(NF - 3) }' \
        "$tmp/$t.latency" | sort >"$tmp/$t.callbacks"
done
check "the same reactor-blocking findings" "$tmp/old.findings" "$tmp/new.findings"
check "reactor busy times of the same brokers and client" "$tmp/old.loops" "$tmp/new.loops"
check "the same callbacks of the client, run as often" "$tmp/old.callbacks" \
    "$tmp/new.callbacks"
[ -s "$tmp/new.findings" ] && [ -s "$tmp/new.loops" ] && [ -s "$tmp/new.callbacks" ] ||
    { echo "not ok - something to compare in each"; failed=1; }
exit $failed
