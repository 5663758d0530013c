#!/bin/bash
# fluxtrace-analyze on the fixtures: --dump as JSON lines, --summary against
# expect/*.expect, exit codes and one-line errors.  Run from fixtures/:
#   cli_test.sh path/to/fluxtrace-analyze
# UPDATE_EXPECT=1 rewrites the .expect files (after re-recording fixtures).
set -u
analyze=$1
expect=$(cd "$(dirname "$0")" && pwd)/expect
command -v jq >/dev/null || { echo "jq not found: skipped"; exit 77; }

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
check() { # check DESCRIPTION ACTUAL WANTED
    [ "$2" == "$3" ] || fail "$1: got '$2', want '$3'"
}
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
run() {
    "$analyze" "$@" >"$out" 2>"$err"
    rc=$?
}
compare() { # compare EXPECT-FILE ACTUAL-FILE
    if [ -n "${UPDATE_EXPECT:-}" ]; then
        cp "$2" "$expect/$1"
    elif ! diff -u "$expect/$1" "$2"; then
        fail "output differs from $1"
    fi
}
q() { jq -c "$1" "$out"; }

# --dump: one JSON object per fluxtrace record, header keys first.
run --dump normal
check "dump rc" "$rc" 0
check "dump records" "$(wc -l <"$out")" 142
check "dump valid JSON" "$(jq -c . "$out" | wc -l)" 142
check "header keys" "$(q 'keys_unsorted[0:6]' | sort -u)" '["name","ts","vpid","vtid","procname","src"]'
check "no other provider" "$(q 'select(.name | contains(":"))' | wc -l)" 0
check "first record" "$(q 'select(.name=="process") | [.format_version, .flux_uri]')" \
    '[1,"local:///run/flux/local"]'
send='select(.name=="msg" and .op==0)'
check "msg handle" "$(q "$send | .h")" '"0xabc000"'
check "msg matchtag" "$(q "$send | .matchtag")" 7
check "msg payload" "$(q "$send | .payload")" "\"$(printf '{"key":"a.b"}' | od -An -tx1 | tr -d ' \n')\""
check "msg stack" "$(q "$send | .stack")" '["0x401000","0x7f0000001234","0x7f00000abcde"]'
check "no length fields" "$(q "$send | has(\"_stack_length\")")" false
check "empty sequences" "$(q 'select(.name=="msg" and .op==2) | [.payload, .stack]')" '["",[]]'
check "real" "$(q 'select(.name=="future") | .timeout')" 2.5
check "negative" "$(q 'select(.name=="kvs_result") | .seq')" -3
check "bytes" "$(q 'select(.name=="event_pub") | .payload')" '"00ff10"'
check "build id" "$(q 'select(.name=="dso") | .build_id')" '"deadbeef01020304"'
check "threads" "$(q 'select(.name=="cb_end") | .vtid' | sort -u | wc -l)" 1
check "procname" "$(q '.procname' | sort -u)" '"prog"'
check "time order" "$(q '.ts' | sort -n -c && echo sorted)" sorted

# Several hosts: one source each, in the order given.
run --dump normal other-host
check "two hosts rc" "$rc" 0
check "sources" "$(q '.src' | uniq -c | awk '{print $1 ":" $2}' | tr '\n' ' ')" "142:0 4:1 "

# --summary (the default is the RFC 9 checks: tests/report).
run --summary normal
check "summary rc" "$rc" 0
compare summary-normal.expect "$out"

# Damaged and lossy traces are read as far as they go, with warnings.
run --summary truncated
check "truncated rc" "$rc" 0
compare summary-truncated.expect "$out"
compare warnings-truncated.expect "$err"
run --summary --quiet truncated
check "quiet" "$(cat "$err")" ""
run --summary discarded
check "discarded rc" "$rc" 0
check "discarded warning" "$(cat "$err")" \
    "fluxtrace-analyze: warning: discarded: discarded/ust/uid/0/64-bit/c_0: $(grep -o '[0-9]* discarded events' "$out" | cut -d' ' -f1) events and 0 packets lost while recording"

# Unusable input: exit 2 and one line naming the path and the cause.
run empty
check "empty rc" "$rc" 2
check "empty" "$(cat "$err")" "fluxtrace-analyze: empty: no events in the trace"
run tracef
check "tracef rc" "$rc" 2
check "tracef" "$(cat "$err")" \
    "fluxtrace-analyze: tracef: no fluxtrace records (3 records of other providers: lttng_ust_tracef:event)"
run badversion
check "badversion rc" "$rc" 2
check "badversion" "$(sed -E 's/vpid [0-9]+/vpid N/' "$err")" \
    "fluxtrace-analyze: badversion: fluxtrace format_version 99 (vpid N); this analyzer reads versions 1 to 6"
run --dump normal no-such-dir
check "missing rc" "$rc" 2
check "missing" "$(cat "$err")" "fluxtrace-analyze: no-such-dir: no such file or directory"
check "missing: nothing read" "$(wc -c <"$out")" 0
run gen
check "no trace rc" "$rc" 2
check "no trace" "$(cat "$err")" "fluxtrace-analyze: gen: no CTF trace (no \`metadata\` file) under it"

# Usage.
run
check "usage rc" "$rc" 2
check "usage one line" "$(wc -l <"$err")" 1
check "usage" "$(cut -c1-19 "$err")" "fluxtrace-analyze: "
run --bogus normal
check "bad option rc" "$rc" 2
run -j many normal
check "bad -j rc" "$rc" 2
check "bad -j" "$(cat "$err")" \
    "fluxtrace-analyze: --jobs: Value many not in range 0 to 4096 (see --help)"
run -j 1 --summary normal
check "-j 1 rc" "$rc" 0
cp "$out" "$out.j1"
run -j 0 --summary normal
check "-j 0 = -j 1" "$(cmp -s "$out" "$out.j1" && echo same)" same
run --help
check "help rc" "$rc" 0

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "all CLI checks passed"
