#!/bin/bash
# Whether a `fluxtrace-analyze --summary` of a multi-host recording (one
# source per host) pairs every request that crossed hosts: its table of the
# messages seen in more than one source must have a client row, and every
# request of a client or a module there must be paired with its receive and
# every response received with its send.  (Brokers' own requests between
# ranks are the overlay's business, not a requester's.)
#   paired_across.sh SUMMARY_FILE      prints the table's rows with "# "; exit 1 if not
set -uo pipefail
[ $# -eq 1 ] || { echo "usage: paired_across.sh SUMMARY_FILE" >&2; exit 2; }
rows=$(awk '/^  messages seen in more than one source/ { on = 1; next }
            on && /^    requester/ { next }
            on && /^    / { print; next }
            { on = 0 }' "$1")
sed 's/^/# across hosts: /' <<<"$rows"
if ! awk '$1 == "client" && $2 > 0 { found = 1 } END { exit !found }' <<<"$rows"; then
    echo "FAIL: $1: no client request crossed hosts"
    exit 1
fi
if ! awk '($1 == "client" || $1 == "module") && ($2 != $3 || $4 != $5) { bad = 1 }
          END { exit bad }' <<<"$rows"; then
    echo "FAIL: $1: a request or response that crossed hosts was not paired"
    exit 1
fi
