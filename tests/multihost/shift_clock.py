#!/usr/bin/env python3
"""Moves a recorded host's clock: adds SECONDS (default one day) to the clock
`offset` of every CTF metadata file under TRACE_DIR, in place, keeping the
number's length (so the file's size and layout stay as they were).

    shift_clock.py TRACE_DIR [SECONDS]
    shift_clock.py --slower PPM TRACE_DIR

A host whose clock ran SECONDS ahead would have written exactly that: the same
cycles, a larger offset.  With --slower, the clock's `freq` instead, from 1 GHz
to 1 GHz / (1 - PPM * 1e-6): the same cycles then read as time passing PPM
parts per million slower (and the offset, counted in cycles, moves with it),
as a host whose clock ran slow would have written.  Exits 1 when no metadata
file names an offset (or a 1 GHz clock).
"""
import os
import re
import sys


def rewrite(trace_dir, pattern, change):
    """Applies change(match) to every match of pattern in every metadata file
    under trace_dir, keeping each number's length; returns how many."""
    changed = 0
    for root, _, files in os.walk(trace_dir):
        if "metadata" not in files:
            continue
        path = os.path.join(root, "metadata")
        with open(path, "rb") as f:
            data = f.read()

        def same_length(m):
            new = change(m)
            if len(new) != len(m.group(2)):
                sys.exit(f"{path}: the clock's number would change length")
            return m.group(1) + new + b";"

        data, n = re.subn(pattern, same_length, data)
        changed += n
        with open(path, "wb") as f:
            f.write(data)
    return changed


def main():
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "--slower":
        ppm = float(args[1])
        freq = str(round(1e9 / (1 - ppm * 1e-6))).encode()
        what, changed = "1 GHz clock", rewrite(args[2], rb"(\bfreq = )(1000000000);",
                                                lambda m: freq)
        trace_dir = args[2]
    elif len(args) in (1, 2) and not args[0].startswith("-"):
        delta = int(args[1] if len(args) == 2 else 86400) * 10**9
        what, changed = "clock offset", rewrite(args[0], rb"(\boffset = )(\d+);",
                                                 lambda m: str(int(m.group(2)) + delta).encode())
        trace_dir = args[0]
    else:
        sys.exit(__doc__)
    if changed == 0:
        print(f"{trace_dir}: no CTF metadata with a {what}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
