#!/bin/bash
# i. Tracing stopped in the middle of a run: the program (midstop.c) waits at a
# fifo barrier while the test runs `lttng stop`, then finishes normally; the
# trace holds the first half's records only.
. "$(dirname "$0")/lib.sh"
shim_enter "$@"
ft_sessiond_start >/dev/null
ft_session_create midstop "$FT_TMP/midstop.trace"

mkfifo "$FT_TMP/ready" "$FT_TMP/go"
# Opened read-write, neither end blocks the test if the program dies early.
exec 3<>"$FT_TMP/ready" 4<>"$FT_TMP/go"
LD_PRELOAD=$FT_PRELOAD LTTNG_UST_REGISTER_TIMEOUT=30000 \
    "$FT_PROGRAMS/midstop" "$FT_TMP/ready" "$FT_TMP/go" >"$FT_TMP/midstop.out" &
pid=$!
read -r -t 60 -u 3 line || ft_fail "midstop did not reach its barrier"
[ "$line" = ready ] || ft_fail "midstop said '$line' at the barrier"
lttng stop midstop >/dev/null || ft_fail "lttng stop failed"
echo go >&4
status=0
wait "$pid" || status=$?
[ "$status" = 0 ] || ft_fail "midstop exited with status $status after the stop"
grep -qx "second-half done" "$FT_TMP/midstop.out" || ft_fail "midstop did not finish"
lttng destroy midstop >/dev/null || ft_fail "lttng destroy failed"

"$FT_ANALYZE" --dump "$FT_TMP/midstop.trace" >"$FT_TMP/midstop.json" ||
    ft_fail "fluxtrace-analyze --dump cannot read the trace"
shim_check midstop midstop
