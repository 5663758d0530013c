#!/bin/bash
# Records examples/traces/rfc9-tour-4rank.tar.xz again, in private mount and
# pid namespaces so that no other traced process of this user joins the session.
#   usage: examples/traces/record-rfc9-tour.sh BUILD_DIR   (needs flux-core)
set -euo pipefail
. "$(dirname "$0")/../../tests/lib/lttng-harness.sh"
build=$(realpath "$1")
flux=$(command -v flux || echo /opt/flux-core/bin/flux)
[ -x "$flux" ] || ft_skip "no flux-core installed"
ft_harness_enter "$@"
export PATH=$(dirname "$flux"):$PATH
here=$(cd "$(dirname "$0")" && pwd)
"$build/bin/fluxtrace" record --stack 8 --buffer-mib 4 -o "$FT_TMP/tour" -- \
    flux start --test-size=4 "$here/../run-rfc9-tour.sh" "$build"
tar -C "$FT_TMP/tour" -cJf "$here/rfc9-tour-4rank.tar.xz" .
ls -l "$here/rfc9-tour-4rank.tar.xz"
