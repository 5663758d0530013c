#!/bin/bash
# b. Return values and errno are the program's: each wrapped function class is
# called so that it fails (errors.c), and the output (rc and errno of every
# call) must be the same traced as untraced.
. "$(dirname "$0")/lib.sh"
shim_enter "$@"

shim_run plain "$FT_PROGRAMS/errors"
[ "$SHIM_STATUS" = 0 ] || ft_fail "errors exited with status $SHIM_STATUS untraced"
shim_record traced "$FT_PROGRAMS/errors" || ft_fail "errors exited with status $? traced"
shim_same_output plain traced
shim_check traced errors

# The recorder saves the trace's symbols beside it, and says so in one line;
# --no-symbols does not.
grep -Eqx "fluxtrace: symbols written to $FT_TMP/traced.trace/fluxtrace-symbols.json \([1-9][0-9]* objects, [1-9][0-9]* addresses\)" \
    "$FT_TMP/traced.err" || ft_fail "no 'symbols written' line: $(cat "$FT_TMP/traced.err")"
"$FT_ANALYZE" -q --summary --sysroot "$FT_TMP/no-such-root" --no-system-debug-dir \
    "$FT_TMP/traced.trace" >/dev/null || ft_fail "the trace with its symbols cannot be read"
"$FT_RECORD" record --no-symbols -o "$FT_TMP/nosym.trace" -- "$FT_PROGRAMS/errors" \
    >/dev/null 2>"$FT_TMP/nosym.err" || ft_fail "record --no-symbols failed"
[ ! -e "$FT_TMP/nosym.trace/fluxtrace-symbols.json" ] && ! grep -q symbols "$FT_TMP/nosym.err" ||
    ft_fail "--no-symbols saved symbols"
echo "ok: symbols saved beside the trace, and not with --no-symbols"
