#!/bin/bash
# multihost.kvs_4node: a 4-node instance on the test bed (bed.sh), with
# disagreeing trace clocks (node1 -2 h, node2 +37 s, node3 +3 ms, small
# drifts), runs cross-node KVS traffic (kvs_cross.sh).  Asserts: 4 brokers on
# 4 hosts; each node's trace under OUTDIR/<host>, naming its host and a clock
# uuid of its own; the skews visible in the traces (check_bed_trace.py); no
# event discarded; and `fluxtrace-analyze --summary` over the four host
# directories pairing the cross-host requests.  SKIP (77) without flux-core
# or namespaces.  FT_KEEP=1 keeps the recording.
#   usage: kvs_4node.sh BUILD_DIR FLUX_COMMAND
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "$1")
flux=${2:-}
[ -n "$flux" ] && [ -x "$flux" ] ||
    { echo "SKIP: no flux-core installed (set FLUX_PREFIX or put flux on PATH, then reconfigure)"; exit 77; }
analyzer=$build/bin/fluxtrace-analyze
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fluxtrace-multihost.XXXXXX")
if [ -n "${FT_KEEP:-}" ]; then
    trap 'echo "# kept $tmp"' EXIT
else
    trap 'rm -rf "$tmp"' EXIT
fi
out=$tmp/trace
failed=0
fail() {
    echo "FAIL: $*"
    failed=1
}

started=$SECONDS
status=0
"$here/bed.sh" --build "$build" --flux "$flux" --timeout 300 4 "$out" -- \
    "$here/kvs_cross.sh" "$tmp/workload.txt" >"$tmp/bed.log" 2>&1 || status=$?
if [ $status -eq 77 ]; then
    grep '^SKIP' "$tmp/bed.log" || echo "SKIP: bed.sh skipped"
    exit 77
fi
echo "# bed: 4 nodes, status $status, $((SECONDS - started)) s"
if [ $status -ne 0 ]; then
    sed 's/^/# /' "$tmp/bed.log"
    for k in 1 2 3; do sed "s/^/# node$k: /" "$out/bed/node$k.log" 2>/dev/null || true; done
    echo "FAIL: the instance or its initial program failed (status $status)"
    exit 1
fi
sed 's/^/# workload: /' "$tmp/workload.txt"

# The instance: 4 brokers, on 4 distinct hosts, that all read rank 0's write.
grep -qx "size 4" "$tmp/workload.txt" || fail "the instance does not have 4 brokers"
grep -qx "hosts node0 node1 node2 node3 " "$tmp/workload.txt" ||
    fail "the brokers do not run on node0..node3"

# Each node's recorder wrote its own trace and lost nothing.
for k in 0 1 2 3; do
    [ -d "$out/node$k" ] || fail "no trace directory $out/node$k"
    grep -qF "fluxtrace: trace written to $out/node$k (0 events discarded)" \
        "$out/bed/node$k.log" || fail "node$k: the recorder did not report a whole trace"
done

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

# One PATH holding every host's directory: the analyzer finds the hosts from
# the traces (their CTF env hostname), one source each, shown as the host's
# directory: the same summary, byte for byte, as the four PATHs.
"$analyzer" --summary "$out" >"$tmp/one-path.txt" 2>&1 || fail "--summary OUTDIR failed"
cmp -s "$tmp/summary.txt" "$tmp/one-path.txt" ||
    { diff "$tmp/summary.txt" "$tmp/one-path.txt" | head -20; fail "one PATH summarizes otherwise than four"; }
hosts=$("$analyzer" -q --format json "$out" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["summary"]["hosts"]))')
[ "$hosts" = "node0 node1 node2 node3" ] || fail "the JSON summary's hosts are '$hosts'"
echo "# one PATH: the same summary as four, hosts: $hosts"

# No comparison of timestamps across hosts makes or breaks an edge: node1's
# clock moved by a further day (its metadata's clock offset rewritten, same
# digits count) gives the same checks and the same pairing.
cp -a "$out" "$tmp/shifted"
python3 - "$tmp/shifted/node1" <<'PY' || fail "cannot shift node1's clock"
import os, re, sys
day = 86400 * 10**9
shifted = 0
for root, _, files in os.walk(sys.argv[1]):
    if "metadata" not in files:
        continue
    path = os.path.join(root, "metadata")
    data = open(path, "rb").read()
    def later(m):
        new = str(int(m.group(2)) + day).encode()
        assert len(new) == len(m.group(2)), "the offset would change length"
        return m.group(1) + new + b";"
    data, n = re.subn(rb"(\boffset = )(\d+);", later, data)
    shifted += n
    open(path, "wb").write(data)
sys.exit(0 if shifted > 0 else 1)
PY
for args in "" "--format json"; do
    "$analyzer" -q $args "$out" >"$tmp/checks.a" 2>&1
    a=$?
    "$analyzer" -q $args "$tmp/shifted" >"$tmp/checks.b" 2>&1
    b=$?
    [ $a -eq $b ] && cmp -s "$tmp/checks.a" "$tmp/checks.b" ||
        { diff "$tmp/checks.a" "$tmp/checks.b" | head; fail "the checks ($args) changed with node1's clock a day later"; }
done
"$analyzer" --summary "$tmp/shifted" >"$tmp/shifted.txt" 2>&1 || fail "--summary of the shifted trace failed"
grep -v "time span" "$tmp/one-path.txt" | sed "s|$out|OUT|" >"$tmp/a.txt"
grep -v "time span" "$tmp/shifted.txt" | sed "s|$tmp/shifted|OUT|" >"$tmp/b.txt"
cmp -s "$tmp/a.txt" "$tmp/b.txt" ||
    { diff "$tmp/a.txt" "$tmp/b.txt" | head; fail "the summary changed with node1's clock a day later"; }
grep -q "time span" "$tmp/shifted.txt" && ! cmp -s <(grep "time span" "$tmp/one-path.txt") <(grep "time span" "$tmp/shifted.txt") ||
    fail "the shift did not move node1's times: this check shows nothing"
echo "# node1's clock a day later: the same checks and pairing"

echo "# total $((SECONDS - started)) s"
[ $failed -eq 0 ] && echo "PASS" || exit 1
