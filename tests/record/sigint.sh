#!/bin/bash
# SIGINT to a recording: the recorder relays it to the command, survives it,
# stops the session keeping what was recorded, and exits 130 like the command,
# printing nothing about the signal (as a shell does).
# First with a daemon it started (which must not get the signal, and must be
# gone after), then with a running daemon and the signal sent to the whole
# process group, as a terminal's Ctrl-C is.
. "$(dirname "$0")/record-common.sh"

# The command says it is running once LTTng-UST has registered it (the
# constructors of a preload run before main), then becomes a long sleep.
cmd=("${FT_UST_SH[@]}" 'echo $$ >started; exec sleep 30')

# Bash starts background commands with SIGINT ignored, which a recorder (and
# its command) must honour: give them the default, as a terminal's shell does.
record_in_background() {
    env --default-signal=INT "$@" >out 2>err &
    recorder=$!
    ft_wait_for 30 test -s started || ft_fail "the command did not start"
    child=$(cat started)
    ft_wait_for 10 eval '[ "$(cat /proc/$child/comm 2>/dev/null)" = sleep ]' ||
        ft_fail "the command did not become sleep"
}

check_outcome() { # DIR
    wait "$recorder"
    status=$?
    cat err
    [ "$status" -eq 130 ] || ft_fail "exit status $status, not 130"
    ! kill -0 "$child" 2>/dev/null || ft_fail "the command survived SIGINT"
    # Like a shell, the recorder says nothing of a Ctrl-C that killed it.
    ! grep -q "was killed by signal" err || ft_fail "a line about the SIGINT: $(cat err)"
    grep -qx "fluxtrace: trace written to $FT_TMP/$1 (0 events discarded)" err ||
        ft_fail "no 'trace written' line"
    babeltrace2 "$1" >events.txt || ft_fail "babeltrace2 cannot read the trace"
    grep -q 'lttng_ust_statedump:procname: .*{ procname = "sh" }' events.txt ||
        ft_fail "what was recorded before SIGINT was lost"
}

record_in_background "$FLUXTRACE" record -o trace1 --buffer-mib 8 -- "${cmd[@]}"
private=$(ft_sessiond_pids)
[ -n "$private" ] || ft_fail "record started no session daemon"
kill -INT "$recorder"
check_outcome trace1
ft_wait_for 10 ft_no_daemon || ft_fail "the daemon record started is still running"
echo "ok: SIGINT to the recorder"

rm -f started
daemon=$(ft_sessiond_start)
record_in_background setsid "$FLUXTRACE" record -o trace2 --session ft-sigint \
    --buffer-mib 8 -- "${cmd[@]}"
group=$(ps -o pgid= -p "$child" | tr -d ' ')
[ "$group" != "$(ps -o pgid= -p $$ | tr -d ' ')" ] || ft_fail "setsid made no new group"
kill -INT -- "-$group"
check_outcome trace2
ft_sessiond_alive "$daemon" || ft_fail "SIGINT stopped the running daemon"
! lttng list | grep -q ft-sigint || ft_fail "session ft-sigint was not destroyed"
echo "ok: SIGINT to the process group"
echo PASS
