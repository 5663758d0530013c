"""replacement_updates.py: the replacement_updates workload (see
replacement_updates.c) in Python, through flux-core's own bindings, with keys
prefixed "py".

    flux python replacement_updates.py violating|compliant|counter writer|watcher

violating (BREAKS RFC 9 "services SHOULD NOT use replacement on the value of
each update" of a stream key): the writer replaces pyru.state with "pending",
"running", "finishing", "done" (four commits); the watcher watches it with
WATCH|WAITCREATE, stops at "done" and says how many of the four it saw.

compliant (KEEPS it by appending): the writer appends each state as a line to
pyru.eventlog; the watcher uses WATCH|WAITCREATE|WATCH_APPEND and must see all
four.

counter (ALLOWED: monotonically increasing counters MAY use replacement): the
writer replaces pyru.count with 1, 2, 3, 4, watched without WATCH_APPEND.

Ordering: the writer subscribes to pyru.ready before the watcher starts; the
watcher registers its watch, syncs with kvs-watch, publishes pyru.ready.
"""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyworkload import (APPEND, WAITCREATE, WATCH, WATCH_APPEND, args, publish, put,
                        signal_ready, value, wait_event, watch, watch_established)

STATES = ["pending", "running", "finishing", "done"]
COUNTS = ["1", "2", "3", "4"]
# mode: (key, watch flags, values, put flags)
MODES = {
    "violating": ("pyru.state", WATCH | WAITCREATE, STATES, 0),
    "compliant": ("pyru.eventlog", WATCH | WAITCREATE | WATCH_APPEND, STATES, APPEND),
    "counter": ("pyru.count", WATCH | WAITCREATE, COUNTS, 0),
}


def watcher(h, mode):
    key, flags, values, _ = MODES[mode]
    seen = []

    def cb(f):
        # With WATCH_APPEND a response carries only the appended lines.
        for line in value(f).splitlines():
            seen.append(line)
            if line == values[-1]:
                f.cancel()
                h.reactor_stop()
                return
        f.reset()

    f = watch(h, key, flags)
    watch_established(f)  # the writer's initial value: not counted
    f = f.then(cb)
    publish(h, "pyru.ready")
    h.reactor_run()
    lost = ": lost updates" if len(seen) < len(values) else ""
    print(f"replacement_updates.py {mode}: watcher saw {len(seen)} of {len(values)} values "
          f"of {key} ({' '.join(seen)}){lost}")
    del f
    return 1 if mode == "compliant" and len(seen) != len(values) else 0


def writer(h, mode):
    key, _, values, put_flags = MODES[mode]
    # Keys exist before any watch (see watch_established).
    if put_flags & APPEND:
        put(h, key, "created\n", put_flags)
    else:
        put(h, key, "0" if mode == "counter" else "new", put_flags)
    h.event_subscribe("pyru.ready")
    signal_ready()
    wait_event(h, "pyru.ready")
    for v in values:
        put(h, key, v + "\n" if put_flags & APPEND else v, put_flags)
    print(f"replacement_updates.py {mode}: writer made {len(values)} commits")
    return 0


def main():
    mode, role, h = args("replacement_updates.py", list(MODES))
    return (writer if role == "writer" else watcher)(h, mode)


if __name__ == "__main__":
    sys.exit(main())
