#!/bin/bash
# The traced command's environment: the shim first in LD_PRELOAD (after the
# sanitizer's runtime in a sanitizer build), then the user's preloads;
# LTTng-UST waits for registration; broker modules are not loaded with
# RTLD_DEEPBIND; --stack and --payload reach the shim; what the user set stays.
# A missing shim is a one-line error before anything starts.  `fluxtrace env`
# prints exactly what record sets: a command run under it sees what it sees
# under record.
. "$(dirname "$0")/record-common.sh"

ft_sessiond_start >/dev/null
libm=$(ldconfig -p | awk '$1 == "libm.so.6" && /x86-64/ { print $NF; exit }')
[ -n "$libm" ] || libm=/lib/x86_64-linux-gnu/libm.so.6

show='echo "$LD_PRELOAD"; echo "$LTTNG_UST_REGISTER_TIMEOUT"; echo "$FLUX_LOAD_WITH_DEEPBIND"'
show="$show"'; echo "${FLUXTRACE_STACK-unset}"; echo "${FLUXTRACE_PAYLOAD-unset}"'

# An instrumented fluxtrace refuses to start when its sanitizer's runtime is
# not first in the library list: it need not be here, where the library before
# it (libm) intercepts nothing.
LD_PRELOAD=$libm ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
    "$FLUXTRACE" record -o t1 -- sh -c "$show" >out 2>err ||
    ft_fail "record failed: $(cat err)"
mapfile -t got <out
[[ ${got[0]} == "$FT_PRELOAD"* ]] || ft_fail "LD_PRELOAD '${got[0]}' does not start with $FT_PRELOAD"
[[ ${got[0]} == *"$libm"* ]] || ft_fail "LD_PRELOAD '${got[0]}' lost $libm"
[ "${got[0]}" = "$FT_PRELOAD:$libm" ] || ft_fail "LD_PRELOAD is '${got[0]}'"
[ "${got[1]}" = 30000 ] || ft_fail "LTTNG_UST_REGISTER_TIMEOUT is '${got[1]}'"
[ "${got[2]}" = 0 ] || ft_fail "FLUX_LOAD_WITH_DEEPBIND is '${got[2]}'"
[ "${got[3]}" = unset ] && [ "${got[4]}" = unset ] ||
    ft_fail "FLUXTRACE_STACK/PAYLOAD set without options: '${got[3]}' '${got[4]}'"
echo "ok: ${got[*]}"

LTTNG_UST_REGISTER_TIMEOUT=-1 FLUX_LOAD_WITH_DEEPBIND=1 FLUXTRACE_STACK=3 \
    "$FLUXTRACE" record -o t2 --stack 64 --payload 65536 -- sh -c "$show" >out 2>err ||
    ft_fail "record failed: $(cat err)"
mapfile -t got <out
[ "${got[*]}" = "$FT_PRELOAD -1 1 64 65536" ] || ft_fail "environment: ${got[*]}"
echo "ok: ${got[*]}"

"$FLUXTRACE" record -o t3 --stack 0 --payload none -- sh -c "$show" >out 2>err ||
    ft_fail "record failed: $(cat err)"
mapfile -t got <out
[ "${got[*]}" = "$FT_PRELOAD 30000 0 0 none" ] || ft_fail "environment: ${got[*]}"
echo "ok: ${got[*]}"

# fluxtrace env: the same environment for a session of one's own.
mapfile -t changed < <(LTTNG_UST_REGISTER_TIMEOUT=-1 FLUX_LOAD_WITH_DEEPBIND=1 \
    FLUXTRACE_STACK=3 "$FLUXTRACE" env --stack 64 --payload 65536)
mapfile -t got < <(LTTNG_UST_REGISTER_TIMEOUT=-1 FLUX_LOAD_WITH_DEEPBIND=1 \
    FLUXTRACE_STACK=3 env "${changed[@]}" sh -c "$show")
[ "${got[*]}" = "$FT_PRELOAD -1 1 64 65536" ] || ft_fail "under fluxtrace env: ${got[*]}"
printf '%s\n' "${changed[@]}" | grep -qx "LTTNG_UST_WITHOUT_BADDR_STATEDUMP=1" ||
    ft_fail "fluxtrace env does not turn the statedump off: ${changed[*]}"
! printf '%s\n' "${changed[@]}" | grep -q "^LTTNG_UST_REGISTER_TIMEOUT=" ||
    ft_fail "fluxtrace env overrides the user's setting: ${changed[*]}"
mapfile -t changed < <("$FLUXTRACE" env --stack 0 --payload none)
mapfile -t got < <(env "${changed[@]}" sh -c "$show")
[ "${got[*]}" = "$FT_PRELOAD 30000 0 0 none" ] || ft_fail "under fluxtrace env: ${got[*]}"
echo "ok: fluxtrace env ${changed[*]}"
status=0
"$FLUXTRACE" env -- true >out 2>err || status=$?
[ "$status" -eq 2 ] && ft_one_line err && grep -q "^fluxtrace env: it takes no command" err ||
    ft_fail "fluxtrace env with a command: status $status, $(cat err)"

mkdir empty-libdir
FLUXTRACE_LIBDIR=$FT_TMP/empty-libdir "$FLUXTRACE" record -o t4 -- touch ran >out 2>err
status=$?
[ "$status" -eq 1 ] || ft_fail "exit status $status without a shim, not 1"
ft_one_line err &&
    grep -q "preload library not found: $FT_TMP/empty-libdir/libfluxtrace.so" err ||
    ft_fail "no one-line error naming the missing shim: $(cat err)"
[ ! -e ran ] && [ ! -e t4 ] || ft_fail "ran without a shim"
lttng list | grep -q 'Currently no available' || ft_fail "a session was left behind"
echo PASS
