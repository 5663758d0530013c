"""watch_chaining.py: the watch_chaining workload (see watch_chaining.c) in
Python, through flux-core's own bindings, with keys prefixed "py".

    flux python watch_chaining.py violating|compliant|rpc|timer writer|watcher

violating (BREAKS RFC 9 "Flux services SHOULD NOT employ a pattern of chained
watches"): the writer replaces pywc.stage1, then pywc.stage2 with "s2-a",
"s2-b", "s2-c" (one commit each); the watcher watches pywc.stage1
(WATCH|WAITCREATE) and starts a second watch on pywc.stage2 inside the first
watch's callback.  The race is forced as in watch_chaining.c: the writer
publishes pywc.written with its KVS version, and the watcher waits for it and
for that version before its reactor runs, so the second watch starts on "s2-c"
and never sees "s2-a" and "s2-b".  Once that watch answered, the watcher
publishes pywc.watching2 and the writer writes an end marker "s2-end", which
it always delivers.

rpc and timer (BREAK the same rule through an asynchronous step): as
violating, but the first watch's callback sends an RPC (kvs.getroot) or
starts a one-shot timer watcher, and the second watch starts in that RPC's
continuation or in the timer's callback.

compliant (KEEPS "Centralize update triggers"): the writer appends every
transition as a line to pywc.eventlog; the watcher watches it once with
WATCH|WAITCREATE|WATCH_APPEND and sees all four.

Ordering: the writer subscribes to pywc.ready before the watcher starts; the
watcher registers its first watch, syncs with kvs-watch, publishes pywc.ready.
"""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyworkload import (APPEND, WAITCREATE, WATCH, WATCH_APPEND, args, kvs_version, publish,
                        put, signal_ready, value, wait_event, wait_version, watch,
                        watch_established)

STAGE2 = ["s2-a", "s2-b", "s2-c"]
END_MARKER = "s2-end"


def watcher(h, mode):
    compliant = mode == "compliant"
    seen = []
    futures = []
    chained = []

    def finish():
        for f in futures:
            f.cancel()
        h.reactor_stop()

    established = []

    def stage2_cb(f):
        v = value(f)
        if v == END_MARKER:
            finish()
            return
        if not established:
            # The second watch's first response: tell the writer it is established.
            established.append(True)
            h.event_send("pywc.watching2")
        if v != "init":
            seen.append(v)
        f.reset()

    def start_second_watch():
        futures.append(watch(h, "pywc.stage2", WATCH | WAITCREATE).then(stage2_cb))

    def getroot_cb(f):
        f.get()
        start_second_watch()

    timers = []

    def timer_cb(handle, watcher, revents, args):
        watcher.stop()
        start_second_watch()

    def stage1_cb(f):
        value(f)
        if len(futures) == 1 and not chained:  # the chained watch
            chained.append(True)
            if mode == "rpc":
                h.rpc("kvs.getroot", {"namespace": "primary", "flags": 0}).then(getroot_cb)
            elif mode == "timer":
                timers.append(h.timer_watcher_create(0.0, timer_cb))
                timers[-1].start()
            else:  # from inside this callback
                start_second_watch()
        f.reset()

    def eventlog_cb(f):
        for line in value(f).splitlines():
            seen.append(line)
            if line == STAGE2[-1]:
                finish()
                return
        f.reset()

    if compliant:
        f = watch(h, "pywc.eventlog", WATCH | WAITCREATE | WATCH_APPEND)
        watch_established(f)
        futures.append(f.then(eventlog_cb))
    else:
        f = watch(h, "pywc.stage1", WATCH | WAITCREATE)
        watch_established(f)
        futures.append(f.then(stage1_cb))
        h.event_subscribe("pywc.written")
    publish(h, "pywc.ready")
    if not compliant:
        # The race, forced (as in watch_chaining.c): before the reactor runs,
        # every stage-2 value is committed and applied on this rank.
        wait_version(h, wait_event(h, "pywc.written").payload["seq"])
    h.reactor_run()
    if compliant:
        print(f"watch_chaining.py compliant: watcher saw {len(seen)} of 4 transitions ({' '.join(seen)})")
        return 0 if len(seen) == 4 else 1
    lost = ": lost updates" if len(seen) < len(STAGE2) else ""
    print(f"watch_chaining.py {mode}: chained watch saw {len(seen)} of {len(STAGE2)} "
          f"stage2 values before the end marker ({' '.join(seen)}){lost}")
    return 0


def writer(h, mode):
    compliant = mode == "compliant"
    h.event_subscribe("pywc.ready")
    if not compliant:
        h.event_subscribe("pywc.watching2")
    # Keys exist before any watch (see watch_established).
    if compliant:
        put(h, "pywc.eventlog", "created\n", APPEND)
    else:
        put(h, "pywc.stage1", "init")
        put(h, "pywc.stage2", "init")
    signal_ready()
    wait_event(h, "pywc.ready")
    if compliant:
        for line in ["stage1"] + STAGE2:
            put(h, "pywc.eventlog", line + "\n", APPEND)
    else:
        put(h, "pywc.stage1", "stage1")
        for v in STAGE2:
            put(h, "pywc.stage2", v)
        publish(h, "pywc.written", {"seq": kvs_version(h)})
        wait_event(h, "pywc.watching2")
        put(h, "pywc.stage2", END_MARKER)
    print(f"watch_chaining.py {mode}: writer wrote stage1 and {len(STAGE2)} stage2 values")
    return 0


def main():
    mode, role, h = args("watch_chaining.py", ["violating", "compliant", "rpc", "timer"])
    return (writer if role == "writer" else watcher)(h, mode)


if __name__ == "__main__":
    sys.exit(main())
