#!/bin/bash
# g. Process and thread life, one mode of life.c per test:
#   fork     the child's records (no exec) carry the child's vpid, not the parent's
#   fork-first  a child forked before any flux call traces its own calls
#   exec     a forked child that execs is traced as its own process
#   spawn    so is a posix_spawn'ed one
#   threads  two threads with their own handles: records carry distinct vtids
#   fork-threads  children forked and exec'd while two threads trace RPCs run,
#            exec and are traced afresh
#   fork-closefds  children that close every descriptor after fork (as flux's
#            libsubprocess does) run and exec
#   fork-resolving  a child forked while another thread is inside the shim's
#            first look-up of a symbol runs and execs (it hung there once)
#   module   a dlopened module's own flux calls are recorded
#   exit     exit() inside a callback: the trace is readable and holds what came
#            before
. "$(dirname "$0")/lib.sh"
shim_enter "$@"

mode=${1:?usage: life.sh fork|fork-first|exec|spawn|threads|fork-threads|fork-closefds|fork-resolving|module|exit}
life=$(readlink -f "$FT_PROGRAMS/life")
args=("$mode")
[ "$mode" = module ] && args+=("$FT_PROGRAMS/libshim-module.so")
[ "$mode" = fork-resolving ] && args+=("$FT_PROGRAMS/libshim-blocking-ctor.so")
shim_record "$mode" "$life" "${args[@]}" || ft_fail "life $mode exited with status $?"
shim_check "$mode" "$mode" --exe "$life"
