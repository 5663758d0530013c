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
