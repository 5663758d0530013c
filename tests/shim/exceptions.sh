#!/bin/bash
# j. A C++ program throwing and catching 100000 exceptions after a flux call
# (which loads the provider and libunwind) works under the shim.  The time the
# throws took, untraced, preloaded and traced, goes to the log; the speed
# comparison itself belongs to bench/.
. "$(dirname "$0")/lib.sh"
shim_enter "$@"

shim_run plain "$FT_PROGRAMS/exceptions"
[ "$SHIM_STATUS" = 0 ] || ft_fail "exceptions exited with status $SHIM_STATUS untraced"
shim_run preloaded env LD_PRELOAD="$FT_PRELOAD" "$FT_PROGRAMS/exceptions"
[ "$SHIM_STATUS" = 0 ] || ft_fail "exceptions exited with status $SHIM_STATUS preloaded"
shim_record traced "$FT_PROGRAMS/exceptions" ||
    ft_fail "exceptions exited with status $? traced"
shim_same_output plain preloaded
shim_same_output plain traced
shim_check traced echo-sent
