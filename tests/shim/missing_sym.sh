#!/bin/bash
# f. A real symbol missing from libflux-core (a double built without
# flux_kvs_wait_version): the shim's wrapper fails the call with ENOSYS, and
# the program goes on, traced or merely preloaded.
. "$(dirname "$0")/lib.sh"
shim_enter "$@"

shim_run plain "$FT_PROGRAMS/missing_sym"
[ "$SHIM_STATUS" = 0 ] || ft_fail "missing_sym exited with status $SHIM_STATUS untraced"
grep -qx "flux_kvs_wait_version: absent" "$FT_TMP/plain.out" ||
    ft_fail "flux_kvs_wait_version exists without the shim: wrong library?"

shim_run preloaded env LD_PRELOAD="$FT_PRELOAD" "$FT_PROGRAMS/missing_sym"
[ "$SHIM_STATUS" = 0 ] || ft_fail "missing_sym exited with status $SHIM_STATUS preloaded"
shim_record traced "$FT_PROGRAMS/missing_sym" || ft_fail "missing_sym exited with status $? traced"
for run in preloaded traced; do
    grep -qx "flux_kvs_wait_version: rc=-1 errno=ENOSYS" "$FT_TMP/$run.out" ||
        ft_fail "$run: the call did not fail with ENOSYS: $(cat "$FT_TMP/$run.out")"
    grep -qx "flux_kvs_get_version: rc=0 version=0" "$FT_TMP/$run.out" ||
        ft_fail "$run: the program did not go on"
done
