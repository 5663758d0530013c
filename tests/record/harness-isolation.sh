#!/bin/bash
# The harness isolates even root: a daemon, session and traced application in a
# test's namespaces are invisible to another test's, and the other way round.
# Here the test's own namespaces stand for "the machine" and a nested test for a
# test running on it.
. "$(dirname "$0")/../lib/lttng-harness.sh"
ft_harness_enter "$@"
cd "$FT_TMP" || ft_fail "cannot enter $FT_TMP"

if [ "${1:-}" = --nested ]; then
    # No daemon is reachable here although one runs outside.
    ! lttng list >list.out 2>&1 || ft_fail "the nested test reaches the outer daemon"
    inner=$(ft_sessiond_start)
    ! lttng list | grep -q ft-outer || ft_fail "the outer session is visible"
    ft_session_create ft-inner "$FT_TMP/inner"
    LD_PRELOAD=liblttng-ust-fork.so.1 LTTNG_UST_REGISTER_TIMEOUT=10000 /bin/true
    ft_session_stop ft-inner
    [ -n "$(ft_trace_metadata inner)" ] || ft_fail "the application did not reach the inner daemon"
    echo "ok: nested daemon $inner used"
    exit 0
fi

outer=$(ft_sessiond_start)
lttng create ft-outer --no-output >/dev/null || ft_fail "lttng create failed"
ft_session_create ft-outer-trace "$FT_TMP/outer"
FT_HARNESS_NS='' "$BASH" "$0" --nested || ft_fail "the nested test failed"
ft_sessiond_alive "$outer" || ft_fail "the outer daemon is gone"
lttng list >list.out
grep -q ft-outer list.out || ft_fail "the outer session is gone"
! grep -q ft-inner list.out || ft_fail "the inner session is visible outside"
ft_session_stop ft-outer-trace
[ -z "$(ft_trace_metadata outer)" ] || ft_fail "the inner application reached the outer daemon"
echo PASS
