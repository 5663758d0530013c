#!/bin/bash
# a. Coverage: one program doing one of everything the shim records (see
# cover.c), checked record by record: message identity (topic, matchtag,
# nodeid) tying the RPC to its request and response, callback begin/end pairs,
# the watch's values hashing as the puts they came from, commit sequences,
# versions, the event and its sequence, a blocking wait inside a callback, the
# reactor's records, the process and handle records.
. "$(dirname "$0")/lib.sh"
shim_enter "$@"

shim_record cover "$FT_PROGRAMS/cover" --fns "$FT_TMP/cover.fns" ||
    ft_fail "cover exited with status $?"
shim_check cover cover --fns "$FT_TMP/cover.fns"
