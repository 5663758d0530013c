#!/bin/bash
# Python frames: a Python program calling libflux-core through ctypes (the GIL
# released, as cffi does) gets each call's Python functions and lines in
# `pystack`, named by `pycode` records, on the main thread and on a Python
# thread; the program's output is the same as without the shim.
. "$(dirname "$0")/lib.sh"
shim_enter "$@"

program=$FT_SHIM_TESTS/pyframes.py
"$FT_PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || {
    echo "SKIP: the shim reads the frames of CPython 3.11 only, $FT_PYTHON is another"
    exit 77
}
# The interpreter does not free everything at exit, and is not ours to check
# for leaks: the sanitizer build checks the shim's own memory errors in it.
[ -z "${FT_SANITIZER_RUNTIME:-}" ] ||
    export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
# The sanitizer build's double needs its runtime first, traced or not.
shim_run plain env ${FT_SANITIZER_RUNTIME:+LD_PRELOAD=$FT_SANITIZER_RUNTIME} \
    "$FT_PYTHON" "$program" "$FT_DOUBLE"
[ "$SHIM_STATUS" -eq 0 ] || ft_fail "pyframes.py exited with status $SHIM_STATUS untraced"
shim_record traced "$FT_PYTHON" "$program" "$FT_DOUBLE" ||
    ft_fail "pyframes.py exited with status $? traced"
shim_same_output plain traced
shim_check traced pyframes --exe "$program"
