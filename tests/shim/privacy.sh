#!/bin/bash
# Privacy: what the payload policy keeps out stays out of the trace, and the
# trace directory is its owner's alone.  `cover` sends a cov.hello request
# {"who": "cover"} answered with {"greeting": "hello cover"}, and commits the
# KVS values "value-1".."value-3".
#  - --payload none, --payload hash, and the default policy (which keeps bytes
#    only of the topics the analyzer decodes, kvs.* and events): neither the
#    greeting nor its key is anywhere under the trace directory (metadata,
#    streams, indexes, saved symbols); under none and hash no KVS value either;
#  - --payload all keeps every payload: the same search finds the greeting
#    there, so the search is able to see what it looks for;
#  - the directory `fluxtrace record -o` makes is mode 0700.
. "$(dirname "$0")/lib.sh"
shim_enter "$@"

record() { # record NAME [--payload MODE]: cover recorded into $FT_TMP/NAME.trace
    local name=$1 dir=$FT_TMP/$1.trace
    shift
    "$FT_RECORD" record "$@" -o "$dir" -- "$FT_PROGRAMS/cover" \
        >"$FT_TMP/$name.out" 2>"$FT_TMP/$name.err" ||
        { cat "$FT_TMP/$name.err" >&2; ft_fail "cover failed ($name)"; }
    grep -q "hello: hello cover" "$FT_TMP/$name.out" || ft_fail "cover got no greeting ($name)"
    [ -n "$(find "$dir" -name metadata)" ] || ft_fail "no trace ($name)"
}

# holds NAME PATTERN...: the files of NAME's trace holding any PATTERN.
holds() {
    local name=$1 args=()
    shift
    for p in "$@"; do args+=(-e "$p"); done
    grep -r -a -l "${args[@]}" "$FT_TMP/$name.trace"
}

greeting=("hello cover" '"greeting"')
values=(value-1 value-2 value-3)
for mode in none hash; do
    record "$mode" --payload "$mode"
    if hits=$(holds "$mode" "${greeting[@]}" "${values[@]}"); then
        ft_fail "--payload $mode: a payload is in the trace: $hits"
    fi
    echo "ok: --payload $mode: no payload byte in $(find "$FT_TMP/$mode.trace" -type f | wc -l) files"
done
record default
if hits=$(holds default "${greeting[@]}"); then
    ft_fail "the default policy kept a cov.* payload: $hits"
fi
echo "ok: the default policy keeps no cov.* payload"

record all --payload all
holds all "hello cover" >/dev/null ||
    ft_fail "--payload all kept no greeting: the searches above prove nothing"
echo "ok: --payload all keeps the greeting (the search sees it)"

mode=$(stat -c %a "$FT_TMP/default.trace")
[ "$mode" = 700 ] || ft_fail "the trace directory is mode $mode, not 700"
echo "ok: the trace directory fluxtrace record made is mode 700"
