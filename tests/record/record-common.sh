# Shared by the tests of `fluxtrace record`.  Source it with the test's own
# arguments: the fluxtrace executable first.  Enters the LTTng harness.
#
# Sets FLUXTRACE (the tool), FT_SHIM (the libfluxtrace.so it should preload)
# and FT_PRELOAD (what it puts first in LD_PRELOAD: the shim, after the
# sanitizer's runtime, $FT_SANITIZER_RUNTIME, in a sanitizer build).

FLUXTRACE=${1:?usage: $0 PATH-TO-fluxtrace}
. "$(dirname "${BASH_SOURCE[0]}")/../lib/lttng-harness.sh"
ft_harness_enter "$@"

FLUXTRACE=$(realpath "$FLUXTRACE") || ft_fail "no fluxtrace at $1"
if [ -n "${FLUXTRACE_LIBDIR:-}" ]; then
    FT_SHIM=$FLUXTRACE_LIBDIR/libfluxtrace.so
else
    FT_SHIM=$(dirname "$FLUXTRACE")/../lib/libfluxtrace.so
fi
FT_SHIM=$(realpath -e "$FT_SHIM" 2>/dev/null) ||
    ft_fail "libfluxtrace.so is not beside $FLUXTRACE: build the shim (target fluxtrace) first"
FT_PRELOAD=${FT_SANITIZER_RUNTIME:+$FT_SANITIZER_RUNTIME:}$FT_SHIM
command -v babeltrace2 >/dev/null || ft_skip "babeltrace2 is not installed"
cd "$FT_TMP" || ft_fail "cannot enter $FT_TMP"

# "${FT_UST_SH[@]}" SCRIPT: runs `sh -c SCRIPT` with LTTng-UST loaded.  Any
# program that loads LTTng-UST registers with the session daemon and, with the
# lttng_ust_statedump events `record` enables, leaves records of its loaded
# objects: a trace that needs neither flux-core nor the shim to fire.  It is
# added inside the command, after the shim: preloaded into fluxtrace itself, it
# would make the recorder a traced application too.
# shellcheck disable=SC2034 # used by the tests that source this
FT_UST_SH=(sh -c 'LD_PRELOAD="$LD_PRELOAD:liblttng-ust-fork.so.1" exec sh -c "$1"' ust-sh)

# ft_one_line FILE: FILE holds exactly one line.
ft_one_line() {
    [ "$(wc -l <"$1")" -eq 1 ] || {
        cat "$1" >&2
        return 1
    }
}

# ft_no_daemon: no session or consumer daemon runs in this namespace.
ft_no_daemon() {
    [ -z "$(ft_sessiond_pids)" ] && ! pgrep -x lttng-consumerd >/dev/null
}
