#!/bin/sh
# `--format sarif` on every committed real trace (the RFC 9 workloads and the
# two bundled traces): each log validates against the SARIF 2.1.0 JSON schema
# and matches the JSON report of the same run (sarif_check.py); its
# fingerprints are the same whichever decoder read the trace; the exit status
# is the text report's.  The schema comes from scripts/deps.sh (no Debian
# package ships it): without it, or without python3-jsonschema, SKIP.
#   sarif_test.sh FLUXTRACE_ANALYZE SOURCE_DIR
set -u
tool=$1 src=$2
schema=${SARIF_SCHEMA:-${XDG_CACHE_HOME:-$HOME/.cache}/fluxtrace/sarif-2.1.0-rtm.5.json}
if [ ! -s "$schema" ]; then
    echo "SKIP: no SARIF 2.1.0 schema at $schema (scripts/deps.sh fetches it)"
    exit 77
fi
if ! python3 -c 'import jsonschema' 2>/dev/null; then
    echo "SKIP: python3 has no jsonschema module (Debian: python3-jsonschema)"
    exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/empty-root"
supp=$src/suppressions/flux-core-0.88.supp
fail=0 count=0
for tarball in "$src"/tests/workloads/traces/*.tar.xz "$src"/examples/traces/*.tar.xz; do
    name=$(basename "$tarball" .tar.xz)
    dir=$tmp/$name
    mkdir -p "$dir" && tar -xJf "$tarball" -C "$dir" || { echo "FAIL: $name: cannot unpack"; fail=1; continue; }
    set -- -q --suppressions "$supp" --sysroot "$tmp/empty-root" --no-system-debug-dir "$dir"
    "$tool" --format json "$@" >"$tmp/$name.json" 2>"$tmp/err"
    json_status=$?
    "$tool" --format sarif "$@" >"$tmp/$name.sarif" 2>"$tmp/err"
    status=$?
    if [ $status -ne $json_status ] || [ $status -gt 1 ]; then
        echo "FAIL: $name: --format sarif exited $status, --format json $json_status"
        cat "$tmp/err"; fail=1; continue
    fi
    python3 "$src/tests/report/sarif_check.py" "$schema" "$tmp/$name.sarif" "$tmp/$name.json" ||
        { fail=1; continue; }
    count=$((count + 1))
done
[ $count -ge 20 ] || { echo "FAIL: only $count traces checked"; fail=1; }

# Fingerprints come from the finding, not from how the trace was decoded.
tour=$tmp/rfc9-tour-4rank
fingerprints() { grep -o '"fluxtrace/v1": "[0-9a-f]*"' | sort; }
"$tool" --format sarif --reader bt2 -q --suppressions "$supp" --sysroot "$tmp/empty-root" \
    --no-system-debug-dir "$tour" | fingerprints >"$tmp/bt2.fp"
fingerprints <"$tmp/rfc9-tour-4rank.sarif" >"$tmp/fast.fp"
[ -s "$tmp/fast.fp" ] || { echo "FAIL: the tour's log has no fingerprint"; fail=1; }
cmp -s "$tmp/fast.fp" "$tmp/bt2.fp" ||
    { echo "FAIL: fingerprints differ between the readers"; diff "$tmp/fast.fp" "$tmp/bt2.fp"; fail=1; }
echo "$count SARIF logs checked against $schema"
exit $fail
