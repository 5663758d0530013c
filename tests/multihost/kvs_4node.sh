#!/bin/bash
# multihost.kvs_4node: a 4-node instance on the test bed (bed.sh), with
# disagreeing trace clocks (node1 -2 h, node2 +37 s, node3 +3 ms, small
# drifts), runs cross-node KVS traffic (kvs_cross.sh).  Asserts: 4 brokers on
# 4 hosts; each node's trace under OUTDIR/<host>, naming its host and a clock
# uuid of its own; the skews visible in the traces (check_bed_trace.py) and in
# the analyzer's clock offsets (--summary); no
# event discarded; and `fluxtrace-analyze --summary` over the four host
# directories pairing the cross-host requests.  SKIP (77) without flux-core
# or namespaces.  FT_KEEP=1 keeps the recording.
#   usage: kvs_4node.sh BUILD_DIR FLUX_COMMAND
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "$1")
flux=${2:-}
. "$here/bed-lib.sh"
out=$tmp/trace
started=$SECONDS
bed_record "$out" "$tmp/bed.log" "$here/kvs_cross.sh" "$tmp/workload.txt"
sed 's/^/# workload: /' "$tmp/workload.txt"

# The instance: 4 brokers, on 4 distinct hosts, that all read rank 0's write.
grep -qx "size 4" "$tmp/workload.txt" || fail "the instance does not have 4 brokers"
grep -qx "hosts node0 node1 node2 node3 " "$tmp/workload.txt" ||
    fail "the brokers do not run on node0..node3"

# Each node's recorder wrote its own trace and lost nothing.
bed_whole_traces "$out"

# Hosts, clocks and skews, from the traces themselves.
python3 "$here/check_bed_trace.py" "$analyzer" "$out" || failed=1

# The analyzer, each host's directory as its own PATH.
"$analyzer" --summary "$out/node0" "$out/node1" "$out/node2" "$out/node3" \
    >"$tmp/summary.txt" 2>&1 || fail "fluxtrace-analyze --summary failed"
grep -E "processes: .*brokers|broker rank|client requests|^    (client|module) +(kvs|rexec) " \
    "$tmp/summary.txt" | sed 's/^/# /'
[ "$(grep -c 'discarded: 0 events, 0 packets' "$tmp/summary.txt")" -eq 4 ] ||
    fail "the summary shows discarded events or packets"
grep -q "processes: .*(4 brokers, .*in 1 instance" "$tmp/summary.txt" ||
    fail "the analyzer did not find 4 brokers of one instance"
for k in 0 1 2 3; do
    grep -q "broker rank $k of 4:" "$tmp/summary.txt" || fail "no broker rank $k of 4"
done
# Every client request paired with its server's receive, across hosts too.
grep -Eq "client requests: ([0-9]+) sent, \1 paired with a server-side receive \(100.0%\)" \
    "$tmp/summary.txt" || fail "not every client request was paired"
# The rows that cross hosts: flux exec (rank 0 to ranks 1-3) and the
# followers' kvs modules committing to rank 0's.
pairs() { # pairs REQUESTER SERVICE -> "requests paired responses paired"
    awk -v who="$1" -v svc="$2" '$1 == who && $2 == svc { print $3, $4, $5, $6 }' \
        "$tmp/summary.txt"
}
read -r req paired resp rpaired <<<"$(pairs client rexec)"
[ "${req:-0}" -ge 3 ] && [ "$req" = "$paired" ] && [ "$resp" = "$rpaired" ] ||
    fail "client rexec requests and responses not all paired: ${req:-none} ${paired:-} ${resp:-} ${rpaired:-}"
read -r req paired resp rpaired <<<"$(pairs module kvs)"
[ "${req:-0}" -ge 24 ] && [ "$req" = "$paired" ] ||
    fail "the followers' kvs commits to rank 0 not all paired: ${req:-none} ${paired:-}"

# The summary's clock offsets, from the messages alone, hold each node's
# configured skew (within its error bound, widened by what its drift moved the
# clock during the run) and exclude 0 for a nonzero skew.  Where the offsets
# were fitted with drift (the clocks' drifts moved them more than the
# messages' bounds allow), each fitted drift holds the node's, within its
# error and 1 ppm.
python3 - "$tmp/summary.txt" "$out/bed/nodes.json" <<'PY' ||
import json, re, sys
text = open(sys.argv[1]).read()
bed = json.load(open(sys.argv[2]))
drifting = "the clocks ran at different rates" in text
found = {}
for m in re.finditer(r"^  (node\d+) +node0 +([+-]\d+)\.(\d{6}) s ± ([\d.]+) µs +"
                     r"(?:([+-][\d.]+) ppm ± ([\d.]+) +)?(\d+)$", text, re.M):
    sign = -1 if m.group(2).startswith("-") else 1
    estimate = sign * (abs(int(m.group(2))) * 10**9 + int(m.group(3)) * 1000)
    drift = (float(m.group(5)), float(m.group(6))) if m.group(5) else None
    found[m.group(1)] = (estimate, float(m.group(4)) * 1000, drift)
ok = True
for n in bed["nodes"][1:]:
    host = n["host"]
    if host not in found:
        print("FAIL: no clock offset for " + host); ok = False; continue
    estimate, error, drift = found[host]
    if drifting:
        configured = float(n["drift_ppm"]) - float(bed["nodes"][0]["drift_ppm"])
        print("# {}: drift {:+.2f} ppm ± {:.2f}, configured {:+.2f} ppm".format(
            host, drift[0], drift[1], configured))
        if abs(drift[0] - configured) > drift[1] + 1:
            print("FAIL: {}'s fitted drift misses its own".format(host)); ok = False
    run = (n["end_ns"] or n["start_ns"]) - bed["nodes"][0]["start_ns"]
    slack = abs(float(n["drift_ppm"])) * 1e-6 * run + 1000 # and the printing's 1 µs
    off = abs(estimate - n["skew_ns"])
    print("# {}: clock offset {:+.6f} s ± {:.1f} µs, configured {:+.6f} s (off by {:.1f} µs)".format(
        host, estimate / 1e9, error / 1e3, n["skew_ns"] / 1e9, off / 1e3))
    if off > error + slack:
        print("FAIL: {}'s offset misses its skew".format(host)); ok = False
    if n["skew_ns"] != 0 and abs(estimate) <= error:
        print("FAIL: {}'s offset does not exclude 0".format(host)); ok = False
sys.exit(0 if ok else 1)
PY
    { sed -n '/^clock offsets/,/^$/p' "$tmp/summary.txt" | sed 's/^/# /'; fail "the clock offsets miss the skews"; }

# One PATH holding every host's directory: the analyzer finds the hosts from
# the traces (their CTF env hostname), one source each, shown as the host's
# directory: the same summary, byte for byte, as the four PATHs.
"$analyzer" --summary "$out" >"$tmp/one-path.txt" 2>&1 || fail "--summary OUTDIR failed"
cmp -s "$tmp/summary.txt" "$tmp/one-path.txt" ||
    { diff "$tmp/summary.txt" "$tmp/one-path.txt" | head -20; fail "one PATH summarizes otherwise than four"; }
# (Its exit status says whether there were findings: flux-core's own, on a
# loaded machine, are not this test's business.)
hosts=$({ "$analyzer" -q --format json "$out" || true; } | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["summary"]["hosts"]))')
[ "$hosts" = "node0 node1 node2 node3" ] || fail "the JSON summary's hosts are '$hosts'"
echo "# one PATH: the same summary as four, hosts: $hosts"

# No comparison of timestamps across hosts makes or breaks an edge: node1's
# clock moved by a further day (its metadata's clock offset rewritten, same
# digits count) gives the same checks and the same pairing.
cp -a "$out" "$tmp/shifted"
python3 "$here/shift_clock.py" "$tmp/shifted/node1" || fail "cannot shift node1's clock"
"$here/same_reports.sh" "$analyzer" "$out" "$tmp/shifted" || failed=1
echo "# node1's clock a day later: the same checks and pairing"

echo "# total $((SECONDS - started)) s"
[ $failed -eq 0 ] && echo "PASS" || exit 1
