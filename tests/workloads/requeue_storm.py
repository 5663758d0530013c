"""requeue_storm.py: the requeue_storm workload (see requeue_storm.c) in
Python, through flux-core's own bindings, with keys prefixed "py".

    flux python requeue_storm.py violating|compliant main      (rank 0)

Both watch the appended key pyrq.log (WATCH|WATCH_APPEND, established first)
and then, ROUNDS times (50, or REQUEUE_STORM_ROUNDS), append "i\\n" to it and
look pyrq.other up, so that the watch has one more response to deliver each
round.

violating: the rounds are synchronous (kvs.commit, a lookup's get()) and
nothing takes the watch's responses meanwhile: each wait receives every
pending watch response and requeues it.  The backlog is drained after the
rounds.

compliant: the watch is consumed by a continuation (Future.then, reset after
each value) and the rounds run as continuations too (commit_async, a lookup's
then), so the reactor takes every response as it arrives and no wait requeues
anything.
"""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyworkload import APPEND, WATCH, WATCH_APPEND, put, value, watch, watch_established

from flux.kvs import RAW, commit_async

import flux

LOG = "pyrq.log"
OTHER = "pyrq.other"
MODES = ("violating", "compliant")


class State:
    def __init__(self, h, rounds):
        self.h = h
        self.rounds = rounds
        self.round = 0  # rounds committed and looked up
        self.last_seen = 0  # the watch's last line
        self.values = 0  # responses the watch delivered

    def take(self, f):
        """Takes one watch response (appends may come merged) and re-arms it."""
        for line in value(f).splitlines():
            self.last_seen = int(line)
        self.values += 1
        f.reset()

    def finished(self):
        return self.round == self.rounds and self.last_seen == self.rounds


def lookup(h, key):
    """A plain lookup's future (the value is read with pyworkload.value)."""
    return flux.future.Future(RAW.flux_kvs_lookup(h, None, 0, key))


def violating(s, w):
    while s.round < s.rounds:
        put(s.h, LOG, f"{s.round + 1}\n", APPEND)  # blocks: requeues the watch
        value(lookup(s.h, OTHER))  # blocks: requeues it again
        s.round += 1
    while s.last_seen < s.rounds:  # the watch's backlog, at last
        s.take(w)


def compliant(s, w):
    def stop_if_finished():
        if s.finished():
            s.h.reactor_stop()

    def watch_cb(f):
        s.take(f)
        stop_if_finished()

    def lookup_cb(f):
        value(f)
        s.round += 1
        if s.round < s.rounds:
            next_round()
        else:
            stop_if_finished()

    def commit_cb(f):
        f.get()
        lookup(s.h, OTHER).then(lookup_cb)

    def next_round():
        txn = RAW.flux_kvs_txn_create()
        try:
            RAW.flux_kvs_txn_put(txn, APPEND, LOG, f"{s.round + 1}\n")
            commit_async(s.h, _kvstxn=txn).then(commit_cb)
        finally:
            RAW.flux_kvs_txn_destroy(txn)

    w.then(watch_cb)
    next_round()
    s.h.reactor_run()


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in MODES or sys.argv[2] != "main":
        sys.exit(f"usage: requeue_storm.py {'|'.join(MODES)} main")
    mode = sys.argv[1]
    rounds = int(os.environ.get("REQUEUE_STORM_ROUNDS", "0") or 0)
    s = State(flux.Flux(), rounds if rounds > 0 else 50)
    put(s.h, LOG, "0\n", APPEND)
    put(s.h, OTHER, "x")
    w = watch(s.h, LOG, WATCH | WATCH_APPEND)
    watch_established(w)
    if mode == "violating":
        violating(s, w)
    else:
        compliant(s, w)
    w.cancel()
    how = (
        "after the rounds (left unconsumed while blocking)"
        if mode == "violating"
        else "as they came (consumed by a continuation)"
    )
    print(
        f"requeue_storm.py {mode}: {s.round} rounds, the watch delivered {s.values} "
        f"responses up to line {s.last_seen} {how}"
    )


if __name__ == "__main__":
    main()
