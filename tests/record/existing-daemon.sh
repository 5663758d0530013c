#!/bin/bash
# `fluxtrace record` with a session daemon already running: it records through
# that daemon, under the session name asked for, in the channel it promises
# (per-uid, discard, sized from --buffer-mib, its three event patterns: the same
# as the harness's ft_session_create), destroys its session and leaves the
# daemon running.
. "$(dirname "$0")/record-common.sh"

daemon=$(ft_sessiond_start)
export -f ft_sessiond_pids

# The helpers run without the preload: procps' pgrep and ps hang in
# textdomain() with the ASan runtime preloaded (google/sanitizers#1096), and
# they need no tracing.
"$FLUXTRACE" record -o trace --session ft-existing --buffer-mib 8 -- \
    bash -c 'unset LD_PRELOAD; ft_sessiond_pids >daemons-during; lttng list >sessions-during
             lttng list ft-existing >config-during' >out 2>err
status=$?
cat err
[ "$status" -eq 0 ] || ft_fail "exit status $status"
[ "$(cat daemons-during)" = "$daemon" ] ||
    ft_fail "daemons during the run: $(tr "\n" " " <daemons-during), expected only $daemon"
grep -q 'ft-existing .*\[active\]' sessions-during ||
    ft_fail "session ft-existing was not active on the running daemon: $(cat sessions-during)"
grep -qx "fluxtrace: trace written to $FT_TMP/trace (0 events discarded)" err ||
    ft_fail "no 'trace written' line"
for line in 'Buffering scheme: per-user' '- fluxtrace: \[enabled\]' \
    'Event-loss mode: +discard' 'fluxtrace:\* \(type: tracepoint\) \[enabled\]' \
    'lttng_ust_statedump:\* \(type: tracepoint\) \[enabled\]' \
    'lttng_ust_lib:\* \(type: tracepoint\) \[enabled\]'; do
    grep -Eq "^ *$line" config-during || ft_fail "the session lacks '$line'"
done
subbuf=$(sed -n 's/^ *Sub-buffer size: *\([0-9]*\) bytes/\1/p' config-during)
count=$(sed -n 's/^ *Sub-buffer count: *\([0-9]*\)/\1/p' config-during)
total=$((subbuf * count * $(ft__possible_cpus)))
((total <= 8 * 1024 * 1024 && total * 2 > 8 * 1024 * 1024)) ||
    ft_fail "buffers of $count x $subbuf bytes per CPU do not fit --buffer-mib 8"
ft_session_create ft-harness "$FT_TMP/harness-trace" 8
lttng list ft-harness >config-harness
diff <(tail -n +3 config-during) <(tail -n +3 config-harness) ||
    ft_fail "fluxtrace record and ft_session_create set up different sessions"
ft_session_stop ft-harness
echo "ok: channel of $count x $subbuf bytes per CPU, as ft_session_create makes"

ft_sessiond_alive "$daemon" || ft_fail "record stopped the daemon it did not start"
lttng list >sessions-after
! grep -q ft-existing sessions-after || ft_fail "session ft-existing was not destroyed"

# The session name is the user's to choose, so it can clash.
lttng create ft-taken --no-output >/dev/null || ft_fail "lttng create failed"
"$FLUXTRACE" record -o trace2 --session ft-taken -- touch ran >out 2>err
status=$?
cat err
[ "$status" -eq 1 ] || ft_fail "exit status $status on a session name clash, not 1"
ft_one_line err && grep -q '^fluxtrace record: cannot create LTTng session ft-taken' err ||
    ft_fail "no one-line error on a session name clash"
[ ! -e ran ] || ft_fail "ran the command without a session"
[ ! -e trace2 ] || ft_fail "left an empty trace directory behind"
ft_sessiond_alive "$daemon" || ft_fail "record stopped the daemon it did not start"
echo PASS
