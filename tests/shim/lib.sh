# Sourced by the shim's test scripts:
#
#   . "$(dirname "$0")/lib.sh"
#   shim_enter "$@"                    # the LTTng harness: private namespaces
#   shim_record NAME PROGRAM ARGS...   # fluxtrace record; trace read back
#   shim_check NAME CHECK [ARGS...]    # assert_trace.py on it
#
# Paths come from tests/shim/CMakeLists.txt through the environment: FT_SHIM,
# FT_RECORD, FT_ANALYZE, FT_PROGRAMS, FT_DOUBLE, FT_PYTHON, FT_SHIM_TESTS, and
# in a sanitizer build FT_SANITIZER_RUNTIME.  A test that preloads the shim
# itself sets LD_PRELOAD=$FT_PRELOAD: the shim, after the sanitizer's runtime
# in a sanitizer build (as `fluxtrace record` does there).
# Everything a test writes goes to $FT_TMP (kept with FT_KEEP=1).

. "$(dirname "${BASH_SOURCE[0]}")/../lib/lttng-harness.sh"

shim_enter() {
    ft_harness_enter "$@"
    local v
    for v in FT_SHIM FT_RECORD FT_ANALYZE FT_PROGRAMS FT_DOUBLE FT_PYTHON FT_SHIM_TESTS; do
        [ -n "${!v:-}" ] || ft_fail "$v is not set: run this test through ctest"
    done
    for v in "$FT_SHIM" "$FT_RECORD" "$FT_ANALYZE"; do
        [ -e "$v" ] || ft_fail "$v does not exist: build the project first"
    done
    FT_PRELOAD=${FT_SANITIZER_RUNTIME:+$FT_SANITIZER_RUNTIME:}$FT_SHIM
}

# shim_record NAME PROGRAM ARGS...: records PROGRAM under `fluxtrace record`
# into $FT_TMP/NAME.trace, its stdout in $FT_TMP/NAME.out, and the records as
# JSON lines in $FT_TMP/NAME.json.  Returns PROGRAM's exit status.
shim_record() {
    local name=$1 rc=0
    shift
    "$FT_RECORD" record -o "$FT_TMP/$name.trace" -- "$@" >"$FT_TMP/$name.out" \
        2>"$FT_TMP/$name.err" || rc=$?
    sed "s/^/# $name: /" "$FT_TMP/$name.err" >&2
    "$FT_ANALYZE" --dump "$FT_TMP/$name.trace" >"$FT_TMP/$name.json" ||
        ft_fail "fluxtrace-analyze --dump cannot read the trace of $name"
    return $rc
}

# shim_check NAME CHECK [ARGS...]: the assertions of CHECK on NAME's records.
shim_check() {
    local name=$1 check=$2
    shift 2
    "$FT_PYTHON" "$FT_SHIM_TESTS/assert_trace.py" "$FT_TMP/$name.json" "$check" \
        --out "$FT_TMP/$name.out" "$@" || ft_fail "$check: trace checks failed"
}

# shim_same_output A B: the stdout files $FT_TMP/A.out and $FT_TMP/B.out match.
shim_same_output() {
    diff -u "$FT_TMP/$1.out" "$FT_TMP/$2.out" >&2 ||
        ft_fail "the output of $2 differs from that of $1"
}

# shim_run NAME PROGRAM ARGS...: runs PROGRAM (environment as given), stdout to
# $FT_TMP/NAME.out; sets SHIM_STATUS and SHIM_SECONDS (wall time).
shim_run() {
    local name=$1 t0 t1
    shift
    t0=$EPOCHREALTIME
    SHIM_STATUS=0
    "$@" >"$FT_TMP/$name.out" 2>"$FT_TMP/$name.err" || SHIM_STATUS=$?
    t1=$EPOCHREALTIME
    SHIM_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    sed "s/^/# $name: /" "$FT_TMP/$name.err" >&2
}
