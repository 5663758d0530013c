#!/bin/bash
# A traced broker killed with SIGKILL while the recording runs (issue 12,
# "Faults while recording").  A one-broker instance whose initial program
# kills its own broker: `flux start` runs the broker as the command itself,
# so the command dies of SIGKILL.  Run plain, then under `fluxtrace record`:
# the same exit status (137) and output; the recorder says in one line that
# the command was killed; the trace is read, and the report names the broker
# as a process that ended without exiting, in a warning and on its summary
# line (and in JSON), and in --summary's causal model.  A clean instance (no
# kill) draws no such warning.
# SKIP when flux-core is not installed.
#   usage: broker_killed_real_flux.sh BUILD_DIR FLUX_COMMAND
set -euo pipefail
. "$(dirname "$0")/../lib/lttng-harness.sh"
build=$(realpath "$1")
flux=${2:-}
ft_require_flux "$flux"
ft_harness_enter "$@"
export PATH=$(dirname "$flux"):$PATH
# A broker killed with SIGKILL cannot remove its rundir and statedir: they go
# below the harness's directory, which it removes.
export TMPDIR=$FT_TMP
cd "$FT_TMP"
analyze=$build/bin/fluxtrace-analyze

# The kill comes after "before" is written and before "after" is: the output
# does not depend on timing.
prog='echo before; kill -KILL $(flux getattr broker.pid); echo after'
run() { # NAME COMMAND...: NAME.out, NAME.err, NAME.status
    local out=$1 status=0
    shift 1
    "$@" >"$out.out" 2>"$out.err" || status=$?
    echo "$status" >"$out.status"
}
run plain flux start sh -c "$prog"
run traced "$build/bin/fluxtrace" record -o trace -- flux start sh -c "$prog"
cat traced.err
[ "$(cat plain.status)" = 137 ] || ft_fail "plain: status $(cat plain.status), not 137 (SIGKILL)"
[ "$(cat traced.status)" = "$(cat plain.status)" ] ||
    ft_fail "traced: status $(cat traced.status), plain $(cat plain.status)"
diff -u plain.out traced.out || ft_fail "the command's output changed under fluxtrace record"
[ "$(grep -c "was killed by signal" traced.err)" = 1 ] &&
    grep -q "^fluxtrace: flux (pid [0-9]*) was killed by signal 9 (Killed)$" traced.err ||
    ft_fail "the recorder did not say in one line that the command was killed"
grep -q "(0 events discarded)" traced.err || ft_fail "events were discarded"

status=0
"$analyze" trace >report.txt 2>analyze.err || status=$?
cat analyze.err report.txt
[ "$status" -eq 0 ] || ft_fail "the analyzer exited $status on the trace of the killed broker"
grep -Eq "^fluxtrace-analyze: warning: [0-9]+ traced process(es)? ended without exiting \(killed, crashed, ended by _exit, or still running when the recording stopped\), so (its|their) records stop early: .*flux-broker \(pid [0-9]+\)" analyze.err ||
    ft_fail "no warning naming the killed broker"
[ "$(grep -c "ended without exiting" analyze.err)" = 1 ] || ft_fail "not one warning line"
grep -Eq "^fluxtrace: .* in [0-9]+ records of [0-9]+ processes \(1 broker\); [0-9]+ process(es)? ended without exiting, see warnings$" report.txt ||
    ft_fail "the summary line does not mark the report"
"$analyze" --format json trace 2>/dev/null |
    python3 -c 'import json, sys; s = json.load(sys.stdin)["summary"]; sys.exit(0 if s.get("unended_processes", 0) >= 1 else 1)' ||
    ft_fail "the JSON summary has no unended_processes"
"$analyze" --summary trace >summary.txt 2>/dev/null || ft_fail "--summary failed"
grep -Eq "^  ended without exiting: [0-9]+ \(.*flux-broker \(pid [0-9]+\)" summary.txt ||
    { cat summary.txt; ft_fail "--summary does not name the killed broker"; }

# The same instance left to end by itself: every process exits, no warning.
run clean "$build/bin/fluxtrace" record -o clean-trace -- flux start sh -c 'echo before'
[ "$(cat clean.status)" = 0 ] || { cat clean.err; ft_fail "the clean instance failed"; }
"$analyze" clean-trace >clean-report.txt 2>clean-analyze.err ||
    { cat clean-analyze.err; ft_fail "the analyzer failed on the clean trace"; }
"$analyze" --summary clean-trace >clean-summary.txt 2>/dev/null
! grep -q "ended without exiting" clean-analyze.err clean-report.txt clean-summary.txt ||
    { cat clean-analyze.err; ft_fail "a clean instance was said to have processes that did not exit"; }
echo PASS
