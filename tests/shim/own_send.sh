#!/bin/bash
# e. An executable with its own flux_send (which libflux-core's internal calls
# reach too) behaves the same traced as untraced.
. "$(dirname "$0")/lib.sh"
shim_enter "$@"

shim_run plain "$FT_PROGRAMS/own_send"
[ "$SHIM_STATUS" = 0 ] || ft_fail "own_send exited with status $SHIM_STATUS untraced"
shim_record traced "$FT_PROGRAMS/own_send" || ft_fail "own_send exited with status $? traced"
shim_same_output plain traced
grep -q "own flux_send called 2 times" "$FT_TMP/traced.out" ||
    ft_fail "the program's own flux_send was not the one called"
