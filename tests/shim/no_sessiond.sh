#!/bin/bash
# h. No session daemon at all: the coverage program under the shim prints the
# same and exits the same as without it.  Wall times both ways go to the log
# (no assertion on them).
. "$(dirname "$0")/lib.sh"
shim_enter "$@"
[ -z "$(ft_sessiond_pids)" ] || ft_fail "a session daemon runs in the test's namespace"

shim_run plain "$FT_PROGRAMS/cover"
plain_status=$SHIM_STATUS plain_seconds=$SHIM_SECONDS
shim_run preloaded env LD_PRELOAD="$FT_PRELOAD" "$FT_PROGRAMS/cover"
ft_note "cover without the shim: status $plain_status, $plain_seconds s"
ft_note "cover with the shim, no session daemon: status $SHIM_STATUS, $SHIM_SECONDS s"
[ "$plain_status" = 0 ] || ft_fail "cover exited with status $plain_status without the shim"
[ "$SHIM_STATUS" = "$plain_status" ] || ft_fail "exit status $SHIM_STATUS with the shim"
shim_same_output plain preloaded
