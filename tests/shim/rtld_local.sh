#!/bin/bash
# d. libflux-core dlopened RTLD_LOCAL, the program not linked against it:
# flux_rpc's internal flux_send reaches the shim through the library's PLT, the
# shim finds the real one (dlopen NOLOAD of the SONAME), the RPC works and its
# send is recorded.
. "$(dirname "$0")/lib.sh"
shim_enter "$@"

shim_record rtld "$FT_PROGRAMS/rtld_local" "$FT_DOUBLE" ||
    ft_fail "rtld_local exited with status $?"
grep -qx "echo: rtld-local" "$FT_TMP/rtld.out" || ft_fail "the RPC did not answer"
shim_check rtld echo-sent
