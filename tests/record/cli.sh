#!/bin/bash
# fluxtrace's help and its refusal of bad `record` command lines: exit status 2,
# one line on stderr naming the option and the cause, nothing started or run.
. "$(dirname "$0")/record-common.sh"

"$FLUXTRACE" --help >help.out 2>help.err || ft_fail "fluxtrace --help failed"
grep -q '^ *record ' help.out || ft_fail "fluxtrace --help does not list record"
"$FLUXTRACE" record --help >help.out 2>help.err || ft_fail "fluxtrace record --help failed"
for option in -o,--output --stack --payload --buffer-mib --session; do
    grep -q -- "$option" help.out || ft_fail "fluxtrace record --help does not show $option"
done

mkdir full && touch full/old-trace

# expect_usage_error PATTERN ARGS...: `fluxtrace ARGS` fails with status 2 and
# one line on stderr that matches PATTERN (grep -E).
expect_usage_error() {
    local pattern=$1 status
    shift
    "$FLUXTRACE" "$@" >out 2>err
    status=$?
    [ "$status" -eq 2 ] || ft_fail "fluxtrace $*: exit status $status, not 2"
    ft_one_line err || ft_fail "fluxtrace $*: stderr is not one line"
    grep -Eq -- "$pattern" err || ft_fail "fluxtrace $*: '$(cat err)' does not match $pattern"
    [ ! -s out ] || ft_fail "fluxtrace $*: wrote to stdout"
    [ ! -e ran ] || ft_fail "fluxtrace $*: ran the command"
    [ ! -e trace ] || ft_fail "fluxtrace $*: created the trace directory"
    ft_no_daemon || ft_fail "fluxtrace $*: left a session daemon"
    echo "ok: fluxtrace $* -> $(cat err)"
}

cmd=(touch ran)
expect_usage_error '^fluxtrace: .*subcommand'
expect_usage_error '^fluxtrace: .*bogus' bogus
expect_usage_error '^fluxtrace record: missing command' record
expect_usage_error '^fluxtrace record: missing command' record -o trace --
expect_usage_error '^fluxtrace record: --stack: .*0\.\.64.*65' record -o trace --stack 65 -- "${cmd[@]}"
expect_usage_error '^fluxtrace record: --stack: .*abc' record -o trace --stack abc -- "${cmd[@]}"
expect_usage_error '^fluxtrace record: --stack' record -o trace --stack
expect_usage_error '^fluxtrace record: --payload: .*none, hash, all.*everything' \
    record -o trace --payload everything -- "${cmd[@]}"
expect_usage_error '^fluxtrace record: --payload: .*65536.*65537' \
    record -o trace --payload 65537 -- "${cmd[@]}"
expect_usage_error '^fluxtrace record: --buffer-mib: .*0' record -o trace --buffer-mib 0 -- "${cmd[@]}"
expect_usage_error '^fluxtrace record: --session: ' record -o trace --session a/b -- "${cmd[@]}"
expect_usage_error '^fluxtrace record: unknown option --bogus' record -o trace --bogus -- "${cmd[@]}"
expect_usage_error "^fluxtrace record: -o $FT_TMP/full: directory is not empty" \
    record -o full -- "${cmd[@]}"
[ -e full/old-trace ] || ft_fail "the existing directory was changed"
echo PASS
