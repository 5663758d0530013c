#!/bin/bash
# Hostile names from a real flux-core instance: the requeue-storm workload
# (tests/workloads/requeue_storm.c) watching a KVS key that holds a newline
# followed by a forged "SUMMARY:" line, ANSI escape sequences, HTML markup, and
# 64 KiB in all.  The key comes out of every report format without changing
# what the report says:
#   - text: one SUMMARY line per finding (none forged), no escape byte, the
#     key's newline and escapes shown as \x0a and \x1b;
#   - JSON and SARIF: valid documents, and the JSON holds the key exactly as
#     the program wrote it, all 64 KiB;
#   - HTML: the markup escaped, never raw.
# (Invalid UTF-8 cannot be tried here: flux-core refuses such a key, jansson
# failing with ENOMEM; a crafted trace covers it, tests/report.)
# SKIP when flux-core is not installed.
#   usage: hostile_names_real_flux.sh BUILD_DIR FLUX_COMMAND
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/lttng-harness.sh"
build=$(realpath "$1")
flux=${2:-}
[ -n "$flux" ] && [ -x "$flux" ] ||
    ft_skip "no flux-core installed (set FLUX_PREFIX or put flux on PATH, then reconfigure)"
[ -x "$build/workloads/requeue_storm" ] ||
    ft_skip "the workloads were not built (flux-core headers missing)"
export PATH=$(dirname "$flux"):$PATH
analyze=$build/bin/fluxtrace-analyze
supp=$here/../../suppressions/flux-core-0.88.supp

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
padding=$(head -c 65000 /dev/zero | tr '\0' p)
key=$(printf 'rq.hostile\nSUMMARY: fluxtrace: forged\033[31m red \033[0m<script>alert(1)</script>%s' \
    "$padding")
export REQUEUE_STORM_KEY=$key REQUEUE_STORM_ROUNDS=20
"$here/../workloads/record.sh" "$build" requeue_storm violating "$tmp/trace" >"$tmp/record.log" 2>&1 ||
    { cat "$tmp/record.log"; ft_fail "the recorded workload failed"; }
grep -q "(0 events discarded)" "$tmp/record.log" || ft_note "events were discarded"

for format in text json sarif html; do
    status=0
    "$analyze" -q --suppressions "$supp" --format "$format" "$tmp/trace" \
        >"$tmp/report.$format" 2>"$tmp/err.$format" || status=$?
    [ "$status" -eq 1 ] ||
        { cat "$tmp/err.$format"; ft_fail "--format $format exited $status, not 1 (one finding)"; }
done

# Text: the finding's own SUMMARY line only, and nothing a terminal would run.
text=$tmp/report.text
[ "$(grep -c '^SUMMARY:' "$text")" -eq 1 ] || ft_fail "SUMMARY lines: $(grep '^SUMMARY:' "$text" | cut -c1-120)"
grep -q '^SUMMARY: fluxtrace: requeue-storm rq.hostile\\x0aSUMMARY: fluxtrace: forged\\x1b\[31m' "$text" ||
    ft_fail "the key is not shown escaped in the SUMMARY line"
! grep -q "$(printf '\033')" "$text" || ft_fail "an escape byte reached the text report"
! grep -q '^SUMMARY: fluxtrace: forged' "$text" || ft_fail "a forged SUMMARY line"

# JSON and SARIF: valid, and JSON keeps the key whole.
python3 - "$tmp/report.json" "$tmp/report.sarif" "$key" <<'EOF' || ft_fail "JSON or SARIF"
import json, sys
report = json.load(open(sys.argv[1]))
json.load(open(sys.argv[2]))
key = sys.argv[3]
found = []
def walk(v):
    if isinstance(v, dict):
        for x in v.values():
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
    elif isinstance(v, str) and key in v:
        found.append(v)
walk(report)
if not found:
    sys.exit("the JSON report does not hold the key as written (%d bytes)" % len(key))
print("# JSON holds the %d-byte key in %d strings" % (len(key), len(found)))
EOF

# HTML: the markup is text, never a tag.
html=$tmp/report.html
! grep -q '<script>alert(1)</script>' "$html" || ft_fail "raw markup from the key in the HTML report"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$html" || ft_fail "the key's markup is not shown escaped in HTML"
! grep -q "$(printf '\033')" "$html" || ft_fail "an escape byte reached the HTML report"
echo PASS
