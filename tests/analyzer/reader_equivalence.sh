#!/bin/sh
# The fast CTF reader (analyzer/ctf) against Babeltrace2's: on every real trace
# at hand, `--dump` and `--summary` (stdout, stderr, exit status) must be
# byte-identical with --reader fast and --reader bt2, so the fast reader must
# also accept the trace.  Traces after --auto are compared with the default
# choice instead (for those the fast reader may hand to Babeltrace2: damage).
#   reader_equivalence.sh FLUXTRACE_ANALYZE TRACE... [--auto TRACE...]
# A TRACE is a .tar.xz of a trace or a directory holding one, or a glob of
# them; missing ones are skipped (tests/workloads/traces and
# /tmp/workload-traces are optional).  DIR1+DIR2 reads both directories as two
# sources (two hosts) in one run.  split:TRACE.tar.xz moves the trace's first
# stream file into a trace directory of its own (as a second uid's, with a
# copy of the metadata, sorting after the first): one source of two trace
# directories, merged by time.
# Each trace is also read with -j 1 and -j 3 (threads for the check walk of
# the data files): --dump and --summary, warnings included, must not differ.
set -u
tool=$1
shift
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0 reader=fast
compare() { # name dir...
    failed=0 name=$1
    shift
    for mode in --dump --summary; do
        "$tool" -q --reader bt2 $mode "$@" >"$tmp/bt2.out" 2>"$tmp/bt2.err"
        bt2_status=$?
        "$tool" -q --reader $reader $mode "$@" >"$tmp/fast.out" 2>"$tmp/fast.err"
        fast_status=$?
        if [ $fast_status != $bt2_status ] || ! cmp -s "$tmp/bt2.out" "$tmp/fast.out" ||
            ! cmp -s "$tmp/bt2.err" "$tmp/fast.err"; then
            echo "FAIL: $name $mode: $reader (exit $fast_status) differs from bt2 (exit $bt2_status)"
            diff "$tmp/bt2.out" "$tmp/fast.out" | head -5
            diff "$tmp/bt2.err" "$tmp/fast.err" | head -5
            fail=1 failed=1
        fi
    done
    for mode in --dump --summary; do
        for j in 1 3; do
            "$tool" -j $j --reader $reader $mode "$@" >"$tmp/j$j.out" 2>"$tmp/j$j.err"
            echo "exit $?" >>"$tmp/j$j.out"
        done
        if ! cmp -s "$tmp/j1.out" "$tmp/j3.out" || ! cmp -s "$tmp/j1.err" "$tmp/j3.err"; then
            echo "FAIL: $name $mode: -j 3 differs from -j 1"
            diff "$tmp/j1.out" "$tmp/j3.out" | head -5
            diff "$tmp/j1.err" "$tmp/j3.err" | head -5
            fail=1 failed=1
        fi
    done
    [ $failed = 0 ] && echo "ok: $name (--reader $reader; $(wc -l <"$tmp/bt2.out") summary lines, exit $bt2_status; -j 1 = -j 3)"
    n=$((n + 1))
}
for pattern in "$@"; do
    [ "$pattern" = --auto ] && { reader=auto; continue; }
    for t in $pattern; do
    case $t in
    split:*.tar.xz)
        t=${t#split:}
        [ -f "$t" ] || continue
        rm -rf "$tmp/trace" && mkdir "$tmp/trace" && tar -xJf "$t" -C "$tmp/trace" || exit 1
        meta=$(find "$tmp/trace" -name metadata | head -1)
        dir=$(dirname "$meta")
        first=$(find "$dir" -maxdepth 1 -type f ! -name metadata | sort | head -1)
        other=$tmp/trace/ust/uid/zz-split/64-bit
        mkdir -p "$other" && cp "$meta" "$other/" && mv "$first" "$other/" || exit 1
        compare "split:$(basename "$t")" "$tmp/trace"
        grep -q "trace directories: 2" "$tmp/bt2.out" ||
            { echo "FAIL: split:$(basename "$t") is not read as two trace directories"; fail=1; }
        ;;
    *.tar.xz)
        [ -f "$t" ] || continue
        rm -rf "$tmp/trace" && mkdir "$tmp/trace" && tar -xJf "$t" -C "$tmp/trace" || exit 1
        compare "$(basename "$t")" "$tmp/trace"
        ;;
    *+*)
        [ -d "${t%%+*}" ] && [ -d "${t#*+}" ] || continue
        compare "$t" "${t%%+*}" "${t#*+}"
        ;;
    *)
        [ -d "$t" ] || continue
        compare "$t" "$t"
        ;;
    esac
    done
done
[ $n -gt 0 ] || { echo "no trace to compare"; exit 77; }
exit $fail
