#!/bin/bash
# `fluxtrace record` with no session daemon running: it starts one, records a
# real LTTng-UST application into -o DIR with the contexts it promises, exits
# with the command's status, and stops only the daemon it started.  A command
# that cannot run gives 127 and a one-line error, and the session still ends.
. "$(dirname "$0")/record-common.sh"

ft_no_daemon || ft_fail "a session daemon runs before the test"

# pgrep runs without the preload: procps' tools hang in textdomain() with the
# ASan runtime preloaded (google/sanitizers#1096), and it needs no tracing.
"$FLUXTRACE" record -o trace --buffer-mib 8 -- \
    "${FT_UST_SH[@]}" 'LD_PRELOAD= pgrep -x lttng-sessiond >daemons-during; exit 3' >out 2>err
status=$?
cat err
[ "$status" -eq 3 ] || ft_fail "exit status $status, not the command's 3"
[ -s daemons-during ] || ft_fail "no session daemon ran while the command did"
grep -qx "fluxtrace: trace written to $FT_TMP/trace (0 events discarded)" err ||
    ft_fail "no 'trace written' line"
! grep -q warning err || ft_fail "unexpected warning"
metadata=$(ft_trace_metadata trace)
[ "$metadata" = "trace/ust/uid/$(id -u)/64-bit/metadata" ] ||
    ft_fail "no per-uid trace under trace/ust/uid: '$metadata'"
babeltrace2 trace >events.txt || ft_fail "babeltrace2 cannot read the trace"
# The statedump runs in LTTng-UST's own thread, named after the process.
grep -Eq 'lttng_ust_statedump:procname: .*\{ vpid = [0-9]+, vtid = [0-9]+, procname = "sh-ust" \}, \{ procname = "sh" \}' \
    events.txt || ft_fail "no statedump of sh with vpid, vtid and procname contexts"
ft_wait_for 10 ft_no_daemon || ft_fail "the daemon record started is still running"
echo "ok: exit status 3, $(wc -l <events.txt) events, daemon stopped"

"$FLUXTRACE" record -o trace127 -- ./no-such-command >out 2>err
status=$?
cat err
[ "$status" -eq 127 ] || ft_fail "exit status $status for a missing command, not 127"
[ "$(grep -c 'cannot execute' err)" -eq 1 ] || ft_fail "not one 'cannot execute' line"
grep -q '^fluxtrace: cannot execute ./no-such-command: No such file or directory$' err ||
    ft_fail "the error does not name the command and the cause"
grep -q "trace written to $FT_TMP/trace127" err || ft_fail "the session was not stopped"
ft_wait_for 10 ft_no_daemon || ft_fail "the daemon record started is still running"
echo "ok: exit status 127"
echo PASS
