#!/bin/bash
# Faults while recording: the session daemon killed while the command runs,
# its consumer daemon killed, and the output file system full.  In each, the command's exit status and
# output are unchanged, the recorder says in one line what happened, and the
# analyzer reads what reached the disk before the fault, or says in one line
# why it cannot.  And a relay that is not there,
# refused before the command runs.  And the recorder killed (SIGKILL): its
# trace keeps the marker of an unfinished recording, which the analyzer warns
# of, and the next recorder stops the session it left running, and then the
# session daemon it had started, also when it was killed before it created
# its session.  The command is forced to run on
# past the fault: it waits for a file the test creates only after the fault.
life=${2:?usage: faults.sh FLUXTRACE LIFE STARTER (tests/shim/life, on the libflux-core double; killed-daemon-starter)}
starter=${3:?usage: faults.sh FLUXTRACE LIFE STARTER}
. "$(dirname "$0")/record-common.sh"

# Prints a line, writes `started`, waits for `go`, prints another, exits 3.
cmd=("${FT_UST_SH[@]}" 'echo before; : >started; while [ ! -e go ]; do sleep 0.05; done; echo after; exit 3')

record_until_started() { # OUTDIR [COMMAND...], by default cmd
    local dir=$1
    shift
    [ $# -gt 0 ] || set -- "${cmd[@]}"
    rm -f started go
    "$FLUXTRACE" record -o "$dir" --buffer-mib 8 -- "$@" >out 2>err &
    recorder=$!
    ft_wait_for 30 test -e started || { cat err; ft_fail "the command did not start"; }
}

finish() { # -> status; checks the command's output and status
    : >go
    wait "$recorder"
    status=$?
    cat err
    [ "$status" -eq 3 ] || ft_fail "exit status $status, not the command's 3"
    [ "$(cat out)" = "$(printf 'before\nafter')" ] || ft_fail "the command's output changed: $(cat out)"
}

# 1. The session daemon killed while the command runs.
record_until_started trace1
daemons=$(ft_sessiond_pids)
[ -n "$daemons" ] || ft_fail "record started no session daemon"
kill -KILL $daemons
for d in $daemons; do
    ft_wait_for 10 eval "! ft_sessiond_alive $d" || ft_fail "the session daemon did not die"
done
finish
grep -q "^fluxtrace: the recording broke while the command ran (.*No session daemon" err ||
    ft_fail "the recorder did not say the daemon was lost"
grep -q "^why the recording broke while the command ran (.*No session daemon" \
    trace1/.fluxtrace-recording || ft_fail "the trace's marker does not say why"
# What reached the disk before depends on LTTng: without a switch timer a
# sub-buffer is written when it fills or at stop, and a daemon killed first
# may leave no more than part of the metadata.  Whatever is there, the
# analyzer answers or says in one line why not, and does not crash.
analyze=$(dirname "$FLUXTRACE")/fluxtrace-analyze
status=0
"$analyze" --summary trace1 >summary.txt 2>analyze.err || status=$?
[ "$status" -lt 128 ] && ft_one_line analyze.err &&
    grep -q "^fluxtrace-analyze: trace1: " analyze.err ||
    ft_fail "the analyzer did not answer in one line on what reached the disk (status $status)"
echo "# the analyzer on it: $(cat analyze.err)"
ft_one_line <(grep -v "^fluxtrace: recording session" err) || ft_fail "not one line about it"
echo "ok: session daemon killed"

# 1b. The consumer daemon killed while the command runs (the session daemon
# lives on, and cannot stop the session).
record_until_started trace1b
pgrep -r R,S,D -x lttng-consumerd >/dev/null || ft_fail "no consumer daemon while recording"
pkill -KILL -x lttng-consumerd
ft_wait_for 10 eval '! pgrep -r R,S,D -x lttng-consumerd >/dev/null' || ft_fail "the consumer daemon did not die"
finish
grep -q "^fluxtrace: the recording broke while the command ran (.*No UST consumer detected" err ||
    ft_fail "the recorder did not say the consumer daemon was lost"
ft_one_line <(grep -v "^fluxtrace: recording session" err) || ft_fail "not one line about it"
grep -q "^why the recording broke" trace1b/.fluxtrace-recording || ft_fail "no marker saying why"
status=0
"$analyze" --summary trace1b >summary.txt 2>analyze.err || status=$?
[ "$status" -lt 128 ] && ft_one_line analyze.err ||
    ft_fail "the analyzer did not answer in one line on what reached the disk (status $status)"
echo "# the analyzer on it: $(cat analyze.err)"
echo "ok: consumer daemon killed"

# 2. The output file system full: a 256 KiB tmpfs, less than one sub-buffer
# per CPU and the metadata.
mkdir full && mount -t tmpfs -o size=256k fluxtrace-full full || ft_skip "cannot mount a tmpfs"
record_until_started full/trace2
head -c 1M /dev/zero >full/filler 2>/dev/null # whatever room is left
finish
umount full/  # before the harness removes its directory
grep -q "^fluxtrace: the recording broke while the command ran (its file system is full)" err ||
    ft_fail "the recorder did not say the file system was full"
ft_one_line <(grep -v "^fluxtrace: recording session" err) || ft_fail "not one line about it"
echo "ok: output file system full"

# 3. A relay that is not there: refused before the command runs (it would run
# untraced), in one line naming the relay, status 1.
status=0
"$FLUXTRACE" record --relay net://127.0.0.1:9 -- sh -c 'echo ran' >out 2>err || status=$?
cat err
[ "$status" -eq 1 ] || ft_fail "exit status $status with no relay, not 1"
[ ! -s out ] || ft_fail "the command ran without its recording"
ft_one_line err && grep -q "lttng-relayd" err || ft_fail "not one line naming the relay"
echo "ok: no relay"

# 4. The recorder killed with SIGKILL while the command runs.  The command
# runs on (it is not the recorder's to kill), and so does the session, in the
# daemon the recorder started.  The trace keeps the recorder's marker.  The
# command makes one traced flux call first (life on the libflux-core double).
record_until_started trace4 sh -c "$life"' exec-child && echo before && : >started &&
    while [ ! -e go ]; do sleep 0.05; done; echo after'

marker=trace4/.fluxtrace-recording
[ -f "$marker" ] || ft_fail "no marker in the trace while recording"
kill -KILL "$recorder"
wait "$recorder" && ft_fail "the killed recorder exited 0"
: >go
ft_wait_for 30 grep -q after out || ft_fail "the command did not run on after its recorder died"
grep -q "^why the recording did not end" "$marker" || ft_fail "marker: $(cat "$marker")"
# The next recorder stops and destroys the session the killed one left, says
# so in one line, and updates that trace's marker; its own trace has none.
"$FLUXTRACE" record -o trace5 -- sh -c "$life"' exec-child && echo second' >out5 2>err5 ||
    { cat err5; ft_fail "the next recording failed"; }
cat err5
grep -q "^fluxtrace: stopped session fluxtrace-.* left running by a recorder that ended (pid $recorder); its trace .*/trace4 is incomplete" err5 ||
    ft_fail "the next recorder did not stop the session left running"
grep -q "^why its recorder (pid $recorder) ended without stopping the session" "$marker" ||
    ft_fail "the marker was not updated: $(cat "$marker")"
[ ! -e trace5/.fluxtrace-recording ] || ft_fail "a clean recording kept its marker"
# The killed recorder's private daemon: taken over by the next recorder, and
# stopped after it (it served no other session), not left running.
grep -q "^daemon-pid [0-9]" "$marker" || ft_fail "the marker does not name the private daemon"
daemon=$(awk '$1 == "daemon-pid" { print $2 }' "$marker")
grep -q "^fluxtrace: stopped lttng-sessiond (pid $daemon), started by a recorder that ended (pid $recorder)$" err5 ||
    ft_fail "the next recorder did not say it stopped the daemon left running"
alive=$(ps -o stat= -p "$daemon" | grep -v Z || true)
[ -z "$alive" ] || ft_fail "lttng-sessiond $daemon still runs ($alive)"
[ "$(tail -n 1 out5)" = second ] || ft_fail "the second command's output changed"
# The analyzer reads the stopped trace and warns, in one line, that its end
# may be missing; the clean one draws no such warning.
"$analyze" --summary trace4 >summary4.txt 2>analyze4.err ||
    { cat analyze4.err; ft_fail "the analyzer did not read the stopped trace"; }
cat analyze4.err
grep -q "^fluxtrace-analyze: warning: trace4: skipped the end of the recording of .*/trace4/.fluxtrace-recording: its recorder (pid $recorder) ended without stopping the session" analyze4.err ||
    ft_fail "the analyzer did not warn of the unfinished recording"
[ "$(grep -c "end of the recording" analyze4.err)" -eq 1 ] || ft_fail "not one warning"
"$analyze" --summary trace5 >summary5.txt 2>analyze5.err || { cat analyze5.err; ft_fail "trace5 unreadable"; }
! grep -q "end of the recording" analyze5.err || ft_fail "a clean recording was called unfinished"
echo "ok: recorder killed"

# 5. A recorder killed after it started its private daemon and before it
# created its session: no session, so no marker, leads to the daemon.  Its
# note does (session_daemon.h); the next recorder takes the daemon over and
# stops it after its own recording.
note=/var/run/lttng/fluxtrace-sessiond
[ ! -e "$note" ] || ft_fail "a daemon note outlived its daemon: $(cat "$note")"
"$starter" >starter.out 2>starter.err &
killed=$!
wait "$killed" && ft_fail "killed-daemon-starter was not killed"
daemon=$(cat starter.out)
[ -n "$daemon" ] || { cat starter.err; ft_fail "killed-daemon-starter started no daemon"; }
ft_sessiond_alive "$daemon" || ft_fail "the daemon died with its recorder"
grep -q "^recorder-pid $killed$" "$note" && grep -q "^daemon-pid $daemon$" "$note" ||
    ft_fail "the daemon note does not name the daemon and its recorder: $(cat "$note" 2>&1)"
"$FLUXTRACE" record -o trace6 -- sh -c "$life"' exec-child && echo third' >out6 2>err6 ||
    { cat err6; ft_fail "the recording after the killed starter failed"; }
cat err6
grep -q "^fluxtrace: stopped lttng-sessiond (pid $daemon), started by a recorder that ended (pid $killed)$" err6 ||
    ft_fail "the next recorder did not stop the daemon the killed one had started"
alive=$(ps -o stat= -p "$daemon" | grep -v Z || true)
[ -z "$alive" ] || ft_fail "lttng-sessiond $daemon still runs ($alive)"
[ ! -e "$note" ] || ft_fail "the note outlived the daemon it names: $(cat "$note")"
[ "$(tail -n 1 out6)" = third ] || ft_fail "the third command's output changed"
echo "ok: recorder killed before its session"
echo PASS
