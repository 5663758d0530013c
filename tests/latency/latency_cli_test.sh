#!/bin/bash
# fluxtrace-analyze --latency on a committed trace of a real 2-rank instance
# (fixtures/, see its README), against expect/*.expect:
#   latency_cli_test.sh path/to/fluxtrace-analyze
# The golden runs read no binaries of this machine (--sysroot on an empty
# directory), so they print the same everywhere: once with every callback as
# module+offset, once with flux-broker's symbol table given by --debug-dir.
# UPDATE_EXPECT=1 rewrites the .expect files (after re-recording fixtures).
set -u
analyze=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
expect=$here/expect
for tool in tar xz; do
    command -v $tool >/dev/null || { echo "$tool not found: skipped"; exit 77; }
done

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
check() { # check DESCRIPTION ACTUAL WANTED
    [ "$2" == "$3" ] || fail "$1: got '$2', want '$3'"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/kvs-put" "$tmp/empty"
tar -C "$tmp/kvs-put" -xJf "$here/fixtures/kvs-put-2rank.tar.xz"
cd "$tmp"
out=$tmp/out
err=$tmp/err
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

run --latency --sysroot empty kvs-put
check "latency rc" "$rc" 0
check "latency stderr" "$(cat "$err")" ""
compare latency-kvs-put.expect "$out"

# With --summary too: both reports, the summary first.
run --summary --latency --sysroot empty kvs-put
check "summary+latency rc" "$rc" 0
check "summary first" "$(head -1 "$out")" "source 0: kvs-put"
grep -q '^Reactor busy time per loop iteration' "$out" || fail "no latency report after the summary"

# Usage and input errors.
run --latency --top 0 kvs-put
check "top 0 rc" "$rc" 2
run --latency no-such-dir
check "missing rc" "$rc" 2
check "missing" "$(cat "$err")" "fluxtrace-analyze: no-such-dir: no such file or directory"

# On a machine with the very flux-broker that was traced, the recorded paths
# give function, file and line.
# (No flux-core binary or symbol file is committed: the build-id lookup through
# --debug-dir is tested on the project's own test program, tests/symbolize.)
broker=/opt/flux-core/libexec/flux/cmd/flux-broker
if command -v readelf >/dev/null && [ -f "$broker" ] &&
    "$analyze" --dump kvs-put 2>/dev/null | grep '"name":"dso"' | grep -F "$broker" |
    grep -qF "$(readelf -n "$broker" 2>/dev/null | awk '/Build ID:/ {print $3}')"; then
    run --latency --no-system-debug-dir kvs-put
    check "live symbols rc" "$rc" 0
    grep -qE '^  flux-broker +[0-9]+ +[0-9]+  [a-z_]+ \([a-z_]+\.c:[0-9]+\)' "$out" ||
        fail "no callback resolved to function (file:line) with $broker present"
else
    echo "# $broker of the trace not installed: live symbolization not checked"
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "all --latency checks passed"
