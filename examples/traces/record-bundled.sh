#!/bin/bash
# Records examples/traces/kvs-load-4rank.tar.xz again, in private mount and pid
# namespaces so that no other traced process of this user joins the session.
#   usage: examples/traces/record-bundled.sh BUILD_DIR [N=20]   (needs flux-core)
set -euo pipefail
. "$(dirname "$0")/../../tests/lib/lttng-harness.sh"
build=$(realpath "$1")
n=${2:-20}
flux=$(command -v flux || echo /opt/flux-core/bin/flux)
[ -x "$flux" ] || ft_skip "no flux-core installed"
ft_harness_enter "$@"
export PATH=$(dirname "$flux"):$PATH
here=$(cd "$(dirname "$0")" && pwd)
"$build/bin/fluxtrace" record --stack 4 --buffer-mib 4 -o "$FT_TMP/kvs-load" -- \
    flux start --test-size=4 "$here/../run-kvs-load.sh" "$build/examples/kvs-load" "$n"
tar -C "$FT_TMP/kvs-load" -cJf "$here/kvs-load-4rank.tar.xz" .
ls -l "$here/kvs-load-4rank.tar.xz"
