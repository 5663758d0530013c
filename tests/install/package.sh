#!/bin/bash
# Installed like a real tool: the .deb that cpack builds from this build tree,
# unpacked into a fresh root (dpkg -x, no root needed beyond the harness), must
# hold the tools, the shim and its provider, the man pages, the docs and the
# default suppressions in the GNUInstallDirs layout; name its Debian runtime
# dependencies; need no RPATH into the build tree; and work from there:
# fluxtrace-analyze on the bundled RFC 9 trace (as installed with the docs),
# and `fluxtrace record` finding the installed shim relative to itself while it
# records a real `flux start --test-size=2` KVS put and get (or, without
# flux-core, a program built against the libflux-core test double), analysed by
# the installed fluxtrace-analyze.  Then the same tree installed with
# `cmake --install --prefix` elsewhere, and the build tree's own lookup.
#   usage: package.sh BUILD_DIR FLUX_COMMAND DOUBLE_PROGRAM
# FLUX_COMMAND and DOUBLE_PROGRAM may be empty; with neither, no recording is
# made and the test SKIPs after the package checks.
. "$(dirname "$0")/../lib/lttng-harness.sh"
build=${1:?usage: $0 BUILD_DIR FLUX_COMMAND DOUBLE_PROGRAM}
flux=${2:-}
double_program=${3:-}
src=$(cd "$(dirname "$0")/../.." && pwd)
for tool in cpack dpkg-deb dpkg man readelf babeltrace2; do
    command -v "$tool" >/dev/null || ft_skip "$tool is not installed"
done
ft_harness_enter "$@"
build=$(realpath "$build")
export LC_ALL=C
unset FLUXTRACE_LIBDIR

# ---- the package ------------------------------------------------------------
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$FT_TMP/pkg" >"$FT_TMP/cpack.log" 2>&1 ||
    { cat "$FT_TMP/cpack.log"; ft_fail "cpack -G DEB failed"; }
debs=("$FT_TMP"/pkg/fluxtrace_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || ft_fail "cpack made no single fluxtrace_*.deb: ${debs[*]}"
deb=${debs[0]}
echo "ok: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

dpkg-deb -I "$deb" >"$FT_TMP/info" || ft_fail "dpkg-deb -I $deb failed"
depends=$(sed -n 's/^ Depends: //p' "$FT_TMP/info")
[ -n "$depends" ] || { cat "$FT_TMP/info"; ft_fail "the package has no Depends"; }
# What the binaries link (dpkg-shlibdeps) and the session daemon fluxtrace starts.
for package in liblttng-ust1 liblttng-ctl0 libunwind8 libbabeltrace2-0 libdw1 libxxhash0 \
    libstdc++6 libc6 lttng-tools; do
    echo ", $depends," | grep -Eq "[ ,]${package//+/\\+}( \([^)]*\))?," ||
        ft_fail "Depends lacks $package: $depends"
done
echo "ok: Depends: $depends"

root=$FT_TMP/root
dpkg -x "$deb" "$root" || ft_fail "dpkg -x failed"
prefix=$root/usr
[ -d "$prefix" ] || ft_fail "the package installs nothing under /usr"
analyze=$prefix/bin/fluxtrace-analyze
fluxtrace=$prefix/bin/fluxtrace
for f in "$fluxtrace" "$analyze"; do
    [ -x "$f" ] || ft_fail "${f#"$root"} is not in the package"
done
mapfile -t shims < <(find "$root" -name libfluxtrace.so)
[ ${#shims[@]} -eq 1 ] || ft_fail "expected one libfluxtrace.so in the package, found: ${shims[*]}"
shim=${shims[0]}
case $shim in
"$prefix"/lib/fluxtrace/libfluxtrace.so | "$prefix"/lib/*-linux-*/fluxtrace/libfluxtrace.so) ;;
*) ft_fail "libfluxtrace.so is not in <libdir>/fluxtrace: ${shim#"$root"}" ;;
esac
[ -f "$(dirname "$shim")/libfluxtrace-tp.so" ] ||
    ft_fail "the provider libfluxtrace-tp.so is not beside ${shim#"$root"}"
for page in fluxtrace fluxtrace-record fluxtrace-analyze; do
    [ -f "$prefix/share/man/man1/$page.1.gz" ] ||
        ft_fail "no man page ${page}(1) in the package (is rst2man, python3-docutils, installed?)"
done
doc=$prefix/share/doc/fluxtrace
for f in README.md docs/reports.md docs/analyzer.md docs/events.md \
    examples/traces/rfc9-tour-4rank.tar.xz; do
    [ -f "$doc/$f" ] || ft_fail "${doc#"$root"}/$f is not in the package"
done
supp_count=0
for supp in "$src"/suppressions/*.supp; do
    [ -f "$supp" ] || continue
    cmp -s "$supp" "$prefix/share/fluxtrace/suppressions/$(basename "$supp")" ||
        ft_fail "suppressions/$(basename "$supp") is not installed in share/fluxtrace/suppressions"
    supp_count=$((supp_count + 1))
done
echo "ok: layout (shim in ${shim#"$prefix"/}, $supp_count default suppression files)"

# No RPATH into the build tree (none at all, or relative to $ORIGIN), and every
# library found on the default path.
while read -r elf; do
    rpath=$(readelf -d "$elf" | sed -n 's/.*(R\(UN\)\?PATH).*\[\(.*\)\]/\2/p')
    for dir in ${rpath//:/ }; do
        case $dir in
        '$ORIGIN' | '$ORIGIN'/*) ;;
        *) ft_fail "${elf#"$root"} has the RPATH $dir" ;;
        esac
    done
    ! ldd "$elf" | grep -q 'not found' || { ldd "$elf"; ft_fail "${elf#"$root"}: libraries not found"; }
done < <(find "$prefix" -type f \( -name '*.so' -o -perm -u+x \) -exec sh -c \
    'head -c4 "$1" | grep -q ELF' sh {} \; -print)
echo "ok: no RPATH outside \$ORIGIN, every library found"

# ---- man pages: rendered, and every option the programs have documented -----------
# options_of HELPFILE: the long and short option names a --help lists.
options_of() {
    grep -oE -- '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' "$1" | sed 's/^[ ,]//' | sort -u
}
check_page() {
    local page=$1 help=$2 text=$FT_TMP/$1.txt option
    MANWIDTH=80 man -l "$prefix/share/man/man1/$page.1.gz" >"$text" 2>"$FT_TMP/$page.err" ||
        { cat "$FT_TMP/$page.err"; ft_fail "man -l cannot render $page(1)"; }
    [ ! -s "$FT_TMP/$page.err" ] || { cat "$FT_TMP/$page.err"; ft_fail "man -l warns on $page(1)"; }
    for section in NAME SYNOPSIS DESCRIPTION OPTIONS 'EXIT STATUS' RESOURCES 'SEE ALSO'; do
        grep -qx "$section" "$text" || ft_fail "$page(1) has no $section section"
    done
    grep -q "^ *$page - " "$text" || ft_fail "$page(1): NAME does not name $page"
    while read -r option; do
        grep -Eq -- "(^|[ ,])$option([=, ]|\$)" "$text" ||
            ft_fail "$page(1) does not document $option (from --help)"
    done < <(options_of "$help")
    echo "ok: $page(1): $(options_of "$help" | wc -l) options, $(wc -l <"$text") lines"
}
"$fluxtrace" --help >"$FT_TMP/fluxtrace.help" || ft_fail "installed fluxtrace --help failed"
"$fluxtrace" record --help >"$FT_TMP/record.help" || ft_fail "installed fluxtrace record --help failed"
"$analyze" --help >"$FT_TMP/analyze.help" || ft_fail "installed fluxtrace-analyze --help failed"
check_page fluxtrace "$FT_TMP/fluxtrace.help"
check_page fluxtrace-record "$FT_TMP/record.help"
check_page fluxtrace-analyze "$FT_TMP/analyze.help"

# ---- the installed analyzer on the bundled trace (from the installed docs) ------
tour=$FT_TMP/tour
mkdir -p "$tour" "$FT_TMP/empty-root"
tar -C "$tour" -xJf "$doc/examples/traces/rfc9-tour-4rank.tar.xz" || ft_fail "cannot unpack the tour"
status=0
# The tour is of format 1 (no flux-core version): the installed 0.88 file is
# named, as README tells.
"$analyze" -q --suppressions "$prefix/share/fluxtrace/suppressions/flux-core-0.88.supp" \
    --sysroot "$FT_TMP/empty-root" --no-system-debug-dir "$tour" \
    >"$FT_TMP/tour.out" 2>"$FT_TMP/tour.err" || status=$?
[ "$status" -eq 1 ] || { cat "$FT_TMP/tour.err"; ft_fail "fluxtrace-analyze on the tour: exit status $status, not 1 (findings)"; }
# The report is the golden one (durations normalized as workload_golden.sh does).
sed -E 's/\((longest )?[0-9.]+ (ns|us|ms|s)\)/(\1<duration>)/g' "$FT_TMP/tour.out" |
    diff -u "$src/tests/checkers/golden/rfc9-tour-4rank.txt" - >"$FT_TMP/tour.diff" ||
    { cat "$FT_TMP/tour.diff"; ft_fail "the installed analyzer's tour report differs from the golden one"; }
echo "ok: installed fluxtrace-analyze on the tour: $(tail -1 "$FT_TMP/tour.out")"

# ---- the installed recorder -----------------------------------------------------
# record_with FLUXTRACE NAME CMD...: records CMD; the shim the command got (its
# LD_PRELOAD, whose first entry fluxtrace sets) in $FT_TMP/NAME.preload.
record_with() {
    local tool=$1 name=$2
    shift 2
    "$tool" record -o "$FT_TMP/$name" -- sh -c 'printf "%s\n" "${LD_PRELOAD%%:*}" >"$0"; exec "$@"' \
        "$FT_TMP/$name.preload" "$@" >"$FT_TMP/$name.out" 2>"$FT_TMP/$name.err" ||
        { cat "$FT_TMP/$name.out" "$FT_TMP/$name.err"; ft_fail "$tool record ($name) failed"; }
}
if [ -n "$flux" ] && [ -x "$flux" ]; then
    workload="a real flux start --test-size=2 KVS put and get"
    PATH=$(dirname "$flux"):$PATH record_with "$fluxtrace" kvs \
        flux start --test-size=2 sh -c \
        'flux kvs put fluxtrace.install=installed && flux kvs get fluxtrace.install'
    grep -qx installed "$FT_TMP/kvs.out" || { cat "$FT_TMP/kvs.out"; ft_fail "flux kvs get did not print the value put"; }
    key=fluxtrace.install mode=flux
elif [ -n "$double_program" ] && [ -x "$double_program" ]; then
    workload="$(basename "$double_program") against the libflux-core test double"
    record_with "$fluxtrace" kvs "$double_program"
    key=cov.key mode=double
else
    ft_skip "the package checks passed; no flux-core and no test-double program to record"
fi
[ "$(cat "$FT_TMP/kvs.preload")" = "$(realpath "$shim")" ] ||
    ft_fail "the installed fluxtrace preloaded $(cat "$FT_TMP/kvs.preload"), not ${shim#"$root"}"
grep -q '(0 events discarded)' "$FT_TMP/kvs.err" || { cat "$FT_TMP/kvs.err"; ft_fail "events were discarded"; }
[ -f "$FT_TMP/kvs/fluxtrace-symbols.json" ] ||
    { cat "$FT_TMP/kvs.err"; ft_fail "the installed fluxtrace saved no symbols (fluxtrace-analyze beside it)"; }
"$analyze" --dump "$FT_TMP/kvs" >"$FT_TMP/kvs.jsonl" ||
    ft_fail "the installed fluxtrace-analyze cannot read the recording"
python3 - "$FT_TMP/kvs.jsonl" "$key" "$mode" <<'PY' || ft_fail "the recording lacks the KVS put and get"
import base64, json, sys
records = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
key, mode = sys.argv[2], sys.argv[3]
REQUEST, RESPONSE = 1, 2


def payload(r):
    try:
        return json.loads(bytes.fromhex(r.get("payload", "")).rstrip(b"\0"))
    except ValueError:
        return None


if mode == "flux":
    # `flux kvs` carries its own flux_kvs_* (docs/visibility.md): its put and
    # get are seen as messages, decoded from their payloads.
    kvs_cmd = {r["vpid"] for r in records
               if r["name"] == "process" and r["exe"].endswith("/flux-kvs")}
    sent = [r for r in records if r["name"] == "msg" and r["vpid"] in kvs_cmd]
    commits = [r for r in sent if r["topic"] == "kvs.commit" and r["type"] == REQUEST
               and any(op.get("key") == key for op in (payload(r) or {}).get("ops", []))]
    lookups = [r for r in sent if r["topic"] == "kvs.lookup" and r["type"] == REQUEST
               and (payload(r) or {}).get("key") == key]
    values = [r for r in sent if r["topic"] == "kvs.lookup" and r["type"] == RESPONSE
              and base64.b64decode((payload(r) or {}).get("val", {}).get("data", ""))
              == b"installed"]
    brokers = {r["vpid"] for r in records
               if r["name"] == "process" and r["exe"].endswith("/flux-broker")}
    received = [r for r in records if r["name"] == "msg" and r["vpid"] in brokers
                and r["topic"] == "kvs.commit" and r["type"] == REQUEST
                and r["payload_hash"] in {c["payload_hash"] for c in commits}]
    found = {"commit requests": commits, "lookup requests": lookups,
             "lookup responses with the value": values,
             "commits received by a broker": received}
else:
    found = {"puts": [r for r in records if r["name"] == "kvs_txn"
                      and r.get("key") == key and r.get("op") in (2, 3, 4)],
             "lookups": [r for r in records if r["name"] == "kvs_lookup"
                         and r.get("key") == key],
             "values": [r for r in records if r["name"] == "kvs_value"]}
missing = [what for what, rs in found.items() if not rs]
if missing:
    print(f"{len(records)} records, none of: {', '.join(missing)} ({key})", file=sys.stderr)
    sys.exit(1)
PY
status=0
"$analyze" -q --summary "$FT_TMP/kvs" >"$FT_TMP/kvs.summary" 2>&1 || status=$?
[ "$status" -eq 0 ] || { cat "$FT_TMP/kvs.summary"; ft_fail "fluxtrace-analyze --summary: exit status $status"; }
echo "ok: installed fluxtrace record on $workload, read back by the installed fluxtrace-analyze"

# ---- any prefix: cmake --install elsewhere; the build tree's own lookup ---------
local_prefix=$FT_TMP/any/prefix
cmake --install "$build" --prefix "$local_prefix" >"$FT_TMP/install.log" 2>&1 ||
    { cat "$FT_TMP/install.log"; ft_fail "cmake --install --prefix failed"; }
local_shim=$(find "$local_prefix" -name libfluxtrace.so)
[ -n "$local_shim" ] || ft_fail "cmake --install put no libfluxtrace.so under $local_prefix"
record_with "$local_prefix/bin/fluxtrace" local true
[ "$(cat "$FT_TMP/local.preload")" = "$(realpath "$local_shim")" ] ||
    ft_fail "fluxtrace installed in $local_prefix preloaded $(cat "$FT_TMP/local.preload")"
record_with "$build/bin/fluxtrace" buildtree true
[ "$(cat "$FT_TMP/buildtree.preload")" = "$(realpath "$build/lib/libfluxtrace.so")" ] ||
    ft_fail "the build tree's fluxtrace preloaded $(cat "$FT_TMP/buildtree.preload")"
echo "ok: the shim found relative to fluxtrace under another prefix and in the build tree"
echo PASS
